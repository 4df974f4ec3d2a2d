"""HR key figures by the official definitions (Danmarks Statistik / KRL, docs/keyfigures.md
to come), as pure functions of dates and numbers: sickness absence in fraværsdagsværk, days
per full-time employee, the absence percentage, short and long spells, the periods (month,
year to date, rolling twelve months), and turnover by the cohort method and by leavers over
the average headcount. No Django here: the import and the stored monthly figures build on
these (issue 19)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from holidays.countries.denmark import Denmark

DAGSVAERK_HOURS = 7.4  # one fraværsdagsværk: a full-time week of 37 hours over 5 days
WEEKDAYS = frozenset(range(5))  # Monday-Friday: the days a standard week is scheduled
DEFAULT_BANDS = (14, 28)  # spells of ≤ 14, 15-28 and > 28 calendar days
SICKNESS = frozenset({"own_illness", "work_injury"})  # "sygefravær"
NOT_ABSENCE = "vacation"  # holiday in the file: neither absence nor a possible working day
PLAUSIBLE = (2.0, 40.0)  # days per FTE outside this: "check the data"


def hours_to_dagsvaerk(hours: float) -> float:
    """Absence in hours as dagsværk (7.4 hours each)."""
    return hours / DAGSVAERK_HOURS


def public_holidays(first_year: int, last_year: int) -> frozenset[date]:
    """Denmark's public holidays on weekdays (New Year, Maundy Thursday, Good Friday, Easter
    Monday, Great Prayer Day until 2023, Ascension, Whit Monday, Christmas), from the
    `holidays` library: they are not scheduled working days."""
    found = Denmark(years=range(first_year, last_year + 1))  # type: ignore[no-untyped-call]
    return frozenset(day for day in found if day.weekday() in WEEKDAYS)


def scheduled_days(
    start: date, end: date, within: tuple[date, date] | None = None,
    weekdays: frozenset[int] = WEEKDAYS, holidays: frozenset[date] = frozenset(),
) -> list[date]:  # fmt: skip
    """The scheduled working days from `start` to `end` (both included), cut to `within`
    (both included), without public holidays: a spell from Thursday to Tuesday has four
    for a five-day week."""
    if within is not None:
        start, end = max(start, within[0]), min(end, within[1])
    days = []
    day = start
    while day <= end:
        if day.weekday() in weekdays and day not in holidays:
            days.append(day)
        day += timedelta(days=1)
    return days


@dataclass(frozen=True)
class Spell:
    """One spell of absence: from `start` to `end` (both included), its cause, and the
    hours of absence per scheduled day where the file gives them (None: full days)."""

    start: date
    end: date
    cause: str
    hours_per_day: float | None = None
    fraction: float = 1.0  # the person's employment fraction (37 hours = 1.0)
    weekdays: frozenset[int] = WEEKDAYS
    holidays: frozenset[date] = frozenset()

    @property
    def calendar_days(self) -> int:
        """The spell's length in calendar days (for the short/long bands)."""
        return (self.end - self.start).days + 1

    def dagsvaerk(self, within: tuple[date, date] | None = None) -> float:
        """Absence dagsværk in the period: hours / 7.4 where hours are given, else one
        dagsværk per scheduled day scaled by the employment fraction."""
        days = len(scheduled_days(self.start, self.end, within, self.weekdays, self.holidays))
        if self.hours_per_day is not None:
            return days * hours_to_dagsvaerk(self.hours_per_day)
        return days * self.fraction


def cause_of(cause: str, day: date, covid_from: date | None) -> str:
    """A covid cause counts as own illness from `covid_from` (Aarhus: 1 September 2021);
    before, it is kept apart so that figures can be shown "without covid"."""
    if cause == "covid" and covid_from is not None and day >= covid_from:
        return "own_illness"
    return cause


def band(calendar_days: int, bands: Sequence[int] = DEFAULT_BANDS) -> int:
    """Which length band a spell falls in: 0 for ≤ bands[0] days, 1 for the next, … and
    len(bands) above the last."""
    for number, limit in enumerate(bands):
        if calendar_days <= limit:
            return number
    return len(bands)


def legal_steps(calendar_days: int) -> list[str]:
    """The steps the length of a spell calls for: the sickness interview at 4 weeks and the
    retention plan (fastholdelsesplan) at 8 weeks."""
    steps = []
    if calendar_days >= 28:
        steps.append("interview")
    if calendar_days >= 56:
        steps.append("retention_plan")
    return steps


@dataclass(frozen=True)
class Employment:
    start: date
    end: date | None  # None: still employed
    fraction: float = 1.0


def fte_years(employments: Iterable[Employment], period: tuple[date, date]) -> float:
    """Full-time-equivalent years in the period: each employment's fraction times the share
    of the period it covers."""
    first, last = period
    length = (last - first).days + 1
    total = 0.0
    for job in employments:
        start, end = max(job.start, first), min(job.end or last, last)
        if end >= start:
            total += job.fraction * ((end - start).days + 1) / length
    return total


def days_per_fte(absence_dagsvaerk: float, fte: float) -> float | None:
    return None if fte <= 0 else absence_dagsvaerk / fte


def absence_percentage(absence_dagsvaerk: float, possible_dagsvaerk: float) -> float | None:
    """Absence dagsværk over the possible dagsværk (worked + absent), in per cent."""
    return None if possible_dagsvaerk <= 0 else 100 * absence_dagsvaerk / possible_dagsvaerk


def plausible(days: float | None) -> bool:
    """False for a unit with more than 40 or fewer than 2 days per FTE: "check the data"
    (Danish municipal own-illness absence was 12.0 days per FTE in 2013, 16.1 in 2022)."""
    return days is None or PLAUSIBLE[0] <= days <= PLAUSIBLE[1]


def cohort_turnover(at_count: set[str], a_year_later: set[str]) -> float | None:
    """The cohort method: of those employed at the count date, the share no longer employed
    a year later (1,000 in November 2024, 195 of them gone in November 2025 → 19.5 %)."""
    if not at_count:
        return None
    return 100 * len(at_count - a_year_later) / len(at_count)


def leaver_turnover(leavers: int, monthly_headcounts: Sequence[int]) -> float | None:
    """Leavers over the average monthly headcount, in per cent."""
    if not monthly_headcounts or sum(monthly_headcounts) == 0:
        return None
    return 100 * leavers / (sum(monthly_headcounts) / len(monthly_headcounts))


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_bounds(month: date) -> tuple[date, date]:
    first = month_start(month)
    return first, add_months(first, 1) - timedelta(days=1)


def rolling_twelve(last_complete: date) -> tuple[date, date]:
    """The twelve complete months ending with `last_complete`'s month."""
    return add_months(month_start(last_complete), -11), month_bounds(last_complete)[1]


def year_to_date(month: date) -> tuple[date, date]:
    return date(month.year, 1, 1), month_bounds(month)[1]
