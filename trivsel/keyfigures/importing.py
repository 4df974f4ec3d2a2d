"""Importing HR's key-figure data through the organisation import's file reading (CSV in
UTF-8 or Windows-1252 with `;` or `,`, or XLSX; Danish or English headings): employment per
employee and spells of absence. Every problem is listed with its file, row and column;
nothing is written unless the whole file is valid; importing a period again replaces it."""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from trivsel.core.audit import record
from trivsel.keyfigures.figures import DAGSVAERK_HOURS, month_bounds
from trivsel.keyfigures.models import Cause, CauseCode, Employment, Spell, UnitMonth
from trivsel.organisation.importing.files import (
    Table,
    each_row,
    find_columns,
    parse_date,
    read_table,
)
from trivsel.organisation.importing.problems import Problem
from trivsel.organisation.models import Employee, Unit

DEFAULT_CODES = {"S": Cause.OWN_ILLNESS, "A": Cause.WORK_INJURY, "B": Cause.CHILD_ILLNESS,
                 "BA": Cause.MATERNITY, "C": Cause.COVID, "O": Cause.OTHER,
                 "F": Cause.VACATION}  # fmt: skip
ABSENCE = {
    "employee": ("medarbejdernummer", "employee number"),
    "start": ("fra", "start", "from"),
    "end": ("til", "slut", "end", "to"),
    "code": ("fraværskode", "årsag", "cause code", "cause"),
    "hours": ("timer pr. dag", "timer", "hours per day", "hours"),
}
EMPLOYMENT = {
    "employee": ("medarbejdernummer", "employee number"),
    "start": ("fra", "start", "from"),
    "end": ("til", "slut", "end", "to"),
    "unit": ("enhedskode", "unit code"),
    "hours": ("ugentlige timer", "weekly hours"),
    "fraction": ("brøk", "beskæftigelsesgrad", "fraction"),
}


@dataclass
class Result:
    """What an import found: its problems (nothing written if any), else the rows it
    writes (or would, in a dry run), the rows of the same period it replaces and the
    period the file covers."""

    problems: list[Problem] = field(default_factory=list)
    written: int = 0
    replaced: int = 0
    first: date | None = None
    last: date | None = None


def _number(text: str) -> float:
    return float(text.strip().replace(",", "."))


def _columns(table: Table, wanted: dict[str, tuple[str, ...]], required: tuple[str, ...],
             problems: list[Problem]) -> dict[str, int] | None:  # fmt: skip
    where, missing = find_columns(table, wanted, required)
    if missing:
        problems.append(missing)
        return None
    return where


def codes() -> dict[str, str]:
    """The cause codes HR maps (a default set the first time)."""
    if not CauseCode.objects.exists():
        CauseCode.objects.bulk_create(CauseCode(code=c, cause=v) for c, v in DEFAULT_CODES.items())
    return dict(CauseCode.objects.values_list("code", "cause"))


def import_absence(data: bytes, filename: str, dry_run: bool = False,
                   period: tuple[date, date] | None = None) -> Result:  # fmt: skip
    """Spells of absence: employee number, first and last day, cause code and, where the
    file has them, hours of absence per day (at most the person's daily norm).

    The file replaces the period it covers: every spell starting in `period` (HR says
    which; without it, from the first spell's start to the last's), and a spell that
    began before it, still going, where the file has the same person's spell with the same
    first day (a monthly export repeats a spell that is still going). A spell outside the
    period, or overlapping a kept spell of the same person, is refused."""
    table, problems = read_table(data, filename)
    result = Result(problems)
    if table is None:
        return result
    where = _columns(table, ABSENCE, ("employee", "start", "end", "code"), problems)
    if where is None:
        return result
    people = dict(Employee.objects.values_list("number", "pk"))
    causes = codes()
    fractions: dict[int, float] = dict(
        Employment.objects.order_by("start").values_list("employee_id", "fraction")
    )
    spells: list[tuple[int, int, date, date, str, float | None]] = []
    for row in each_row(table, where, problems):
        number, cell, problem = row.number, row.cell, row.problem

        person = people.get(cell("employee"))
        if person is None:
            problem("employee", _("No employee has the number “%(value)s”.")
                    % {"value": cell("employee")})  # fmt: skip
        dates = []
        for name in ("start", "end"):
            try:
                dates.append(parse_date(cell(name)))
            except ValueError:
                problem(name, _("“%(value)s” is not a date (use 2025-06-02 or 2.6.2025).")
                        % {"value": cell(name)})  # fmt: skip
        if len(dates) == 2 and dates[1] < dates[0]:
            problem("end", _("The spell ends before it starts."))
        code = cell("code")
        if code not in causes:
            problem("code", _("The cause code “%(value)s” is not mapped to a cause. Map it "
                              "under “Cause codes” on the import page, then upload again.")
                    % {"value": code})  # fmt: skip
        hours = None
        if "hours" in where and cell("hours"):
            try:
                hours = _number(cell("hours"))
            except ValueError:
                problem("hours", _("“%(value)s” is not a number of hours.")
                        % {"value": cell("hours")})  # fmt: skip
            else:
                norm = DAGSVAERK_HOURS * fractions.get(person or 0, 1.0)
                if hours <= 0:
                    problem("hours", _("The hours of absence must be above 0 (the file has "
                                       "%(hours)s); leave the cell empty for full days.")
                            % {"hours": cell("hours")})  # fmt: skip
                elif hours > norm + 1e-9:
                    problem("hours", _("%(hours)s hours is more than the day's norm of "
                                       "%(norm)s hours.")
                            % {"hours": cell("hours"), "norm": number_format(norm, 2)})  # fmt: skip
        if person is not None and len(dates) == 2:
            spells.append((number, person, dates[0], dates[1], code, hours))
    by_person: dict[int, list[tuple[date, date, int]]] = defaultdict(list)
    for number, person, start, end, _code, _hours in spells:
        by_person[person].append((start, end, number))
    start_column = table.headers[where["start"]]
    by_start: dict[int, list[tuple[int, int, date, date, str, float | None]]] = defaultdict(list)
    for spell in spells:
        by_start[spell[1]].append(spell)
    for items in by_person.values():
        items.sort()
        for (_s1, e1, _n1), (s2, _e2, n2) in pairwise(items):
            if s2 <= e1:
                problems.append(Problem(filename, _("The spell overlaps the person's spell "
                                                    "that ends %(date)s.") % {"date": e1},
                                        n2, start_column))  # fmt: skip
    if problems or not spells:
        if not problems:
            problems.append(Problem(filename, _("The file has no spells.")))
        return result
    first = period[0] if period else min(s[2] for s in spells)
    last = period[1] if period else max(s[2] for s in spells)
    result.first, result.last = first, last
    if period:
        for number, _person, start, end, _code, _hours in spells:
            if end < first or start > last:
                problems.append(Problem(filename, _(
                    "The spell is outside the period the file covers (%(first)s to %(last)s)."
                ) % {"first": first, "last": last}, number, start_column))  # fmt: skip
    replaced = _replaced(spells, first, last)
    gone = set(replaced)
    # (no IN lists of the file's people or spells: a year's file has 45,000 and 500,000)
    around = Spell.objects.filter(start__lte=max(s[3] for s in spells),
                                  end__gte=min(s[2] for s in spells))  # fmt: skip
    kept = [(person, start, end) for pk, person, start, end
            in around.values_list("pk", "employee_id", "start", "end").iterator(5000)
            if person in by_start and pk not in gone]  # fmt: skip
    for person, start, end in kept:
        for number, _other, begin, finish, _code, _hours in by_start[person]:
            if begin <= end and start <= finish:
                problems.append(Problem(filename, _(
                    "The spell overlaps the person's spell from %(start)s to %(end)s already "
                    "imported (outside this file's period)."
                ) % {"start": start, "end": end}, number, start_column))  # fmt: skip
    if problems:
        return result
    if dry_run:
        result.written, result.replaced = len(spells), len(replaced)
        return result
    with transaction.atomic():
        for chunk in range(0, len(replaced), 5000):
            Spell.objects.filter(pk__in=replaced[chunk : chunk + 5000]).delete()
        Spell.objects.bulk_create(
            (Spell(employee_id=person, start=start, end=end, code=code, cause=causes[code],
                   hours_per_day=hours) for _n, person, start, end, code, hours in spells),
            batch_size=5000,
        )  # fmt: skip
        record("absence imported", filename, f"{len(spells)} spells {first}–{last}")
    result.written, result.replaced = len(spells), len(replaced)
    return result


def _replaced(spells: list[tuple[int, int, date, date, str, float | None]], first: date,
              last: date) -> list[int]:  # fmt: skip
    """The stored spells a file for `first`..`last` replaces: those starting in it, and
    the same person's spell with the same first day where the file repeats one that began
    before it."""
    within = list(Spell.objects.filter(start__gte=first, start__lte=last)
                  .values_list("pk", flat=True))  # fmt: skip
    earlier = {(person, start) for _n, person, start, _e, _c, _h in spells if start < first}
    if earlier:
        before = Spell.objects.filter(start__gte=min(start for _p, start in earlier),
                                      start__lt=first)  # fmt: skip
        within += [pk for pk, person, start in before.values_list("pk", "employee_id", "start")
                   if (person, start) in earlier]  # fmt: skip
    return within


def import_employment(data: bytes, filename: str, dry_run: bool = False) -> Result:
    """Employment: employee number, first (and last) day, unit code, weekly hours or the
    fraction. Replaces the employment of the people in the file."""
    table, problems = read_table(data, filename)
    result = Result(problems)
    if table is None:
        return result
    where = _columns(table, EMPLOYMENT, ("employee", "start", "unit"), problems)
    if where is None:
        return result
    if "hours" not in where and "fraction" not in where:
        problems.append(Problem(filename, _("Missing columns: %(names)s.")
                                % {"names": "ugentlige timer / brøk"}))  # fmt: skip
        return result
    people = dict(Employee.objects.values_list("number", "pk"))
    units = dict(Unit.objects.values_list("code", "pk"))
    rows, numbers = [], []
    for row in each_row(table, where, problems):
        number, cell, problem = row.number, row.cell, row.problem

        person, unit = people.get(cell("employee")), units.get(cell("unit"))
        if person is None:
            problem("employee", _("No employee has the number “%(value)s”.")
                    % {"value": cell("employee")})  # fmt: skip
        if unit is None:
            problem("unit", _("No unit has the code “%(code)s”.") % {"code": cell("unit")})
        try:
            start = parse_date(cell("start"))
        except ValueError:
            problem("start", _("“%(value)s” is not a date (use 2025-06-02 or 2.6.2025).")
                    % {"value": cell("start")})  # fmt: skip
            continue
        try:
            end = parse_date(cell("end")) if cell("end") else None
        except ValueError:
            problem("end", _("“%(value)s” is not a date (use 2025-06-02 or 2.6.2025).")
                    % {"value": cell("end")})  # fmt: skip
            continue
        if end is not None and end < start:
            problem("end", _("The employment ends before it starts."))
        try:
            fraction = (_number(cell("hours")) / 37 if "hours" in where and cell("hours")
                        else _number(cell("fraction")))  # fmt: skip
        except ValueError:
            problem("hours" if "hours" in where else "fraction", _("Not a number."))
            continue
        if not 0 < fraction <= 1.5:
            problem("hours" if "hours" in where else "fraction",
                    _("The employment fraction must be above 0 and at most 1.5."))  # fmt: skip
        if person is not None and unit is not None:
            rows.append((person, unit, start, end, fraction))
            numbers.append(number)
    unit_column = table.headers[where["unit"]]
    aggregated: dict[int, list[date]] = defaultdict(list)
    for unit, month in UnitMonth.objects.values_list("unit_id", "month"):
        aggregated[unit].append(month)
    for number, (_p, unit, start, end, _f) in zip(numbers, rows, strict=True):
        clash = [m for m in aggregated.get(unit, []) if start <= month_bounds(m)[1]
                 and (end is None or end >= m)]  # fmt: skip
        if clash:
            problems.append(Problem(filename, _(
                "The unit has monthly figures per unit for %(month)s: employment per employee "
                "would count the same people twice."
            ) % {"month": f"{min(clash):%Y-%m}"}, number, unit_column))  # fmt: skip
    if problems or not rows:
        if not problems:
            problems.append(Problem(filename, _("The file has no rows.")))
        return result
    result.first = min(row[2] for row in rows)
    result.last = max((row[3] for row in rows if row[3] is not None), default=None)
    if dry_run:
        result.written = len(rows)
        persons = {row[0] for row in rows}
        result.replaced = Employment.objects.filter(employee_id__in=persons).count()
        return result
    with transaction.atomic():
        persons = {row[0] for row in rows}
        replaced, _deleted = Employment.objects.filter(employee_id__in=persons).delete()
        Employment.objects.bulk_create(
            (Employment(employee_id=p, unit_id=u, start=s, end=e, fraction=f)
             for p, u, s, e, f in rows), batch_size=5000,
        )  # fmt: skip
        record("employment imported", filename, f"{len(rows)} rows")
    result.written, result.replaced = len(rows), replaced
    return result


AGGREGATES = {
    "unit": ("enhedskode", "unit code"),
    "month": ("måned", "month"),
    "headcount": ("ansatte", "antal ansatte", "headcount"),
    "fte": ("årsværk", "fte"),
    "absence:own_illness": ("egen sygdom", "own illness"),
    "absence:work_injury": ("arbejdsskade", "work injury"),
    "absence:child_illness": ("barns sygdom", "child's illness", "childs illness"),
    "absence:maternity": ("barsel", "maternity"),
    "absence:covid": ("covid", "covid-19"),
    "absence:other": ("andet fravær", "other absence"),
    "leavers": ("fratrådte", "leavers"),
    "hires": ("tiltrådte", "hires"),
}
AGGREGATE_COUNTS = ("headcount", "leavers", "hires")


def parse_month(text: str) -> date:
    """A month as HR files write it: 2025-03, 03-2025, 3.2025, 03/2025 or any day of it."""
    text = text.strip()
    found = re.fullmatch(r"(\d{4})-(\d{1,2})", text) or None
    if found:
        return date(int(found[1]), int(found[2]), 1)
    found = re.fullmatch(r"(\d{1,2})[.\-/](\d{4})", text)
    if found:
        return date(int(found[2]), int(found[1]), 1)
    return parse_date(text).replace(day=1)


def import_aggregates(data: bytes, filename: str, dry_run: bool = False) -> Result:
    """Monthly aggregates per unit, for organisations without person data: the unit's own
    headcount, FTE, absence dagsværk by cause, leavers and hires for a month. A unit and
    month may appear once; the months in the file replace those months' aggregates."""
    table, problems = read_table(data, filename)
    result = Result(problems)
    if table is None:
        return result
    where = _columns(table, AGGREGATES, ("unit", "month", "headcount", "fte"), problems)
    if where is None:
        return result
    units = dict(Unit.objects.filter(valid_to=None).values_list("code", "pk"))
    rows: dict[tuple[int, date], tuple[int, dict[str, float]]] = {}
    for row in each_row(table, where, problems):
        number, cell, problem = row.number, row.cell, row.problem

        unit = units.get(cell("unit"))
        if unit is None:
            problem("unit", _("No active unit has the code “%(code)s”.")
                    % {"code": cell("unit")})  # fmt: skip
        try:
            month = parse_month(cell("month"))
        except ValueError:
            problem("month", _("“%(value)s” is not a month (use 2025-03 or 03-2025).")
                    % {"value": cell("month")})  # fmt: skip
            continue
        figures: dict[str, float] = {}
        for name in AGGREGATES:
            if name in ("unit", "month") or name not in where or not cell(name):
                continue
            try:
                value = _number(cell(name))
            except ValueError:
                problem(name, _("“%(value)s” is not a number.") % {"value": cell(name)})
                continue
            if value < 0 or (name in AGGREGATE_COUNTS and value != int(value)):
                problem(name, _("“%(value)s” must be a whole number of 0 or more.")
                        % {"value": cell(name)} if name in AGGREGATE_COUNTS else
                        _("“%(value)s” must be 0 or more.") % {"value": cell(name)})  # fmt: skip
                continue
            figures[name] = value
        possible = figures.get("fte", 0) * 23
        absent = sum(v for name, v in figures.items() if name.startswith("absence:"))
        if figures.get("headcount", 0) + figures.get("leavers", 0) == 0 and (
                absent or figures.get("fte", 0) or figures.get("hires", 0)):  # fmt: skip
            problem("headcount", _("The unit has figures for the month but no employees "
                                   "(Ansatte and Fratrådte are 0)."))  # fmt: skip
        if absent > possible + 1e-9:
            problem("fte", _("%(absent)s dagsværk of absence is more than %(fte)s FTE could "
                             "work in a month.")
                    % {"absent": f"{absent:g}", "fte": f"{figures.get('fte', 0):g}"})  # fmt: skip
        if unit is None:
            continue
        if (unit, month) in rows:
            problem("month", _("The unit and month are already on row %(row)s.")
                    % {"row": rows[(unit, month)][0]})  # fmt: skip
            continue
        rows[(unit, month)] = (number, figures)
    _person_data_too(rows, problems, filename, table.headers[where["unit"]])
    if problems or not rows:
        if not problems:
            problems.append(Problem(filename, _("The file has no rows.")))
        return result
    months = {month for _unit, month in rows}
    result.first, result.last = min(months), month_bounds(max(months))[1]
    if dry_run:
        result.written = len(rows)
        result.replaced = UnitMonth.objects.filter(month__in=months).count()
        return result
    with transaction.atomic():
        replaced, _deleted = UnitMonth.objects.filter(month__in=months).delete()
        UnitMonth.objects.bulk_create(UnitMonth(unit_id=unit, month=month, figures=figures)
                                      for (unit, month), (_n, figures) in rows.items())  # fmt: skip
        record("monthly aggregates imported", filename,
               f"{len(rows)} rows {min(months):%Y-%m}–{max(months):%Y-%m}")  # fmt: skip
    result.written, result.replaced = len(rows), replaced
    return result


def _person_data_too(rows: dict[tuple[int, date], tuple[int, dict[str, float]]],
                     problems: list[Problem], filename: str, column: str) -> None:  # fmt: skip
    """A unit and month that already has employment per employee is refused: its monthly
    figures would count the same people twice."""
    if not rows:
        return
    first = min(month for _unit, month in rows)
    last = month_bounds(max(month for _unit, month in rows))[1]
    covered: set[tuple[int, date]] = set()
    by_unit: dict[int, list[date]] = defaultdict(list)
    for unit, month in rows:
        by_unit[unit].append(month)
    jobs = Employment.objects.filter(start__lte=last).exclude(end__lt=first)
    for unit, start, end in jobs.values_list("unit_id", "start", "end").iterator(5000):
        for month in by_unit.get(unit, []):
            if start <= month_bounds(month)[1] and (end or last) >= month:
                covered.add((unit, month))
    for unit, month in sorted(covered, key=lambda key: rows[key][0]):
        problems.append(Problem(filename, _(
            "The unit already has employment per employee in %(month)s: its monthly figures "
            "would count the same people twice."
        ) % {"month": f"{month:%Y-%m}"}, rows[(unit, month)][0], column))  # fmt: skip
