"""Pulses a leader starts for their own unit (or a unit below it) from one of HR's
templates: the same invitations, close and sealing as every measurement, and the same
anonymity — a unit with fewer people than may be shown, after the survey-fatigue cap has left
out those asked too often, cannot be asked, nor one whose people differ from a recent pulse's
by fewer than k (the difference would give a small group's answers away). It opens at once,
stays open for the template's days, and its report is released at close to the leader and
the TRIO (and HR)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trivsel.core.audit import record
from trivsel.cycle.lifecycle import TransitionRefused, create_measurement
from trivsel.instruments.builder import add_item, create_questionnaire, lock_questionnaire
from trivsel.measurements import fatigue
from trivsel.measurements.models import Measurement, Participant, PulseTemplate
from trivsel.organisation.models import Employee, Unit

MOST_QUESTIONS = 15


OVERLAP_DAYS = 90  # pulses this close together are compared for differencing


@dataclass(frozen=True)
class Preview:
    people: int
    left_out: int  # by the survey-fatigue cap
    # A recent pulse whose people differ from this one's by fewer than k (but some): the
    # two results side by side would tell about that small group.
    too_close: Measurement | None = None

    @property
    def asked(self) -> int:
        return self.people - self.left_out

    @property
    def possible(self) -> bool:
        return self.asked >= settings.RESULTS_MIN_GROUP and self.too_close is None


def _people(units: list[Unit]) -> set[int]:
    where = Q(pk__in=[])
    for unit in units:
        where |= Q(unit__path__startswith=unit.path)
    return set(Employee.objects.filter(where, is_active=True).values_list("pk", flat=True))


def too_close(people: set[int], now: datetime) -> Measurement | None:
    """A pulse of the last OVERLAP_DAYS whose people overlap these (those this pulse would
    ask, after the survey-fatigue cap) and differ from them by 1 to k − 1 either way: a
    pulse of an area a week after one of its biggest team, or of the same unit after two
    people left or were left out, would give the few people's answers away. An earlier
    pulse's people are those it asked (its frozen population), not who is there now."""
    k = settings.RESULTS_MIN_GROUP
    recent = list(
        Measurement.objects.filter(
            kind=Measurement.Kind.PULSE, opens_at__gte=now - timedelta(days=OVERLAP_DAYS)
        )
        .prefetch_related("scope__unit")
        .order_by("-opens_at")
    )
    asked: dict[int, set[int]] = {}
    for measurement_id, employee_id in Participant.objects.filter(
        measurement__in=recent
    ).values_list("measurement_id", "employee_id"):
        asked.setdefault(measurement_id, set()).add(employee_id)
    for pulse in recent:
        theirs = asked.get(pulse.pk)
        if theirs is None:  # started, not yet opened: those it would ask now
            theirs = _people([s.unit for s in pulse.scope.all()])
            theirs -= fatigue.excluded(theirs, now)
        if not theirs & people:
            continue
        if 0 < len(people - theirs) < k or 0 < len(theirs - people) < k:
            return pulse
    return None


def preview(unit: Unit, now: datetime | None = None) -> Preview:
    now = now or timezone.now()
    people = _people([unit])
    tired = fatigue.excluded(people, now)
    return Preview(len(people), len(tired), too_close(people - tired, now))


def open_main_measurements(unit: Unit) -> list[Measurement]:
    """Main measurements open now for the unit (or everything above it): a pulse now asks
    the same people twice at once (allowed, the leader is told)."""
    return list(
        Measurement.objects.filter(
            kind=Measurement.Kind.MAIN, state=Measurement.State.OPEN,
            scope__unit_id__in=[*unit.ancestor_ids(), unit.pk],
        ).distinct()
    )  # fmt: skip


def refusal(seen: Preview, unit: Unit) -> str:
    """Why a pulse for this unit cannot be started ("" if it can), for the leader."""
    if seen.too_close is not None:
        return _(
            "The pulse “%(name)s” of %(date)s asked nearly the same people: fewer than "
            "%(k)s differ. The two reports side by side would give those few people's "
            "answers away, so this pulse cannot be started until %(until)s. Choose the "
            "same unit as then, or one that differs by at least %(k)s people."
        ) % {
            "name": seen.too_close.name,
            "date": date_format(timezone.localtime(seen.too_close.opens_at).date()),
            "until": date_format(
                timezone.localtime(seen.too_close.opens_at).date() + timedelta(days=OVERLAP_DAYS)
            ),
            "k": settings.RESULTS_MIN_GROUP,
        }
    if not seen.possible:
        k = settings.RESULTS_MIN_GROUP
        if seen.people < k:
            return ngettext(
                "%(unit)s has %(people)s person: fewer than %(k)s, so the answers could not "
                "be shown. Choose the unit above it.",
                "%(unit)s has %(people)s people: fewer than %(k)s, so their answers could "
                "not be shown. Choose the unit above it.",
                seen.people,
            ) % {"unit": unit.name, "people": seen.people, "k": k}
        when = fatigue.earliest(_people([unit]), timezone.now(), k)
        text = _(
            "%(asked)s of %(people)s people in %(unit)s would be asked (%(left)s have been "
            "asked too often lately): fewer than %(k)s, so their answers could not be shown."
        ) % {"asked": seen.asked, "people": seen.people, "unit": unit.name,
             "left": seen.left_out, "k": k}  # fmt: skip
        if when is not None:
            text += " " + _("A pulse can be started from %(date)s.") % {
                "date": date_format(timezone.localtime(when).date())
            }
        return text
    return ""


def start_pulse(
    template: PulseTemplate, unit: Unit, user: Any, now: datetime | None = None
) -> Measurement:
    now = now or timezone.now()
    items = list(template.items.select_related("item"))
    if not 1 <= len(items) <= MOST_QUESTIONS:
        raise TransitionRefused(_("A pulse has 1 to 15 questions."))
    seen = preview(unit, now)
    why = refusal(seen, unit)
    if why:
        raise TransitionRefused(why)
    with transaction.atomic():
        name = f"{template.name}: {unit.name}"[:200]
        questionnaire = create_questionnaire(name, user)
        page = questionnaire.pages.get()
        for version in items:
            add_item(page, version)
        lock_questionnaire(questionnaire)  # the template's questions, unchanged
        closes = now + timedelta(days=template.days_open)
        measurement = create_measurement(
            units=[unit], name=name, kind=Measurement.Kind.PULSE, questionnaire=questionnaire,
            validation_starts=now, opens_at=now, closes_at=closes, results_release_at=closes,
            by_job_group=template.by_job_group,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )  # fmt: skip
        record("measurement created", f"{measurement.pk} {measurement.name}", "a pulse")
    return measurement
