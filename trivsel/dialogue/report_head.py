""" "Siden sidst" at the head of a follow-up's unit report: every action the unit agreed
after the baseline (that this reader may read), its status and owners, and how its focus
area has changed since (the difference with its 90 % interval, or "cannot be compared").
Added to the reports through their section registry (trivsel.reports.sections)."""

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from trivsel.dialogue.access import visible_actions_of
from trivsel.dialogue.effects import effects
from trivsel.dialogue.rules import is_overdue
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit


def since_last(measurement: Measurement, unit: Unit, access: Any) -> str:
    if access is None or measurement.kind != Measurement.Kind.FOLLOW_UP:
        return ""
    previous, found = effects(measurement, unit, every_status=True)
    if previous is None:
        return ""
    readable = {a.pk for a in visible_actions_of(access, [e.action for e in found])}
    today = timezone.localdate()
    rows = [
        (e, is_overdue(e.action.due, e.action.status, today))
        for e in found if e.action.pk in readable
    ]  # fmt: skip
    return render_to_string(
        "dialogue/report_head.html", {"previous": previous, "rows": rows, "unit": unit}
    )
