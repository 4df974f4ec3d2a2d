"""Which units need support: per unit (with everything below it) the shown figures that
cross HR's thresholds — low social capital and falling wellbeing in the latest released
main measurement, high or rising sickness absence and high turnover over the last twelve
complete months, and many offensive incidents over the last four quarters. Only shown
figures count (nothing hidden by the anonymity rules is used)."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet

from trivsel.apv import statistics
from trivsel.keyfigures.figures import add_months
from trivsel.keyfigures.models import MonthFigure
from trivsel.keyfigures.read import Month, Series
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
from trivsel.results.models import Kind
from trivsel.results.read import figures
from trivsel.support.models import Thresholds


@dataclass
class Row:
    unit: Unit
    social_capital: float | None = None
    wellbeing_change: float | None = None
    absence: float | None = None
    absence_change: float | None = None
    turnover: float | None = None
    incidents: int | None = None
    signals: list[str] = field(default_factory=list)


def rows(units: QuerySet[Unit], today: date, limits: Thresholds) -> list[Row]:
    chosen = list(units)
    measurement = (
        Measurement.objects.filter(kind=Measurement.Kind.MAIN, state=Measurement.State.RELEASED)
        .order_by("-closes_at").first()
    )  # fmt: skip
    found = figures(measurement, chosen, [Kind.INDEX]) if measurement else None
    last = add_months(today.replace(day=1), -1)  # the last complete month
    first = add_months(last, -23)
    months: dict[int, dict[date, Month]] = {}
    for stored in MonthFigure.objects.filter(unit__in=chosen, subtree=True, month__gte=first,
                                          month__lte=last):  # fmt: skip
        months.setdefault(stored.unit_id, {})[stored.month] = Month(
            stored.month, stored.shown, stored.figures
        )
    year, quarter = statistics.quarter_of(today)
    this_quarter = statistics.quarter_bounds(year, quarter)[0]
    year_ago = add_months(this_quarter, -12)
    incident_totals = {
        counted.unit.pk: counted.total
        for counted in statistics.counts_between(year_ago, this_quarter, chosen)
    }
    result = []
    for unit in chosen:
        row = Row(unit)
        if found is not None:
            social = found.get(unit.pk, Kind.INDEX, "social_capital")
            wellbeing = found.get(unit.pk, Kind.INDEX, "wellbeing")
            row.social_capital = social.score if social else None
            if wellbeing and "previous" in wellbeing.versus:
                row.wellbeing_change = wellbeing.versus["previous"].difference
        by_month = months.get(unit.pk, {})
        slots = [add_months(first, n) for n in range(24)]
        data = Series(unit, [by_month.get(month, Month(month, False)) for month in slots])
        row.absence = data.rolling(last)
        earlier = data.rolling(add_months(last, -12))
        if row.absence is not None and earlier is not None:
            row.absence_change = row.absence - earlier
        row.turnover = data.turnover(last)
        row.incidents = incident_totals.get(unit.pk)
        row.signals = signals(row, limits)
        result.append(row)
    result.sort(key=lambda r: (-len(r.signals), r.unit.path))
    return result


def signals(row: Row, limits: Thresholds) -> list[str]:
    found = []
    if row.social_capital is not None and row.social_capital < limits.low_social_capital:
        found.append("social_capital")
    if row.wellbeing_change is not None and row.wellbeing_change <= -limits.wellbeing_drop:
        found.append("wellbeing")
    if row.absence is not None and row.absence > limits.high_absence:
        found.append("absence")
    if row.absence_change is not None and row.absence_change >= limits.rising_absence:
        found.append("rising_absence")
    if row.turnover is not None and row.turnover > limits.high_turnover:
        found.append("turnover")
    if row.incidents is not None and row.incidents >= limits.incidents:
        found.append("incidents")
    return found
