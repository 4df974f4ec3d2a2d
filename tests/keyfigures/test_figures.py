"""The key figures' worked examples from issue 19 and the definitions (Danmarks Statistik /
KRL): dagsværk, days per FTE, the absence percentage, the weekend rule, covid from a date,
the bands and legal steps, the periods, and both turnover methods."""

from datetime import date

import pytest

from trivsel.keyfigures.figures import (
    Employment,
    Spell,
    absence_percentage,
    band,
    cause_of,
    cohort_turnover,
    days_per_fte,
    fte_years,
    hours_to_dagsvaerk,
    leaver_turnover,
    legal_steps,
    plausible,
    rolling_twelve,
    year_to_date,
)

YEAR = (date(2025, 1, 1), date(2025, 12, 31))


def test_days_per_fte_and_the_percentage() -> None:
    """A 1.0 FTE all year, 10 dagsværk; B 0.5 all year, 4; C 1.0 for half the year, 3 →
    2.0 FTE-years, 8.5 days per FTE; 227 possible days per FTE → 3.74 %."""
    jobs = [Employment(date(2025, 1, 1), None, 1.0), Employment(date(2025, 1, 1), None, 0.5),
            Employment(date(2025, 1, 1), date(2025, 7, 2), 1.0)]  # fmt: skip
    fte = fte_years(jobs, YEAR)
    assert fte == pytest.approx(2.0, abs=0.002)
    days = days_per_fte(10 + 4 + 3, 2.0)
    assert days == 8.5
    assert round(absence_percentage(17, 2.0 * 227) or 0, 2) == 3.74
    assert (
        days_per_fte(120, 10) == 12.0 and round(absence_percentage(120, 10 * 227) or 0, 2) == 5.29
    )


def test_hours_become_dagsvaerk() -> None:
    """A 37-hour employee absent 3 full days and twice 3.7 hours → 4.0 dagsværk."""
    full = Spell(date(2025, 3, 3), date(2025, 3, 5), "own_illness")  # Mon-Wed
    half = [Spell(date(2025, 3, d), date(2025, 3, d), "own_illness", hours_per_day=3.7)
            for d in (10, 11)]  # fmt: skip
    assert full.dagsvaerk() + sum(s.dagsvaerk() for s in half) == pytest.approx(4.0)
    assert hours_to_dagsvaerk(37) == pytest.approx(5.0)
    # part-time: a full day of absence counts the employment fraction
    assert Spell(date(2025, 3, 3), date(2025, 3, 3), "own_illness", fraction=0.5).dagsvaerk() == 0.5


def test_only_scheduled_days_count_but_the_band_counts_calendar_days() -> None:
    """Thursday to Tuesday: 6 calendar days for its band, 4 dagsværk for a 5-day week."""
    spell = Spell(date(2025, 3, 6), date(2025, 3, 11), "own_illness")
    assert spell.calendar_days == 6 and spell.dagsvaerk() == 4
    # cut to a period: only March's days of a spell over the month's end
    over = Spell(date(2025, 3, 28), date(2025, 4, 2), "own_illness")
    assert over.dagsvaerk((date(2025, 3, 1), date(2025, 3, 31))) == 2  # Fri 28, Mon 31


def test_bands_and_legal_steps() -> None:
    assert [band(d) for d in (1, 14, 15, 28, 29)] == [0, 0, 1, 1, 2]
    assert band(20, (7, 21)) == 1
    assert legal_steps(27) == [] and legal_steps(28) == ["interview"]
    assert legal_steps(56) == ["interview", "retention_plan"]


def test_covid_counts_as_own_illness_from_a_date() -> None:
    """From 1 September 2021 covid is registered as ordinary illness; before it is kept apart
    (the figures can be shown without it)."""
    switch = date(2021, 9, 1)
    assert cause_of("covid", date(2021, 8, 31), switch) == "covid"
    assert cause_of("covid", date(2021, 9, 1), switch) == "own_illness"
    assert cause_of("child_illness", date(2021, 9, 1), switch) == "child_illness"


def test_periods() -> None:
    assert rolling_twelve(date(2021, 9, 15)) == (date(2020, 10, 1), date(2021, 9, 30))
    assert year_to_date(date(2021, 9, 15)) == (date(2021, 1, 1), date(2021, 9, 30))


def test_turnover_by_both_methods() -> None:
    """1,000 employed in November 2024, 195 of them gone in November 2025 → 19.5 %."""
    november = {f"{n:04d}" for n in range(1000)}
    later = {f"{n:04d}" for n in range(195, 1000)} | {"new1", "new2"}
    assert cohort_turnover(november, later) == 19.5
    assert leaver_turnover(30, [100, 100, 98, 102]) == 30.0
    assert cohort_turnover(set(), later) is None


def test_implausible_units_are_flagged() -> None:
    assert plausible(12.0) and plausible(None)
    assert not plausible(41.0) and not plausible(1.5)


def test_the_periods_of_a_series_year_to_date_rolling_and_turnover() -> None:
    """Read off stored months: January to March 2025 have 2, 4 and 6 dagsværk of sickness
    over 100 possible each; the year to date is 12 / 300 = 4 %. The rolling twelve months
    need every one of the twelve shown; one hidden month hides it (and the turnover)."""
    from trivsel.keyfigures.read import Month, Series
    from trivsel.organisation.models import Unit

    def month(day: date, sick: float, shown: bool = True) -> Month:
        figures = {"possible": 100.0, "absence:own_illness": sick, "fte": 5.0,
                   "headcount": 10.0, "leavers": 1.0, "band:0": 1.0}  # fmt: skip
        return Month(day, shown, figures if shown else {})

    months = [month(date(2024, m, 1), 1.0) for m in range(4, 13)]
    months += [month(date(2025, m, 1), 2.0 * m) for m in range(1, 4)]
    data = Series(Unit(code="X"), months)
    assert data.year_to_date(date(2025, 3, 1)) == pytest.approx(4.0)
    assert data.rolling(date(2025, 3, 1)) == pytest.approx(100 * 21 / 1200)
    assert data.turnover(date(2025, 3, 1)) == pytest.approx(120.0)  # 12 leavers / 10
    assert data.bands(date(2025, 3, 1)) == [12.0, 0.0, 0.0]
    months[3] = month(date(2024, 7, 1), 0, shown=False)
    hidden = Series(Unit(code="X"), months)
    assert hidden.rolling(date(2025, 3, 1)) is None and hidden.turnover(date(2025, 3, 1)) is None
    assert hidden.year_to_date(date(2025, 3, 1)) == pytest.approx(4.0)
