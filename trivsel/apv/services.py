"""Writes to the incident register, each one transaction, audited without the description
(who registered what where is in the record itself, read by few)."""

from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.apv.models import Incident
from trivsel.apv.rules import easy_deadline
from trivsel.core.audit import record
from trivsel.organisation.models import Unit


class Refused(Exception):
    """A change that cannot be made; the message says why."""


def absence_days(incident: Incident, today: date) -> int:
    """Calendar days of absence beyond the day of the injury so far (to the last day, or
    to today while it lasts)."""
    if incident.first_absence is None:
        return 0
    last = incident.last_absence or today
    return max(0, (last - incident.first_absence).days + 1)


def deadline(incident: Incident, today: date | None = None) -> date | None:
    """When the incident must be reported to EASY (None: it need not be): an injury with
    absence beyond the day of injury that reaches the threshold in force on that day."""
    if not incident.injury:
        return None
    return easy_deadline(
        incident.occurred_on, incident.first_absence,
        absence_days(incident, today or timezone.localdate()),
        settings.EASY_ABSENCE_THRESHOLDS,
    )  # fmt: skip


def needs_easy(incident: Incident, today: date | None = None) -> bool:
    """Flagged until "reported to EASY" is marked."""
    return deadline(incident, today) is not None and incident.reported_to_easy_on is None


@transaction.atomic
def register(unit: Unit, user: Any, **fields: Any) -> Incident:
    check(fields)
    incident = Incident.objects.create(unit=unit, registered_by=user, **fields)
    record("incident registered", f"incident {incident.pk}", f"unit {unit.code}")
    return incident


def check(fields: dict[str, Any]) -> None:
    today = timezone.localdate()
    occurred, first, last = (
        fields["occurred_on"],
        fields.get("first_absence"),
        fields.get("last_absence"),
    )
    if occurred > today:
        raise Refused(_("The date of the incident cannot be in the future."))
    if first is not None and first <= occurred:
        # Arbejdstilsynet: the first day of absence is the first day beyond the day of injury
        raise Refused(_("The first day of absence is a day after the incident: the day of the "
                        "incident itself does not count."))  # fmt: skip
    if last is not None and (first is None or last < first):
        raise Refused(_("The last day of absence comes after the first."))


@transaction.atomic
def follow_up(incident: Incident, user: Any, text: str, amo_informed: bool,
              last_absence: date | None) -> Incident:  # fmt: skip
    """The leader's follow-up: what was done, whether the AMO is informed, and the last day
    of absence once it is known."""
    if last_absence is not None and (
        incident.first_absence is None or last_absence < incident.first_absence
    ):
        raise Refused(_("The last day of absence comes after the first."))
    incident.follow_up = text.strip()
    incident.amo_informed = amo_informed
    incident.last_absence = last_absence
    incident.followed_up_at = timezone.now()
    incident.save(update_fields=["follow_up", "amo_informed", "last_absence", "followed_up_at"])
    record("incident followed up", f"incident {incident.pk}", f"unit {incident.unit.code}")
    return incident


@transaction.atomic
def mark_reported(incident: Incident, user: Any, on: date) -> Incident:
    if deadline(incident) is None:
        raise Refused(_("This incident need not be reported to EASY."))
    if on < incident.occurred_on or on > timezone.localdate():
        raise Refused(_("The date of the report lies between the incident and today."))
    incident.reported_to_easy_on = on
    incident.save(update_fields=["reported_to_easy_on"])
    record("incident reported to EASY", f"incident {incident.pk}", on.isoformat())
    return incident
