"""From rows of strings to checked unit and employee records. Pure: no database.

Every row and column is checked and every problem reported; a caller writes nothing
unless the list of problems is empty.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from trivsel.organisation.importing.columns import EMPLOYEE_COLUMNS, UNIT_COLUMNS, map_columns
from trivsel.organisation.importing.files import Table
from trivsel.organisation.importing.problems import Problem
from trivsel.organisation.models import TrioRole, UnitKind

MAX_CODE = 64
MAX_NAME = 200

KIND_WORDS: dict[str, str] = {
    "municipality": UnitKind.MUNICIPALITY, "kommune": UnitKind.MUNICIPALITY,
    "organisation": UnitKind.MUNICIPALITY, "organization": UnitKind.MUNICIPALITY,
    "department": UnitKind.DEPARTMENT, "forvaltning": UnitKind.DEPARTMENT,
    "magistratsafdeling": UnitKind.DEPARTMENT, "direktørområde": UnitKind.DEPARTMENT,
    "area": UnitKind.AREA, "område": UnitKind.AREA, "distrikt": UnitKind.AREA,
    "unit": UnitKind.UNIT, "enhed": UnitKind.UNIT, "institution": UnitKind.UNIT,
    "afdeling": UnitKind.UNIT, "arbejdssted": UnitKind.UNIT,
    "team": UnitKind.TEAM, "gruppe": UnitKind.TEAM,
}  # fmt: skip
# When a file has no kind column, a unit's kind follows its depth in the tree.
KIND_BY_DEPTH = [UnitKind.MUNICIPALITY, UnitKind.DEPARTMENT, UnitKind.AREA, UnitKind.UNIT]

YES = {"ja", "yes", "j", "y", "1", "x", "true", "sand"}
NO = {"nej", "no", "n", "0", "", "false", "falsk"}
TRIO_WORDS = {
    "amr": TrioRole.AMR, "arbejdsmiljørepræsentant": TrioRole.AMR,
    "work environment representative": TrioRole.AMR,
    "tr": TrioRole.TR, "tillidsrepræsentant": TrioRole.TR, "union representative": TrioRole.TR,
}  # fmt: skip

_email_validator = EmailValidator()
_mobile_separators = re.compile(r"[\s\-().]")


@dataclass(frozen=True)
class UnitRecord:
    row: int
    code: str
    name: str
    parent_code: str | None
    kind: str


@dataclass(frozen=True)
class EmployeeRecord:
    """An employee as the file says. None means the file has no such column, so the
    register's value stays as it is."""

    row: int
    number: str
    name: str
    unit_code: str
    email: str | None
    mobile: str | None
    job_group: str | None
    is_leader: bool | None
    trio_role: str | None  # "" for no TRIO role


def extra_cells(table: Table, row: int, cells: list[str]) -> list[Problem]:
    """A value right of the last heading: a shifted row (a separator inside a name, say)
    whose cells would otherwise be read under the wrong headings, or dropped silently."""
    width = len(table.headers)
    return [
        Problem(
            table.file,
            _(
                "The row has a value in a column without a heading (%(value)s); the row "
                "probably has a separator too many. Correct the row or give the column a "
                "heading."
            )
            % {"value": value},
            row,
            _("column %(letter)s") % {"letter": get_column_letter(index + 1)},
        )
        for index, value in enumerate(cells[width:], start=width)
        if value.strip()
    ]


def _cell(cells: list[str], positions: dict[str, int], key: str) -> str | None:
    index = positions.get(key)
    if index is None:
        return None
    return cells[index].strip() if index < len(cells) else ""


def parse_units(table: Table) -> tuple[list[UnitRecord], list[Problem]]:
    positions, problems = map_columns(table, UNIT_COLUMNS)
    if problems:
        return [], problems
    headers = table.headers
    raw: list[tuple[int, str, str, str, str | None]] = []
    first_row_of: dict[str, int] = {}
    for row, cells in table.rows:
        problems.extend(extra_cells(table, row, cells))
        code = _cell(cells, positions, "code") or ""
        name = _cell(cells, positions, "name") or ""
        parent = _cell(cells, positions, "parent") or ""
        kind_text = _cell(cells, positions, "kind")

        def problem(key: str, message: str, row: int = row) -> None:
            problems.append(Problem(table.file, message, row, headers[positions[key]]))

        if not code:
            problem("code", _("The unit code is empty."))
        elif len(code) > MAX_CODE:
            problem(
                "code", _("The unit code is longer than %(max)d characters.") % {"max": MAX_CODE}
            )
        elif code in first_row_of:
            problem(
                "code",
                _("The unit code %(code)s is used twice (also in row %(other)d).")
                % {"code": code, "other": first_row_of[code]},
            )
        else:
            first_row_of[code] = row
        if not name:
            problem("name", _("The unit name is empty."))
        elif len(name) > MAX_NAME:
            problem("name", _("The name is longer than %(max)d characters.") % {"max": MAX_NAME})
        kind: str | None = None
        if kind_text:
            kind = KIND_WORDS.get(kind_text.lower())
            if kind is None:
                problem(
                    "kind",
                    _("Unknown kind %(kind)s; use one of: %(choices)s.")
                    % {"kind": kind_text, "choices": ", ".join(sorted(KIND_WORDS))},
                )
        raw.append((row, code, name, parent, kind))

    parent_of = {code: parent for _row, code, _name, parent, _kind in raw if code}
    for row, _code, _name, parent, _kind in raw:
        if parent and parent not in parent_of:
            problems.append(
                Problem(
                    table.file,
                    _("The parent unit %(parent)s is not in the file.") % {"parent": parent},
                    row,
                    headers[positions["parent"]],
                )
            )
    for cycle in find_cycles({code: parent or None for code, parent in parent_of.items()}):
        problems.append(
            Problem(
                table.file,
                _("These units are each other's parents, which makes a cycle: %(cycle)s.")
                % {"cycle": " → ".join([*cycle, cycle[0]])},
                first_row_of[cycle[0]],
                headers[positions["parent"]],
            )
        )
    if problems:
        return [], problems
    depths = tree_depths({code: parent or None for code, parent in parent_of.items()})
    records = [
        UnitRecord(
            row,
            code,
            name,
            parent or None,
            kind or default_kind(depths[code]),
        )
        for row, code, name, parent, kind in raw
    ]
    return records, []


def default_kind(depth: int) -> str:
    return KIND_BY_DEPTH[depth] if depth < len(KIND_BY_DEPTH) else UnitKind.TEAM


def find_cycles(parent_of: dict[str, str | None]) -> list[list[str]]:
    """Every cycle in a parent relation, each once, starting at its smallest code.
    Parents missing from the relation end a walk (they are reported elsewhere)."""
    state: dict[str, int] = {}  # 1: on the current walk, 2: finished
    cycles: list[list[str]] = []
    for start in parent_of:
        walk: list[str] = []
        node: str | None = start
        while node is not None and node in parent_of and state.get(node) is None:
            state[node] = 1
            walk.append(node)
            node = parent_of[node]
        if node is not None and state.get(node) == 1:
            cycle = walk[walk.index(node) :]
            smallest = cycle.index(min(cycle))
            cycles.append(cycle[smallest:] + cycle[:smallest])
        for visited in walk:
            state[visited] = 2
    return cycles


def tree_depths(parent_of: dict[str, str | None]) -> dict[str, int]:
    """Depth of every node of an acyclic parent relation (roots are 0)."""
    depths: dict[str, int] = {}
    for start in parent_of:
        walk: list[str] = []
        node: str | None = start
        while node is not None and node not in depths:
            walk.append(node)
            node = parent_of.get(node)
        depth = -1 if node is None else depths[node]
        for visited in reversed(walk):
            depth += 1
            depths[visited] = depth
    return depths


def normalise_mobile(text: str) -> str | None:
    """A Danish 8-digit number gets +45; others must be given with + or 00 and a
    country code. None when it is not a phone number."""
    digits = _mobile_separators.sub("", text)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("+"):
        rest = digits[1:]
        return digits if rest.isdigit() and 8 <= len(rest) <= 15 else None
    if digits.isdigit() and len(digits) == 8:
        return "+45" + digits
    return None


def unit_codes_in(table: Table) -> set[str] | None:
    """The unit codes a units file gives, even one with problems (so that the employees
    file is not also blamed for them); None when its code column cannot be found."""
    positions, _problems = map_columns(table, UNIT_COLUMNS)
    if "code" not in positions:
        return None
    return {code for _row, cells in table.rows if (code := _cell(cells, positions, "code"))}


def parse_employees(
    table: Table, unit_codes: Iterable[str] | None
) -> tuple[list[EmployeeRecord], list[Problem]]:
    """`unit_codes`: the units employees may belong to; None: not known (the units file
    cannot be read), so the unit column is checked only for being filled in."""
    positions, problems = map_columns(table, EMPLOYEE_COLUMNS)
    if problems:
        return [], problems
    known_units = None if unit_codes is None else set(unit_codes)
    headers = table.headers
    first_row_of: dict[str, int] = {}
    records: list[EmployeeRecord] = []
    for row, cells in table.rows:
        problems.extend(extra_cells(table, row, cells))

        def problem(key: str, message: str, row: int = row) -> None:
            problems.append(Problem(table.file, message, row, headers[positions[key]]))

        number = _cell(cells, positions, "number") or ""
        name = _cell(cells, positions, "name") or ""
        unit_code = _cell(cells, positions, "unit") or ""
        email = _cell(cells, positions, "email")
        mobile = _cell(cells, positions, "mobile")
        job_group = _cell(cells, positions, "job_group")
        leader_text = _cell(cells, positions, "leader")
        trio_text = _cell(cells, positions, "trio")

        if not number:
            problem("number", _("The employee number is empty."))
        elif len(number) > 32:
            problem("number", _("The employee number is longer than 32 characters."))
        elif number in first_row_of:
            problem(
                "number",
                _("The employee number %(number)s is used twice (also in row %(other)d).")
                % {"number": number, "other": first_row_of[number]},
            )
        else:
            first_row_of[number] = row
        if not name:
            problem("name", _("The name is empty."))
        elif len(name) > MAX_NAME:
            problem("name", _("The name is longer than %(max)d characters.") % {"max": MAX_NAME})
        if not unit_code:
            problem("unit", _("The unit code is empty."))
        elif known_units is not None and unit_code not in known_units:
            problem("unit", _("The unit %(code)s does not exist.") % {"code": unit_code})
        if email:
            try:
                _email_validator(email)
            except ValidationError:
                problem("email", _("%(email)s is not a valid e-mail address.") % {"email": email})
            email = email.lower()
        if mobile:
            normalised = normalise_mobile(mobile)
            if normalised is None:
                problem(
                    "mobile",
                    _("%(mobile)s is not a mobile number (8 digits, or + and a country code).")
                    % {"mobile": mobile},
                )
            mobile = normalised
        if job_group is not None and len(job_group) > 100:
            problem("job_group", _("The job group is longer than 100 characters."))
        is_leader: bool | None = None
        if leader_text is not None:
            lowered = leader_text.lower()
            if lowered in YES:
                is_leader = True
            elif lowered in NO:
                is_leader = False
            else:
                problem(
                    "leader",
                    _("%(value)s is neither yes nor no (use ja/nej or yes/no).")
                    % {"value": leader_text},
                )
        trio_role: str | None = None
        if trio_text is not None:
            trio_role = "" if not trio_text else TRIO_WORDS.get(trio_text.lower())
            if trio_role is None:
                problem(
                    "trio",
                    _("%(value)s is not a TRIO role (use AMR, TR or leave it empty).")
                    % {"value": trio_text},
                )
        if not problems:
            records.append(
                EmployeeRecord(
                    row, number, name, unit_code, email, mobile, job_group, is_leader, trio_role
                )
            )
    if problems:
        return [], problems
    return records, []
