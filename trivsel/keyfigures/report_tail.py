"""The unit's key figures beside its survey results in the unit report: sickness absence
over the last twelve complete months (percentage and days per FTE) and its direction,
where they may be shown; added through the reports' section registry."""

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _

from trivsel.keyfigures.figures import add_months
from trivsel.keyfigures.read import last_complete, organisation, series
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit


def beside_results(measurement: Measurement | None, unit: Unit, access: Any) -> str:
    """The twelve months up to the last complete month before the measurement closed (the
    sickness absence of the same period as the answers), or up to now without one."""
    complete = last_complete(timezone.localdate())
    if complete is None:
        return ""
    if measurement is not None and measurement.closes_at:
        closed = timezone.localtime(measurement.closes_at).date().replace(day=1)
        complete = min(complete, add_months(closed, -1))
    data = series(unit, complete, months=25)
    rolling, days = data.rolling(complete), data.days_per_fte(complete)
    before = data.rolling(add_months(complete, -12))
    return render_to_string("keyfigures/report_tail.html", {
        "unit": unit, "month": complete, "rolling": rolling, "days": days,
        "before": before, "plausible": data.plausible(complete),
        "pdf": access is None,
    })  # fmt: skip


def on_dashboard(unit: Unit, access: Any) -> str:
    """The unit's sickness absence over the rolling twelve months on its dashboard panel,
    with the whole organisation's beside it, where they may be shown."""
    complete = last_complete(timezone.localdate())
    if complete is None:
        return ""
    rolling = series(unit, complete, months=12).rolling(complete)
    if rolling is None:
        return ""
    whole = organisation(complete, months=12)
    overall = whole.rolling(complete) if whole and whole.unit != unit else None
    text = _("Sickness absence, rolling 12 months to %(month)s: %(value)s %%") % {
        "month": date_format(complete, "F Y"),
        "value": number_format(rolling, 1),
    }
    if overall is not None:
        text += " " + _("(the whole organisation: %(value)s %%)") % {
            "value": number_format(overall, 1)
        }
    return format_html('<p class="keyfigure">{}</p>', text)
