"""The monthly key figures of every unit, from the stored employment and spells (and the
monthly aggregates of organisations without person data), vectorised with numpy like the
results engine, by the definitions in trivsel.keyfigures.figures: per unit with everything
below it — headcount at the month's end, the people employed in the month, FTE, possible
dagsværk, absence dagsværk by cause, spells by length band, leavers and hires, and the
cohort turnover (of those employed in the unit twelve months before, how many are employed
nowhere now).

Each person counts in one unit a month, their home (`_homes`), with all their figures of
the month, so the units' own figures part the people. A month's figures are shown only
where at least 5 people were employed in the unit with everything below it and no
subtraction of shown units exposes fewer (the results' suppression on those counts,
trivsel.engine.suppression); the cohort likewise on its own count. A month computed again
keeps the units' tree it was first computed on (`MonthTree`). Hidden figures are stored as
hidden, never shown."""

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import CharField, Max, Min
from django.db.models.functions import Cast
from django.utils import timezone
from numpy.typing import NDArray

from trivsel.engine.compute import with_organisation
from trivsel.engine.suppression import visible_many
from trivsel.keyfigures.figures import (
    DAGSVAERK_HOURS,
    DEFAULT_BANDS,
    NOT_ABSENCE,
    SICKNESS,
    add_months,
    month_bounds,
    public_holidays,
)
from trivsel.keyfigures.models import (
    Cause,
    Employment,
    MonthFigure,
    MonthTree,
    Spell,
    UnitMonth,
)
from trivsel.organisation.models import Unit

MIN_EMPLOYEES = 5  # absence is health data: no figure for fewer
MIN_DAYS = 5  # scheduled working days in the month for a person to count towards the 5
CAUSES = [cause.value for cause in Cause]
BANDS = len(DEFAULT_BANDS) + 1
FIGURES = ["people", "headcount", "fte", "possible", "leavers", "hires",
           *[f"absence:{c}" for c in CAUSES], *[f"band:{b}" for b in range(BANDS)],
           *[f"band_days:{b}" for b in range(BANDS)], "cohort", "cohort_gone"]  # fmt: skip
AT = {name: number for number, name in enumerate(FIGURES)}
COHORT = ("cohort", "cohort_gone")
OPEN_TEXT = "9999-12-31"
OPEN = np.datetime64(OPEN_TEXT, "D")
Days = NDArray[np.datetime64]


def _days(values: list[str | None]) -> Days:
    """ISO dates as read with `_text` (None: open) as numpy days."""
    return np.array([OPEN_TEXT if d is None else d for d in values], dtype="datetime64[D]")


def _text(name: str) -> Cast:
    """A date column read as its ISO text (both databases write it so): numpy parses that
    far faster than Python builds date objects, which matters at 500,000 spells."""
    return Cast(name, CharField())


def _holidays(first: date, last: date) -> Days:
    """Denmark's public holidays on weekdays from `first` to `last`'s years, as numpy days."""
    return np.array(sorted(public_holidays(first.year, last.year)), dtype="datetime64[D]")


def _workdays(begin: Days, finish: Days, holidays: Days) -> NDArray[np.int64]:
    """Scheduled days (Monday-Friday, not a public holiday) from begin to finish, both
    included; 0 when empty."""
    ok = finish >= begin
    counts = np.zeros(len(begin), dtype=np.int64)
    counts[ok] = np.busday_count(begin[ok], finish[ok] + np.timedelta64(1, "D"),
                                 holidays=holidays)  # fmt: skip
    return counts


@dataclass
class _Jobs:
    """Employment as arrays: person (dense index), unit (tree index), first and last day
    (OPEN while employed) and fraction."""

    person: NDArray[np.int64]
    unit: NDArray[np.int64]
    start: Days
    end: Days
    fraction: NDArray[np.float64]
    left: NDArray[np.bool_] = field(init=False)  # leaves the organisation at `end`
    hired: NDArray[np.bool_] = field(init=False)  # joins it at `start`

    def __post_init__(self) -> None:
        """A hire joins the organisation (employed nowhere the day before the job starts),
        a leaver leaves it (employed nowhere the day after it ends): a move from one unit
        to another, or a second contract beside the first, is neither."""
        self.left = self.end < OPEN
        self.hired = np.ones(len(self.person), dtype=bool)
        many = np.flatnonzero(np.bincount(self.person)[self.person] > 1) if len(self.person) \
            else np.zeros(0, dtype=np.int64)  # fmt: skip
        day = np.timedelta64(1, "D")
        by_person: dict[int, list[int]] = {}
        for job in many.tolist():  # the few people with more than one job
            by_person.setdefault(int(self.person[job]), []).append(job)
        for jobs in by_person.values():
            for job in jobs:
                before, after = self.start[job] - day, self.end[job] + day
                others = [other for other in jobs if other != job]
                if any(self.start[o] <= before <= self.end[o] for o in others):
                    self.hired[job] = False
                if self.left[job] and any(self.start[o] <= after <= self.end[o] for o in others):
                    self.left[job] = False


@dataclass
class _Absence:
    """Each spell cut to each of the person's employments it overlaps: the person (dense
    index; the unit it counts in is the person's home unit of the month), the overlap, the
    spell's own first day, length, cause and dagsværk per day (the job's fraction)."""

    person: NDArray[np.int64]
    begin: Days
    finish: Days
    start: Days
    length: NDArray[np.int64]
    cause: NDArray[np.int64]
    per_day: NDArray[np.float64]  # dagsværk per scheduled day: hours / 7.4 or the fraction
    spell: NDArray[np.int64]  # which spell (one spell may overlap two concurrent jobs)


def _jobs(at: dict[int, int], first: date, last: date) -> tuple[_Jobs, dict[int, int]]:
    rows = list(
        Employment.objects.filter(start__lte=last).exclude(end__lt=first)
        .values_list("employee_id", "unit_id", _text("start"), _text("end"), "fraction")
    )  # fmt: skip
    where = _open_unit_of(at)
    rows = [row for row in rows if row[1] in where]
    people: dict[int, int] = {}
    for row in rows:
        people.setdefault(row[0], len(people))
    jobs = _Jobs(
        np.array([people[r[0]] for r in rows], dtype=np.int64),
        np.array([where[r[1]] for r in rows], dtype=np.int64),
        _days([r[2] for r in rows]), _days([r[3] for r in rows]),
        np.array([r[4] for r in rows], dtype=np.float64),
    )  # fmt: skip
    return jobs, people


def _open_unit_of(at: dict[int, int]) -> dict[int, int]:
    """Where each unit's employment counts: an open unit in itself, a closed (merged or
    removed) one in its nearest open ancestor. A reorganisation then leaves the units above
    with the same history; had the closed unit's people dropped out, the difference
    between an earlier export and a later one would give that unit away."""
    parents = dict(Unit.objects.values_list("pk", "parent_id"))
    result = dict(at)
    for pk in parents:
        up, seen = parents.get(pk), {pk}
        while pk not in result and up is not None and up not in seen:
            if up in at:
                result[pk] = at[up]
            seen.add(up)
            up = parents.get(up)
    return result


def _absence(jobs: _Jobs, people: dict[int, int], first: date, last: date) -> _Absence:
    spells = Spell.objects.filter(start__lte=last, end__gte=first)
    rows = list(spells.values_list("employee_id", _text("start"), _text("end"), "cause",
                                   "hours_per_day"))  # fmt: skip
    rows = [row for row in rows if row[0] in people]
    causes = {cause: number for number, cause in enumerate(CAUSES)}
    person = np.array([people[r[0]] for r in rows], dtype=np.int64)
    start, end = _days([r[1] for r in rows]), _days([r[2] for r in rows])
    hours = np.array([np.nan if r[4] is None else r[4] for r in rows], dtype=np.float64)
    cause = np.array([causes[r[3]] for r in rows], dtype=np.int64)
    # join each spell to the person's employments: sort the jobs by person, find each
    # person's run of jobs, and repeat the spell once for each of them
    order = np.argsort(jobs.person, kind="stable")
    sorted_people = jobs.person[order]
    low = np.searchsorted(sorted_people, person, side="left")
    high = np.searchsorted(sorted_people, person, side="right")
    many = high - low
    spell = np.repeat(np.arange(len(rows)), many)
    offset = np.arange(len(spell)) - np.repeat(np.cumsum(many) - many, many)
    job = order[np.repeat(low, many) + offset]
    begin = np.maximum(start[spell], jobs.start[job])
    finish = np.minimum(end[spell], jobs.end[job])
    keep = begin <= finish
    spell, job, begin, finish = spell[keep], job[keep], begin[keep], finish[keep]
    per_day = np.where(np.isnan(hours[spell]), jobs.fraction[job], hours[spell] / DAGSVAERK_HOURS)
    length = (end[spell] - start[spell]).astype(np.int64) + 1
    absence = _Absence(jobs.person[job], begin, finish, start[spell], length, cause[spell],
                       per_day, spell)  # fmt: skip
    return _covid_as_illness(absence, settings.KEYFIGURES_COVID_AS_ILLNESS_FROM)


def _covid_as_illness(absence: _Absence, since: date | None) -> _Absence:
    """Covid absence from `since` on counts as own illness (figures.cause_of): a covid
    spell across the date is cut in two, the part before kept apart as covid (so the
    figures before the date are "without covid"). The spell still counts once in its band,
    where it starts."""
    if since is None:
        return absence
    day = np.datetime64(since, "D")
    covid = absence.cause == CAUSES.index(Cause.COVID)
    across = covid & (absence.begin < day) & (absence.finish >= day)
    after = covid & (absence.begin >= day)
    cause = absence.cause.copy()
    cause[after] = CAUSES.index(Cause.OWN_ILLNESS)
    finish = absence.finish.copy()
    finish[across] = day - np.timedelta64(1, "D")
    tail = np.flatnonzero(across)

    def join(values: Any, extra: Any) -> Any:
        return np.concatenate([values, extra])

    return _Absence(
        join(absence.person, absence.person[tail]),
        join(absence.begin, np.full(len(tail), day)),
        join(finish, absence.finish[tail]),
        join(absence.start, absence.start[tail]),
        join(absence.length, absence.length[tail]),
        join(cause, np.full(len(tail), CAUSES.index(Cause.OWN_ILLNESS))),
        join(absence.per_day, absence.per_day[tail]),
        join(absence.spell, absence.spell[tail]),
    )


def _employed_at(jobs: _Jobs, day: np.datetime64, persons: int) -> NDArray[np.bool_]:
    """Per person: employed anywhere on `day`."""
    on = (jobs.start <= day) & (jobs.end >= day)
    return np.bincount(jobs.person[on], minlength=persons) > 0


def _homes(jobs: _Jobs, chosen: NDArray[np.bool_], last_day: Days, persons: int,
           ) -> NDArray[np.int64]:  # fmt: skip
    """Per person, the one unit they count in among the `chosen` jobs (-1: none): the job
    that lasts latest (`last_day`), then the larger fraction, then the first unit. All of
    a person's figures for the month go there, so the units' own figures part the people
    and the suppression's counts are people, never jobs (a person in a unit and in the
    team below it, or moving mid-month, had been counted twice)."""
    index = np.flatnonzero(chosen)
    home = np.full(persons, -1, dtype=np.int64)
    if not len(index):
        return home
    latest = (last_day[index] - np.datetime64("1900-01-01")).astype(np.int64)
    order = index[np.lexsort((jobs.unit[index], -jobs.fraction[index], -latest,
                              jobs.person[index]))]  # fmt: skip
    person = jobs.person[order]
    first = np.r_[True, person[1:] != person[:-1]]
    home[person[first]] = jobs.unit[order[first]]
    return home


def own_figures(units: list[Unit], months: list[date]) -> NDArray[np.float64]:
    """Every unit's own figures (its people without those below): unit × month × figure,
    with a last row for the organisation (all zero: the tree's virtual root). Each person
    counts in one unit a month, their home (`_homes`): where they are employed at the
    month's end, or were last; all their jobs' figures of the month go there."""
    at = {unit.pk: number for number, unit in enumerate(units)}
    size = len(units)
    first, last = months[0], month_bounds(months[-1])[1]
    own = np.zeros((size + 1, len(months), len(FIGURES)))
    # a day beyond: a job ending on the last day is no leaver if the next starts the day after
    jobs, people = _jobs(at, add_months(first, -12), last + timedelta(days=1))
    persons = len(people)
    absence = _absence(jobs, people, first, last)
    holidays = _holidays(first, last)
    bands = np.searchsorted(np.array(DEFAULT_BANDS), absence.length, side="left")
    sick = np.isin(absence.cause, [CAUSES.index(cause) for cause in SICKNESS])

    def add(month: int, figure: str, unit: NDArray[np.int64], weights: Any = None) -> None:
        own[:size, month, AT[figure]] += np.bincount(unit, weights, minlength=size)[:size]

    def count(month: int, figure: str, home: NDArray[np.int64],
              who: NDArray[np.int64]) -> None:  # fmt: skip
        """Each of `who` (person indices) once, in their home unit."""
        where = home[np.unique(who)]
        add(month, figure, where[where >= 0])

    for number, month in enumerate(months):
        one, end = (np.datetime64(day, "D") for day in month_bounds(month))
        length = (end - one).astype(np.int64) + 1
        begin, finish = np.maximum(jobs.start, one), np.minimum(jobs.end, end)
        on = begin <= finish
        home = _homes(jobs, on, finish, persons)
        unit = home[jobs.person[on]]
        # a person counts towards the 5 with at least a working week in the month: one-day
        # or weekend contracts would pad a small unit whose figures are its few others'
        worked = np.bincount(jobs.person[on], _workdays(begin[on], finish[on], holidays),
                             minlength=persons)  # fmt: skip
        count(number, "people", home, np.flatnonzero(worked >= MIN_DAYS))
        add(
            number,
            "fte",
            unit,
            jobs.fraction[on] * ((finish[on] - begin[on]).astype(np.int64) + 1) / length,
        )
        add(number, "possible", unit,
            jobs.fraction[on] * _workdays(begin[on], finish[on], holidays))  # fmt: skip
        count(number, "headcount", home, jobs.person[on & (jobs.end >= end)])
        count(
            number,
            "hires",
            home,
            jobs.person[jobs.hired & (jobs.start >= one) & (jobs.start <= end)],
        )
        count(
            number, "leavers", home, jobs.person[jobs.left & (jobs.end >= one) & (jobs.end <= end)]
        )
        cut_begin = np.maximum(absence.begin, one)
        cut_finish = np.minimum(absence.finish, end)
        inside = cut_begin <= cut_finish
        where = home[absence.person]  # every part inside has a job on: a home
        days = _workdays(cut_begin[inside], cut_finish[inside], holidays)
        dagsvaerk = days * absence.per_day[inside]
        cells = where[inside] * len(CAUSES) + absence.cause[inside]
        by_cause = np.bincount(cells, dagsvaerk, minlength=size * len(CAUSES))
        own[:size, number, AT[f"absence:{CAUSES[0]}"]:AT[f"absence:{CAUSES[0]}"] + len(CAUSES)] \
            += by_cause[: size * len(CAUSES)].reshape(size, len(CAUSES))  # fmt: skip
        # holiday in the file is no possible working day (and no absence)
        own[:size, number, AT["possible"]] -= own[:size, number, AT[f"absence:{NOT_ABSENCE}"]]
        # sickness by the spell's length: its dagsværk in each month, and the spell once,
        # in the month it starts
        for band in range(BANDS):
            mine = inside & sick & (bands == band)
            add(number, f"band_days:{band}", where[mine],
                (_workdays(cut_begin[mine], cut_finish[mine], holidays)
                 * absence.per_day[mine]))  # fmt: skip
        starts = (absence.start >= one) & (absence.start <= end) & sick
        starts &= (absence.begin <= absence.start) & (absence.finish >= absence.start)
        _spells, once = np.unique(absence.spell[starts], return_index=True)
        begun = np.flatnonzero(starts)[once]  # each spell once, however many jobs it spans
        for band in range(BANDS):
            add(number, f"band:{band}", where[begun[bands[begun] == band]])
        # cohort: employed at the end of the month a year before, in their home then; gone:
        # of them, employed nowhere at the end of this month
        then = np.datetime64(month_bounds(add_months(month, -12))[1], "D")
        at_then = (jobs.start <= then) & (jobs.end >= then)
        home_then = _homes(jobs, at_then, np.minimum(jobs.end, then), persons)
        count(number, "cohort", home_then, jobs.person[at_then])
        gone = at_then & ~_employed_at(jobs, end, persons)[jobs.person]
        count(number, "cohort_gone", home_then, jobs.person[gone])
    _add_aggregates(own, at, months)
    return own


def _add_aggregates(own: NDArray[np.float64], at: dict[int, int], months: list[date]) -> None:
    """Monthly aggregates per unit (organisations without person data) count as the unit's
    own figures; the possible dagsværk are the FTE times the month's scheduled days."""
    index = {month: number for number, month in enumerate(months)}
    for unit_id, month, figures in UnitMonth.objects.filter(
        month__gte=months[0], month__lte=months[-1]
    ).values_list("unit_id", "month", "figures"):
        if unit_id not in at:
            continue
        row, column = at[unit_id], index[month]
        for name, value in figures.items():
            if name in AT:
                own[row, column, AT[name]] += value
        one, end = month_bounds(month)
        days = int(np.busday_count(np.datetime64(one), np.datetime64(end + timedelta(days=1)),
                                   holidays=_holidays(one, end)))  # fmt: skip
        # the people employed at some time in the month: those at its end and those who
        # left in it (as for person data; the end's headcount alone let a team whose
        # people all left show its sickness through a subtraction)
        own[row, column, AT["people"]] += figures.get("headcount", 0) + figures.get("leavers", 0)
        own[row, column, AT["possible"]] += figures.get("fte", 0) * days


def _between(first: date, last: date) -> list[date]:
    return [add_months(first.replace(day=1), n) for n in
            range((last.year - first.year) * 12 + last.month - first.month + 1)]  # fmt: skip


def compute_months(first: date, last: date, only: list[date] | None = None) -> int:
    """Compute and store every month from `first` to `last` (or the months `only`) for
    every unit of the tree the month was first computed on (the open units now, for a
    month computed the first time: `MonthTree`); returns the unit-months shown."""
    months = only if only is not None else _between(first, last)
    if not months:
        return 0
    current = [[unit_id, parent_id] for unit_id, parent_id in Unit.objects.filter(
        valid_to=None).order_by("path").values_list("pk", "parent_id")]  # fmt: skip
    earlier = [add_months(month, -12) for month in months]
    trees = dict(MonthTree.objects.filter(month__in=months + earlier)
                 .values_list("month", "units"))  # fmt: skip
    MonthTree.objects.bulk_create(
        [MonthTree(month=month, units=current) for month in months if month not in trees]
    )
    groups: dict[str, tuple[list[list[int | None]], list[date]]] = {}
    for month in months:
        shape = trees.get(month, current)
        groups.setdefault(json.dumps(shape), (shape, []))[1].append(month)
    rows: list[tuple[int, date, bool, bool, str]] = []
    shown = 0
    for shape, group in groups.values():
        count_dates = [trees.get(add_months(month, -12)) for month in group]
        shown += _compute_on(shape, group, rows, count_dates)
    with transaction.atomic():
        MonthFigure.objects.filter(month__in=months).delete()
        _store(rows)
    return shown


def _compute_on(shape: list[list[int | None]], months: list[date],
                rows: list[tuple[int, date, bool, bool, str]],
                count_dates: list[list[list[int | None]] | None]) -> int:  # fmt: skip
    """The months of one tree: their figures appended to `rows`; the unit-months shown.
    `count_dates`: per month, the tree of the month a year before (its cohort's count
    date), where that month was computed."""
    units = [Unit(pk=unit_id, parent_id=parent_id) for unit_id, parent_id in shape]
    at = {unit.pk: number for number, unit in enumerate(units)}
    tree = with_organisation([at.get(unit.parent_id, -1) if unit.parent_id else -1
                              for unit in units])  # fmt: skip
    own = own_figures(units, months)
    totals = tree.subtree_totals(own)
    counts = np.concatenate([own[:, :, AT["people"]], own[:, :, AT["cohort"]]], axis=1)
    seen = visible_many(counts.astype(np.int64)[:, :, None], tree,
                        np.full(2 * len(months), MIN_EMPLOYEES))  # fmt: skip
    shown, cohort_shown = np.split(seen.subtree[:, :, 1], 2, axis=1)
    for column, then in enumerate(count_dates):
        if then is not None and then != shape:
            cohort_shown[:-1, column] &= _same_subtrees(shape, then)
    for number, unit in enumerate(units):
        for column, month in enumerate(months):
            figures: dict[str, float] = {}
            if shown[number, column]:
                values = totals[number, column]
                figures = {name: round(float(values[AT[name]]), 4) for name in FIGURES
                           if name not in COHORT or cohort_shown[number, column]}  # fmt: skip
            rows.append((unit.pk, month, True, bool(shown[number, column]),
                         json.dumps(figures)))  # fmt: skip
    return int(shown[:-1].sum()) if len(units) else 0


def _same_subtrees(shape: list[list[int | None]], then: list[list[int | None]],
                   ) -> NDArray[np.bool_]:  # fmt: skip
    """Per unit of `shape`: whether it holds the same units below it in `then`. A cohort
    (those employed at the count date a year before) is shown only for such units: for a
    unit that gained or lost units since, the cohort and the count date's headcount, shown
    on the tree of then, would differ by the moved units' people."""

    def below(tree: list[list[int | None]]) -> dict[int, frozenset[int]]:
        children: dict[int | None, list[int]] = {}
        for unit_id, parent_id in tree:
            children.setdefault(parent_id, []).append(int(unit_id))  # type: ignore[arg-type]
        found: dict[int, frozenset[int]] = {}

        def walk(unit_id: int) -> frozenset[int]:
            if unit_id not in found:
                found[unit_id] = frozenset([unit_id]).union(
                    *[walk(child) for child in children.get(unit_id, [])]
                )
            return found[unit_id]

        for unit_id, _parent in tree:
            walk(int(unit_id))  # type: ignore[arg-type]
        return found

    now, before = below(shape), below(then)
    return np.array([before.get(int(unit_id)) == now[int(unit_id)]  # type: ignore[arg-type]
                     for unit_id, _parent in shape], dtype=np.bool_)  # fmt: skip


def _store(rows: list[tuple[int, date, bool, bool, str]]) -> None:
    """Insert the months' rows (unit, month, subtree, shown, figures as JSON) with one
    prepared statement: Django's bulk_create spends more time preparing 37,000 rows than
    computing them."""
    table = connection.ops.quote_name(MonthFigure._meta.db_table)
    value = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} (unit_id, month, subtree, shown, figures) "
                           f"VALUES (%s, %s, %s, %s, {value})", rows)  # fmt: skip


def covered() -> tuple[date, date] | None:
    """The months the absence data covers: from the month of the first spell (or monthly
    aggregate) to the month of the last day of absence. Months outside have no absence
    data, so they get no figures (a month without data is not a month without absence)."""
    spells = Spell.objects.aggregate(first=Min("start"), last=Max("end"))
    months = UnitMonth.objects.aggregate(first=Min("month"), last=Max("month"))
    firsts = [d for d in (spells["first"], months["first"]) if d is not None]
    lasts = [d for d in (spells["last"], months["last"]) if d is not None]
    if not firsts:
        return None
    return min(firsts).replace(day=1), max(lasts).replace(day=1)


@dataclass(frozen=True)
class Rebuilt:
    shown: int  # unit-months shown among those computed
    kept: list[date]  # months with figures already shown, older than revisable: unchanged


def revisable_from(today: date) -> date:
    """The first month a later import still recomputes: the last
    `KEYFIGURES_REVISABLE_MONTHS` complete months and the month under way. Older months
    keep the figures they were shown with (payroll corrections come within a month or
    two): recomputing them would let an export from before a correction and one from after
    differ by exactly what changed, such as one person moved between two teams."""
    return add_months(today.replace(day=1), -settings.KEYFIGURES_REVISABLE_MONTHS)


def rebuild(everything: bool = False, today: date | None = None) -> Rebuilt:
    """After an import: every month the data covers that has no figures yet or is still
    revisable computed (`everything`: every month, an HR decision that is audited), and
    the figures of revisable months it no longer covers removed."""
    span = covered()
    since = revisable_from(today or timezone.localdate())
    shown = set(MonthFigure.objects.values_list("month", flat=True).distinct())
    with transaction.atomic():
        gone = MonthFigure.objects.all() if span is None else MonthFigure.objects.exclude(
            month__gte=span[0], month__lte=span[1])  # fmt: skip
        if not everything:
            gone = gone.filter(month__gte=since)
        gone.delete()
        if span is None:
            return Rebuilt(0, [])
        months = _between(*span)
        chosen = [m for m in months if everything or m >= since or m not in shown]
        kept = sorted(set(months) - set(chosen))
        return Rebuilt(compute_months(span[0], span[1], only=chosen), kept)
