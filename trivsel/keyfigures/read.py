"""The one read API for the stored monthly key figures: a unit's series of months with the
derived figures (absence percentage and days per FTE, by the definitions in
trivsel.keyfigures.figures), the rolling twelve months, the same month last year and
month-on-month change. Only shown months carry numbers."""

from dataclasses import dataclass, field
from datetime import date

from trivsel.keyfigures.figures import SICKNESS, absence_percentage, add_months, plausible
from trivsel.keyfigures.models import Cause, MonthFigure
from trivsel.organisation.models import Unit


@dataclass(frozen=True)
class Month:
    month: date
    shown: bool
    figures: dict[str, float] = field(default_factory=dict)

    def absence(self, causes: frozenset[str] = SICKNESS) -> float:
        return sum(self.figures.get(f"absence:{cause}", 0.0) for cause in causes)

    @property
    def percentage(self) -> float | None:
        """Sickness absence (own illness + work injury) over the possible dagsværk."""
        if not self.shown:
            return None
        return absence_percentage(self.absence(), self.figures.get("possible", 0.0))


@dataclass(frozen=True)
class Series:
    unit: Unit
    months: list[Month]

    def at(self, month: date) -> Month | None:
        return next((m for m in self.months if m.month == month), None)

    def rolling(self, month: date) -> float | None:
        """Sickness absence % over the twelve months ending with this one (None unless
        every month of them is shown)."""
        window = [self.at(add_months(month, -back)) for back in range(12)]
        if any(m is None or not m.shown for m in window):
            return None
        absent = sum(m.absence() for m in window if m)
        possible = sum(m.figures.get("possible", 0.0) for m in window if m)
        return absence_percentage(absent, possible)

    def days_per_fte(self, month: date) -> float | None:
        """Sickness-absence days per full-time employee over the rolling twelve months."""
        window = [self.at(add_months(month, -back)) for back in range(12)]
        if any(m is None or not m.shown for m in window):
            return None
        fte = sum(m.figures.get("fte", 0.0) for m in window if m) / 12
        return None if fte <= 0 else sum(m.absence() for m in window if m) / fte

    def change(self, month: date) -> float | None:
        now, before = self.at(month), self.at(add_months(month, -1))
        if not now or not before or now.percentage is None or before.percentage is None:
            return None
        return now.percentage - before.percentage

    def last_year(self, month: date) -> float | None:
        then = self.at(add_months(month, -12))
        return then.percentage if then else None

    def plausible(self, month: date) -> bool:
        return plausible(self.days_per_fte(month))

    def causes(self, month: date) -> list[tuple[str, float]]:
        now = self.at(month)
        if not now or not now.shown:
            return []
        return [(str(cause.label), now.figures.get(f"absence:{cause.value}", 0.0))
                for cause in Cause]  # fmt: skip


def series(unit: Unit, last: date, months: int = 24) -> Series:
    first = add_months(last, -(months - 1))
    rows = MonthFigure.objects.filter(unit=unit, subtree=True, month__gte=first, month__lte=last)
    found = {row.month: Month(row.month, row.shown, row.figures) for row in rows}
    return Series(unit, [found.get(add_months(first, n), Month(add_months(first, n), False))
                         for n in range(months)])  # fmt: skip


def latest_month() -> date | None:
    row = MonthFigure.objects.order_by("-month").values_list("month", flat=True).first()
    return row
