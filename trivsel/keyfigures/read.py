"""The one read API for the stored monthly key figures: a unit's series of months with the
derived figures (absence percentage and days per FTE, by the definitions in
trivsel.keyfigures.figures), the rolling twelve months, the same month last year and
month-on-month change. Only shown months carry numbers."""

from dataclasses import dataclass, field
from datetime import date

from trivsel.keyfigures.figures import (
    DEFAULT_BANDS,
    NOT_ABSENCE,
    SICKNESS,
    absence_percentage,
    add_months,
    days_per_fte,
    leaver_turnover,
    plausible,
)
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

    def window(self, month: date) -> list[Month] | None:
        """The twelve months ending with this one, None unless every one is shown."""
        found = [self.at(add_months(month, -back)) for back in range(12)]
        shown = [m for m in found if m is not None and m.shown]
        return shown if len(shown) == 12 else None

    def year_to_date(self, month: date) -> float | None:
        """Sickness absence % from January to this month (None unless every one is shown)."""
        found = [self.at(add_months(month, -back)) for back in range(month.month)]
        shown = [m for m in found if m is not None and m.shown]
        if len(shown) != month.month:
            return None
        possible = sum(m.figures.get("possible", 0.0) for m in shown)
        return absence_percentage(sum(m.absence() for m in shown), possible)

    def total(self, month: date, name: str) -> float | None:
        """A figure summed over the twelve months ending with this one."""
        window = self.window(month)
        return None if window is None else sum(m.figures.get(name, 0.0) for m in window)

    def rolling(self, month: date) -> float | None:
        """Sickness absence % over the twelve months ending with this one (None unless
        every month of them is shown)."""
        window = self.window(month)
        if window is None:
            return None
        possible = sum(m.figures.get("possible", 0.0) for m in window)
        return absence_percentage(sum(m.absence() for m in window), possible)

    def days_per_fte(self, month: date) -> float | None:
        """Sickness-absence days per full-time employee over the rolling twelve months."""
        window = self.window(month)
        if window is None:
            return None
        return days_per_fte(sum(m.absence() for m in window),
                            sum(m.figures.get("fte", 0.0) for m in window) / 12)  # fmt: skip

    def turnover(self, month: date) -> float | None:
        """Leavers over the twelve months / the average headcount at the months' ends, in
        per cent (a move between units is not a leaver)."""
        window = self.window(month)
        if window is None:
            return None
        leavers = round(sum(m.figures.get("leavers", 0.0) for m in window))
        return leaver_turnover(leavers, [round(m.figures.get("headcount", 0.0)) for m in window])

    def cohort_turnover(self, month: date) -> tuple[int, float] | None:
        """The cohort method: of those employed in the unit at the end of the month a year
        before, the share employed nowhere in the organisation at the end of this one; with
        the cohort's size (None where the cohort is fewer than 5 or not known)."""
        now = self.at(month)
        if now is None or not now.shown or "cohort" not in now.figures:
            return None
        cohort = round(now.figures["cohort"])
        if cohort <= 0:
            return None
        return cohort, 100 * now.figures.get("cohort_gone", 0.0) / cohort

    def bands(self, month: date) -> list[float] | None:
        """Spells of absence begun in the twelve months, by length band."""
        window = self.window(month)
        if window is None:
            return None
        return [sum(m.figures.get(f"band:{band}", 0.0) for m in window)
                for band in range(len(DEFAULT_BANDS) + 1)]  # fmt: skip

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
        """Absence dagsværk by cause over the twelve months ending with this one."""
        window = self.window(month)
        if window is None:
            return []
        return [(str(cause.label), sum(m.figures.get(f"absence:{cause.value}", 0.0)
                                       for m in window))
                for cause in Cause if cause.value != NOT_ABSENCE]  # fmt: skip


def series(unit: Unit, last: date, months: int = 24) -> Series:
    first = add_months(last, -(months - 1))
    rows = MonthFigure.objects.filter(unit=unit, subtree=True, month__gte=first, month__lte=last)
    found = {row.month: Month(row.month, row.shown, row.figures) for row in rows}
    return Series(unit, [found.get(add_months(first, n), Month(add_months(first, n), False))
                         for n in range(months)])  # fmt: skip


def organisation(last: date, months: int = 24) -> Series | None:
    """The whole organisation's series (its top unit with everything below), for
    comparison: None where there is more than one top unit."""
    tops = list(Unit.objects.filter(parent=None, valid_to=None)[:2])
    return series(tops[0], last, months) if len(tops) == 1 else None


def last_complete(today: date) -> date | None:
    """The newest stored month that is over: never the month under way."""
    last = latest_month()
    complete = add_months(today.replace(day=1), -1)
    return None if last is None else min(last, complete)


def latest_month() -> date | None:
    row = MonthFigure.objects.order_by("-month").values_list("month", flat=True).first()
    return row
