"""A unit's key figures: sickness absence month by month with the rolling twelve months and
the same month last year, the causes, headcount and FTE — each figure with its definition.
Through the one access check: those who may see the unit."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from trivsel.keyfigures.read import latest_month, series
from trivsel.organisation.access import Capability, unit_view
from trivsel.organisation.models import Unit


@unit_view(Capability.VIEW_UNIT)
def unit_figures(request: HttpRequest, unit: Unit) -> HttpResponse:
    last = latest_month()
    data = series(unit, last) if last else None
    rows = []
    if data is not None:
        for month in reversed(data.months[-13:]):
            rows.append({
                "month": month.month, "shown": month.shown,
                "percentage": month.percentage, "rolling": data.rolling(month.month),
                "last_year": data.last_year(month.month), "change": data.change(month.month),
                "days": data.days_per_fte(month.month),
                "headcount": month.figures.get("headcount"), "fte": month.figures.get("fte"),
                "plausible": data.plausible(month.month),
            })  # fmt: skip
    context = {
        "unit": unit, "rows": rows, "last": last,
        "causes": data.causes(last) if data and last else [],
    }  # fmt: skip
    return render(request, "keyfigures/unit.html", context)
