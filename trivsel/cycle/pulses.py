"""Pulses a leader starts for their own unit (or a unit below it) from one of HR's
templates: the same invitations, close and sealing as every measurement, and the same
anonymity — a unit with fewer people than may be shown, after the survey-fatigue cap has left
out those asked too often, cannot be asked. It opens at once, stays open for the template's
days, and its report is released at close to the leader and the TRIO (and HR)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.core.audit import record
from trivsel.cycle.lifecycle import TransitionRefused, create_measurement
from trivsel.instruments.builder import add_item, create_questionnaire
from trivsel.measurements import fatigue
from trivsel.measurements.models import Measurement, PulseTemplate
from trivsel.organisation.models import Employee, Unit

MOST_QUESTIONS = 15


@dataclass(frozen=True)
class Preview:
    people: int
    left_out: int  # by the survey-fatigue cap

    @property
    def asked(self) -> int:
        return self.people - self.left_out

    @property
    def possible(self) -> bool:
        return self.asked >= settings.RESULTS_MIN_GROUP


def preview(unit: Unit, now: datetime | None = None) -> Preview:
    people = list(
        Employee.objects.filter(unit__path__startswith=unit.path, is_active=True).values_list(
            "pk", flat=True
        )
    )
    return Preview(len(people), len(fatigue.excluded(people, now or timezone.now())))


def start_pulse(
    template: PulseTemplate, unit: Unit, user: Any, now: datetime | None = None
) -> Measurement:
    now = now or timezone.now()
    items = list(template.items.select_related("item"))
    if not 1 <= len(items) <= MOST_QUESTIONS:
        raise TransitionRefused(_("A pulse has 1 to 15 questions."))
    seen = preview(unit, now)
    if not seen.possible:
        raise TransitionRefused(
            _(
                "%(asked)s of %(people)s people in %(unit)s would be asked (%(left)s have been "
                "asked too often lately): fewer than %(k)s, so their answers could not be shown."
            )
            % {
                "asked": seen.asked,
                "people": seen.people,
                "unit": unit.name,
                "left": seen.left_out,
                "k": settings.RESULTS_MIN_GROUP,
            }
        )
    with transaction.atomic():
        name = f"{template.name}: {unit.name}"[:200]
        questionnaire = create_questionnaire(name, user)
        page = questionnaire.pages.get()
        for version in items:
            add_item(page, version)
        closes = now + timedelta(days=template.days_open)
        measurement = create_measurement(
            units=[unit], name=name, kind=Measurement.Kind.PULSE, questionnaire=questionnaire,
            validation_starts=now, opens_at=now, closes_at=closes, results_release_at=closes,
            by_job_group=template.by_job_group,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )  # fmt: skip
        record("measurement created", f"{measurement.pk} {measurement.name}", "a pulse")
    return measurement
