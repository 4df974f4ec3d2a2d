"""The vectorised monthly figures (trivsel.keyfigures.compute) against an independent
oracle: each person's employments and spells worked out one by one with the pure
definitions (trivsel.keyfigures.figures) and summed per unit with everything below it; and
what is shown against the exact audit (no set of 1-4 people follows from the shown
units' people counts by any combination). Random organisations with moves between units,
part time, hours, leavers and hires, spells across month ends and across a move."""

import random
from datetime import date, timedelta
from typing import Any

import numpy as np
import pytest

from trivsel.engine.audit import audit
from trivsel.keyfigures import figures as f
from trivsel.keyfigures.compute import (
    AT,
    CAUSES,
    MIN_DAYS,
    MIN_EMPLOYEES,
    compute_months,
    own_figures,
)
from trivsel.keyfigures.models import Employment, MonthFigure, Spell
from trivsel.organisation.models import Employee, Unit, UnitKind

pytestmark = pytest.mark.django_db
Figures = dict[str, float]
Job = tuple[Unit, date, date | None, float]
MONTHS = [date(2025, m, 1) for m in range(1, 7)]
COVID_FROM = date(2025, 3, 19)  # a Wednesday inside the months: covid spells across it


@pytest.fixture(autouse=True)
def _covid_from(settings: Any) -> None:
    settings.KEYFIGURES_COVID_AS_ILLNESS_FROM = COVID_FROM


def _organisation(rng: random.Random) -> tuple[list[Unit], dict[int, list[Job]]]:
    """A small tree, people with one to three jobs in a row (a move is a job ending the day
    before the next starts), and their spells."""
    root = Unit.objects.create(code="R", name="R", kind=UnitKind.MUNICIPALITY,
                               valid_from=date(2000, 1, 1))  # fmt: skip
    units = [root]
    for number in range(rng.randint(3, 7)):
        parent = rng.choice(units)
        units.append(Unit.objects.create(code=f"U{number}", name=f"U{number}", parent=parent,
                                         kind=UnitKind.UNIT,
                                         valid_from=date(2000, 1, 1)))  # fmt: skip
    jobs: dict[int, list[Job]] = {}
    for number in range(rng.randint(15, 45)):
        person = Employee.objects.create(number=str(number), name="x", unit=rng.choice(units))
        start = date(2023, 6, 1) + timedelta(days=rng.randint(0, 700))
        rows = []
        for _job in range(rng.choice([1, 1, 1, 2, 3])):
            end = None if rng.random() < 0.4 else start + timedelta(days=rng.randint(0, 300))
            if end is not None and rng.random() < 0.4:  # most jobs end on a month's last day
                end = f.month_bounds(end)[1]
            rows.append((rng.choice(units), start, end, rng.choice([1.0, 1.0, 0.5, 0.8108])))
            if end is None:
                break
            gap = rng.random()
            start = end + timedelta(days=1) if gap < 0.5 else (
                start + timedelta(days=rng.randint(0, 20)) if gap < 0.7  # two at once
                else end + timedelta(days=rng.randint(5, 90)))  # fmt: skip
        for unit, begin, end, fraction in rows:
            Employment.objects.create(employee=person, unit=unit, start=begin, end=end,
                                      fraction=fraction)  # fmt: skip
        day = date(2024, 11, 1) + timedelta(days=rng.randint(0, 30))
        while day < date(2025, 7, 15):
            length = rng.choice([1, 1, 2, 3, 6, 16, 40])
            cause = rng.choice(CAUSES)
            hours = rng.choice([None, None, 3.7, 2.0])
            Spell.objects.create(employee=person, start=day, code="x", cause=cause,
                                 end=day + timedelta(days=length - 1),
                                 hours_per_day=hours)  # fmt: skip
            day += timedelta(days=length + rng.randint(1, 60))
        jobs[person.pk] = rows
    return units, jobs


def _under(unit: Unit, top: Unit, parents: dict[int, int | None]) -> bool:
    at: int | None = unit.pk
    while at is not None:
        if at == top.pk:
            return True
        at = parents[at]
    return False


def _home(rows: list[Job], within: tuple[date, date], order: dict[int, int]) -> Unit | None:
    """The one unit a person counts in for a period: of the jobs overlapping it, the one
    lasting latest in it, then the larger fraction, then the first unit in the tree."""
    first, last = within
    found = [(min(end or last, last), fraction, -order[unit.pk], unit)
             for unit, start, end, fraction in rows
             if start <= last and (end is None or end >= first)]  # fmt: skip
    return max(found, key=lambda item: item[:3])[3] if found else None


def _oracle(units: list[Unit], jobs: dict[int, list[Job]], month: date) -> dict[int, Figures]:
    """Each unit's own figures for the month, person by person: all of a person's jobs and
    spells of the month count in their home unit (`_home`), each person once."""
    first, last = f.month_bounds(month)
    then = f.month_bounds(f.add_months(month, -12))[1]
    result = {unit.pk: {name: 0.0 for name in AT} for unit in units}
    holidays = f.public_holidays(2024, 2026)
    order = {unit.pk: number for number, unit in enumerate(units)}

    def employed(person: int, day: date) -> bool:
        return any(s <= day and (e is None or e >= day) for _u, s, e, _f in jobs[person])

    counted: dict[tuple[int, str], set[int]] = {}  # (unit, figure): its people, once each

    def count(unit: Unit, figure: str, person: int) -> None:
        counted.setdefault((unit.pk, figure), set()).add(person)

    for person, rows in jobs.items():
        home_then = _home(rows, (then, then), order)
        if home_then is not None:
            count(home_then, "cohort", person)
            if not employed(person, last):
                count(home_then, "cohort_gone", person)
        home = _home(rows, (first, last), order)
        if home is None:
            continue
        own = result[home.pk]
        worked = sum(len(f.scheduled_days(start, end or last, (first, last), holidays=holidays))
                     for _u, start, end, _f in rows)  # fmt: skip
        if worked >= MIN_DAYS:  # a working week in the month to count towards the 5
            count(home, "people", person)
        begun: set[int] = set()
        for _unit, start, end, fraction in rows:
            if start > last or (end is not None and end < first):
                continue
            own["fte"] += f.fte_years([f.Employment(start, end, fraction)], (first, last))
            own["possible"] += fraction * len(f.scheduled_days(start, end or last, (first, last),
                                                               holidays=holidays))  # fmt: skip
            if end is None or end >= last:
                count(home, "headcount", person)
            if first <= start <= last and not employed(person, start - timedelta(1)):
                count(home, "hires", person)
            if (end is not None and first <= end <= last
                    and not employed(person, end + timedelta(1))):  # fmt: skip
                count(home, "leavers", person)
            for spell in Spell.objects.filter(employee_id=person):
                cut = (max(spell.start, start, first), min(spell.end, end or last, last))
                if cut[0] > cut[1]:
                    continue
                fact = f.Spell(spell.start, spell.end, spell.cause, spell.hours_per_day,
                               fraction, holidays=holidays)  # fmt: skip
                band = f.band(fact.calendar_days)
                for day in f.scheduled_days(*cut, holidays=holidays):  # each day, its cause
                    cause = f.cause_of(spell.cause, day, COVID_FROM)
                    own[f"absence:{cause}"] += fact.dagsvaerk((day, day))
                    if cause == f.NOT_ABSENCE:
                        own["possible"] -= fact.dagsvaerk((day, day))
                    if cause in f.SICKNESS:
                        own[f"band_days:{band}"] += fact.dagsvaerk((day, day))
                start_cause = f.cause_of(spell.cause, spell.start, COVID_FROM)
                if (cut[0] <= spell.start <= cut[1] and start_cause in f.SICKNESS
                        and spell.pk not in begun):  # fmt: skip
                    begun.add(spell.pk)
                    own[f"band:{band}"] += 1
    for (unit_id, figure), persons in counted.items():
        result[unit_id][figure] = float(len(persons))
    return result


@pytest.mark.parametrize("seed", range(6))
def test_the_months_agree_with_the_definitions_person_by_person(seed: int) -> None:
    rng = random.Random(seed)
    units, jobs = _organisation(rng)
    units = list(Unit.objects.order_by("path"))
    own = own_figures(units, MONTHS)
    for column, month in enumerate(MONTHS):
        expected = _oracle(units, jobs, month)
        for row, unit in enumerate(units):
            got = {name: own[row, column, at] for name, at in AT.items()}
            assert got == pytest.approx(expected[unit.pk], abs=1e-9), (seed, month, unit.code)


@pytest.mark.parametrize("seed", range(6))
def test_what_is_shown_gives_no_small_group_away(seed: int) -> None:
    rng = random.Random(100 + seed)
    _units, jobs = _organisation(rng)
    units = list(Unit.objects.order_by("path"))
    parents = {unit.pk: unit.parent_id for unit in units}
    compute_months(MONTHS[0], MONTHS[-1])
    for month in MONTHS:
        expected = _oracle(units, jobs, month)
        atoms = [int(expected[unit.pk]["people"]) for unit in units]
        stored = {row.unit_id: row for row in MonthFigure.objects.filter(month=month)}
        cells = [frozenset(n for n, unit in enumerate(units) if _under(unit, top, parents))
                 for top in units if stored[top.pk].shown]  # fmt: skip
        for top in units:
            people = sum(expected[u.pk]["people"] for u in units if _under(u, top, parents))
            row = stored[top.pk]
            assert row.shown == bool(row.figures)
            if row.shown:
                assert people >= MIN_EMPLOYEES
                assert row.figures["people"] == people
                sick = sum(expected[u.pk]["absence:own_illness"] for u in units
                           if _under(u, top, parents))  # fmt: skip
                assert row.figures["absence:own_illness"] == pytest.approx(sick, abs=1e-3)
        assert audit(cells, atoms, MIN_EMPLOYEES) is None, (seed, month)
        # the cohorts likewise, on their own counts
        cohorts = [int(expected[unit.pk]["cohort"]) for unit in units]
        shown_cohorts = [frozenset(n for n, unit in enumerate(units) if _under(unit, top, parents))
                         for top in units if "cohort" in stored[top.pk].figures]  # fmt: skip
        assert audit(shown_cohorts, cohorts, MIN_EMPLOYEES) is None, (seed, month)


def test_a_shown_month_is_not_hidden_for_nothing() -> None:
    """A single unit of 12 people shows every month (the rule hides only what it must)."""
    root = Unit.objects.create(code="R", name="R", kind=UnitKind.MUNICIPALITY,
                               valid_from=date(2000, 1, 1))  # fmt: skip
    for number in range(12):
        person = Employee.objects.create(number=str(number), name="x", unit=root)
        Employment.objects.create(employee=person, unit=root, start=date(2020, 1, 1))
    compute_months(MONTHS[0], MONTHS[-1])
    assert MonthFigure.objects.filter(shown=True).count() == len(MONTHS)
    assert np.isclose(MonthFigure.objects.get(month=MONTHS[1]).figures["possible"], 12 * 20)
    # April 2025 has 22 weekdays, three of them public holidays (17, 18 and 21 April)
    assert np.isclose(MonthFigure.objects.get(month=MONTHS[3]).figures["possible"], 12 * 19)


def test_one_person_with_two_rows_in_a_unit_is_one_person() -> None:
    """A unit of four people, one of whom changed hours mid-month (two employment rows)
    and another holds two contracts at once: still four people, so nothing is shown (an
    attacker's finding: the rows had been counted as people)."""
    root = Unit.objects.create(code="R", name="R", kind=UnitKind.MUNICIPALITY,
                               valid_from=date(2000, 1, 1))  # fmt: skip
    small = Unit.objects.create(code="S", name="S", kind=UnitKind.UNIT, parent=root,
                                valid_from=date(2000, 1, 1))  # fmt: skip
    people = [Employee.objects.create(number=str(n), name="x", unit=small) for n in range(4)]
    Employment.objects.create(employee=people[0], unit=small, start=date(2020, 1, 1),
                              end=date(2025, 3, 14), fraction=1.0)  # fmt: skip
    Employment.objects.create(employee=people[0], unit=small, start=date(2025, 3, 15),
                              fraction=0.8)  # fmt: skip
    Employment.objects.create(employee=people[1], unit=small, start=date(2020, 1, 1),
                              fraction=0.6)  # fmt: skip
    Employment.objects.create(employee=people[1], unit=small, start=date(2020, 1, 1),
                              fraction=0.4)  # fmt: skip
    for person in people[2:]:
        Employment.objects.create(employee=person, unit=small, start=date(2020, 1, 1))
    compute_months(date(2025, 3, 1), date(2025, 3, 1))
    assert not MonthFigure.objects.get(unit=small, month=date(2025, 3, 1)).shown
    assert not MonthFigure.objects.get(unit=root, month=date(2025, 3, 1)).shown
    own = own_figures(list(Unit.objects.order_by("path")), [date(2025, 3, 1)])
    assert own[1, 0, AT["people"]] == 4 and own[1, 0, AT["headcount"]] == 4
    assert own[1, 0, AT["leavers"]] == 0 and own[1, 0, AT["hires"]] == 0


def test_closing_a_unit_leaves_the_history_above_it_as_it_was() -> None:
    """A unit of 4 under a department of 6 more is closed (merged away): its people's past
    now count in the department, whose figures stay exactly as before, so an export from
    before and one from after give the closed unit nothing away (an attacker's finding:
    its people had dropped out of the department's history)."""
    root = Unit.objects.create(code="R", name="R", kind=UnitKind.MUNICIPALITY,
                               valid_from=date(2000, 1, 1))  # fmt: skip
    small = Unit.objects.create(code="S", name="S", kind=UnitKind.UNIT, parent=root,
                                valid_from=date(2000, 1, 1))  # fmt: skip
    for number in range(10):
        person = Employee.objects.create(number=str(number), name="x", unit=root)
        Employment.objects.create(employee=person, unit=small if number < 4 else root,
                                  start=date(2020, 1, 1))  # fmt: skip
        day = date(2025, 3, 3 + number)
        Spell.objects.create(employee=person, start=day, end=day, code="S", cause="own_illness")
    march, april = date(2025, 3, 1), date(2025, 4, 1)
    compute_months(march, march)
    before = MonthFigure.objects.get(unit=root).figures
    Unit.objects.filter(pk=small.pk).update(valid_to=date(2025, 6, 30))
    compute_months(march, april)  # March again on its own tree, April for the first time
    assert MonthFigure.objects.get(unit=root, month=march).figures == before
    assert not MonthFigure.objects.filter(unit=small, month=april).exists()
    assert MonthFigure.objects.get(unit=root, month=april).figures["people"] == 10


def test_moving_a_unit_leaves_the_months_already_shown_as_they_were() -> None:
    """A unit of 4 moves from one department to another after March was shown. March
    computed again (a later import) keeps the tree it was first computed on, so neither
    department's March changes: an export from before the move and one from after give
    the small unit nothing away (a second attacker's finding). April, computed for the
    first time after the move, counts it under its new department."""
    root = Unit.objects.create(code="R", name="R", kind=UnitKind.MUNICIPALITY,
                               valid_from=date(2000, 1, 1))  # fmt: skip
    one, two = (Unit.objects.create(code=code, name=code, kind=UnitKind.DEPARTMENT,
                                    parent=root, valid_from=date(2000, 1, 1))
                for code in ("A", "B"))  # fmt: skip
    small = Unit.objects.create(code="S", name="S", kind=UnitKind.UNIT, parent=one,
                                valid_from=date(2000, 1, 1))  # fmt: skip
    for number in range(16):
        unit = small if number < 4 else one if number < 10 else two
        person = Employee.objects.create(number=str(number), name="x", unit=unit)
        Employment.objects.create(employee=person, unit=unit, start=date(2020, 1, 1))
        day = date(2025, 3, 3 + number)
        Spell.objects.create(employee=person, start=day, end=day, code="S", cause="own_illness")
    march, april = date(2025, 3, 1), date(2025, 4, 1)
    compute_months(march, march)
    before = {row.unit.code: row.figures for row in MonthFigure.objects.select_related("unit")}
    assert before["A"]["people"] == 10 and before["B"]["people"] == 6 and not before["S"]
    small.parent = two
    small.save()
    compute_months(march, april)
    after = {row.unit.code: row.figures for row in
             MonthFigure.objects.filter(month=march).select_related("unit")}  # fmt: skip
    assert after == before
    moved = MonthFigure.objects.get(unit=two, month=april).figures
    assert moved["people"] == 10


def test_a_person_in_a_unit_and_the_team_below_counts_once() -> None:
    """Four people in a unit with a team below it: one also holds a contract in the team,
    another moves to the team mid-month. Still four people in the unit with its team, so
    nothing is shown (a second attacker's finding: a person in two units of one subtree
    was counted twice, once in each unit)."""
    root = Unit.objects.create(code="R", name="R", kind=UnitKind.MUNICIPALITY,
                               valid_from=date(2000, 1, 1))  # fmt: skip
    unit = Unit.objects.create(code="S", name="S", kind=UnitKind.UNIT, parent=root,
                               valid_from=date(2000, 1, 1))  # fmt: skip
    team = Unit.objects.create(code="S-T", name="S-T", kind=UnitKind.TEAM, parent=unit,
                               valid_from=date(2000, 1, 1))  # fmt: skip
    people = [Employee.objects.create(number=str(n), name="x", unit=unit) for n in range(4)]
    for person in people:
        moves = person == people[1]
        Employment.objects.create(employee=person, unit=unit, start=date(2020, 1, 1),
                                  end=date(2025, 3, 15) if moves else None)  # fmt: skip
    Employment.objects.create(employee=people[0], unit=team, start=date(2020, 1, 1),
                              fraction=0.2)  # fmt: skip
    Employment.objects.create(employee=people[1], unit=team, start=date(2025, 3, 16))
    compute_months(date(2025, 3, 1), date(2025, 3, 1))
    for code in ("R", "S", "S-T"):
        assert not MonthFigure.objects.get(unit__code=code, month=date(2025, 3, 1)).shown, code
    own = own_figures(list(Unit.objects.order_by("path")), [date(2025, 3, 1)])
    assert own[:3, 0, AT["people"]].sum() == 4  # one person, one unit, each
    assert own[:3, 0, AT["hires"]].sum() == 0 and own[:3, 0, AT["leavers"]].sum() == 0


def test_a_cohort_is_not_shown_for_a_unit_whose_units_changed_since_its_count_date() -> None:
    """November 2024 is shown on the tree of then; a unit of 4 then moves out of its
    department, and November 2025 is computed for the first time on the new tree. The
    department's cohort (those employed on 30 November 2024, placed on the new tree) would
    differ from its November 2024 headcount by the moved unit's 4 people, so it is not
    shown, nor the receiving department's; an untouched department's and the top's are
    (a third attacker's finding)."""
    root = Unit.objects.create(code="R", name="R", kind=UnitKind.MUNICIPALITY,
                               valid_from=date(2000, 1, 1))  # fmt: skip
    one, two, three = (Unit.objects.create(code=code, name=code, kind=UnitKind.DEPARTMENT,
                                           parent=root, valid_from=date(2000, 1, 1))
                       for code in ("A", "B", "C"))  # fmt: skip
    small = Unit.objects.create(code="S", name="S", kind=UnitKind.UNIT, parent=one,
                                valid_from=date(2000, 1, 1))  # fmt: skip
    for number in range(22):
        unit = small if number < 4 else one if number < 10 else two if number < 16 else three
        person = Employee.objects.create(number=str(number), name="x", unit=unit)
        Employment.objects.create(employee=person, unit=unit, start=date(2020, 1, 1))
    november = date(2024, 11, 1)
    compute_months(november, november)
    small.parent = two
    small.save()
    compute_months(date(2025, 11, 1), date(2025, 11, 1))
    cohort = {
        row.unit.code: row.figures.get("cohort")
        for row in MonthFigure.objects.filter(month=date(2025, 11, 1)).select_related("unit")
    }
    assert cohort["A"] is None and cohort["B"] is None  # their units changed
    assert cohort["C"] == 6 and cohort["R"] == 22  # theirs did not


def test_monthly_figures_count_those_who_left_in_the_month() -> None:
    """A team whose 2 people both left in the month has 0 employees at its end but their
    sickness: it counts them (those employed at some time in the month), so its unit of 6
    more does not show a figure from which the team's could be subtracted (a third
    attacker's finding)."""
    from trivsel.keyfigures.models import UnitMonth

    root = Unit.objects.create(code="R", name="R", kind=UnitKind.MUNICIPALITY,
                               valid_from=date(2000, 1, 1))  # fmt: skip
    one, two = (Unit.objects.create(code=code, name=code, kind=UnitKind.TEAM, parent=root,
                                    valid_from=date(2000, 1, 1))
                for code in ("T1", "T2"))  # fmt: skip
    march = date(2025, 3, 1)
    UnitMonth.objects.create(
        unit=one,
        month=march,
        figures={"headcount": 6, "fte": 6, "absence:own_illness": 10, "leavers": 0},
    )
    UnitMonth.objects.create(
        unit=two,
        month=march,
        figures={"headcount": 0, "fte": 0.4, "absence:own_illness": 4, "leavers": 2},
    )
    compute_months(march, march)
    shown = {row.unit.code: row.shown for row in MonthFigure.objects.select_related("unit")}
    assert shown["T2"] is False and not (shown["R"] and shown["T1"])


def test_short_contracts_do_not_pad_a_small_unit() -> None:
    """A unit of 3 and two people with a one-day contract on a Sunday (or any contract of
    under a working week) in the month: still 3 who count, so nothing is shown (a fourth
    attacker's finding: they had made it 5, while the figures were the 3's alone)."""
    root = Unit.objects.create(code="R", name="R", kind=UnitKind.MUNICIPALITY,
                               valid_from=date(2000, 1, 1))  # fmt: skip
    small = Unit.objects.create(code="S", name="S", kind=UnitKind.UNIT, parent=root,
                                valid_from=date(2000, 1, 1))  # fmt: skip
    for number in range(5):
        person = Employee.objects.create(number=str(number), name="x", unit=small)
        if number < 3:
            Employment.objects.create(employee=person, unit=small, start=date(2020, 1, 1))
        else:  # Sunday 30 November 2025, and Monday to Thursday of the week before
            start = date(2025, 11, 30) if number == 3 else date(2025, 11, 24)
            end = date(2025, 11, 30) if number == 3 else date(2025, 11, 27)
            Employment.objects.create(employee=person, unit=small, start=start, end=end)
    compute_months(date(2025, 11, 1), date(2025, 11, 1))
    assert not MonthFigure.objects.filter(shown=True).exists()
