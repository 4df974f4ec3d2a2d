"""The unit's key figures beside its survey results in the unit report: sickness absence
over the last twelve complete months (percentage and days per FTE) and its direction,
where they may be shown; added through the reports' section registry."""

from typing import Any

from django.template.loader import render_to_string

from trivsel.keyfigures.figures import add_months
from trivsel.keyfigures.read import latest_month, series
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit


def beside_results(measurement: Measurement | None, unit: Unit, access: Any) -> str:
    last = latest_month()
    if last is None:
        return ""
    data = series(unit, last, months=25)
    complete = add_months(last, -1)  # the newest month may still be under way
    rolling, days = data.rolling(complete), data.days_per_fte(complete)
    before = data.rolling(add_months(complete, -12))
    return render_to_string("keyfigures/report_tail.html", {
        "unit": unit, "month": complete, "rolling": rolling, "days": days,
        "before": before, "plausible": data.plausible(complete),
        "pdf": access is None,
    })  # fmt: skip
