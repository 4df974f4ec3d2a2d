"""The import as the app and the command run it: check both files completely, compare
them with the register, and only then write everything in one transaction."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.organisation.importing.files import Table, read_table
from trivsel.organisation.importing.plan import (
    CurrentEmployee,
    CurrentUnit,
    Plan,
    make_plan,
)
from trivsel.organisation.importing.problems import ImportRejected, Problem
from trivsel.organisation.importing.records import (
    EmployeeRecord,
    UnitRecord,
    parse_employees,
    parse_units,
    unit_codes_in,
)
from trivsel.organisation.models import Employee, TrioMember, Unit, path_segment


@dataclass(frozen=True)
class UploadedFile:
    name: str
    data: bytes


@dataclass(frozen=True)
class MassChange:
    """A share of the register that an import would remove, above the configured limit."""

    what: str  # "employees_deactivated" or "units_closed" (the plan's keys)
    count: int
    of: int  # the active employees or open units before the import

    @property
    def percent(self) -> int:
        return round(100 * self.count / self.of) if self.of else 100

    def as_dict(self) -> dict[str, object]:
        return {"what": self.what, "count": self.count, "of": self.of}

    def __str__(self) -> str:
        values = {"count": self.count, "of": self.of, "percent": self.percent}
        if self.what == "units_closed":
            return _("%(count)s of %(of)s open units (%(percent)s %%) would be closed") % values
        return (
            _("%(count)s of %(of)s active employees (%(percent)s %%) would be deactivated") % values
        )


@dataclass
class PreparedImport:
    unit_records: list[UnitRecord] | None
    employee_records: list[EmployeeRecord] | None
    plan: Plan
    mass_changes: list[MassChange] = field(default_factory=list)


def mass_changes(
    plan: Plan, current_units: dict[str, CurrentUnit], current_employees: dict[str, CurrentEmployee]
) -> list[MassChange]:
    """The removals above settings.IMPORT_MASS_CHANGE_PERCENT of what is there now."""
    limit = settings.IMPORT_MASS_CHANGE_PERCENT
    found = []
    for what, count, of in (
        ("employees_deactivated", len(plan.employees_deactivated),
         sum(1 for e in current_employees.values() if e.is_active)),
        ("units_closed", len(plan.units_closed),
         sum(1 for u in current_units.values() if u.is_open)),
    ):  # fmt: skip
        if count and 100 * count > limit * of:
            found.append(MassChange(what, count, of))
    return found


Progress = Callable[[int], None]


def _no_progress(step: int) -> None:
    pass


def current_state() -> tuple[
    dict[str, CurrentUnit], dict[str, CurrentEmployee], set[tuple[str, str, str]]
]:
    code_of = dict(Unit.objects.values_list("id", "code"))
    units = {
        code: CurrentUnit(code, name, kind, code_of.get(parent_id), valid_to is None)
        for code, name, kind, parent_id, valid_to in Unit.objects.values_list(
            "code", "name", "kind", "parent_id", "valid_to"
        )
    }
    employees = {
        row[0]: CurrentEmployee(row[0], row[1], row[2], row[3], row[4], code_of[row[5]], *row[6:])
        for row in Employee.objects.values_list(
            "number", "name", "email", "mobile", "job_group", "unit_id", "is_leader", "is_active"
        )
    }
    trio = set(TrioMember.objects.values_list("employee__number", "unit__code", "role"))
    return units, employees, trio


def prepare_import(
    units_file: UploadedFile | None,
    employees_file: UploadedFile | None,
    progress: Progress = _no_progress,
) -> PreparedImport:
    """Read, check and compare. Raises ImportRejected with every problem found."""
    if units_file is None and employees_file is None:
        raise ImportRejected([Problem("-", _("Choose a file of units, of employees, or both."))])
    progress(1)
    tables: dict[str, Table] = {}
    problems: list[Problem] = []
    for key, uploaded in (("units", units_file), ("employees", employees_file)):
        if uploaded is not None:
            table, read_problems = read_table(uploaded.data, uploaded.name)
            problems += read_problems
            if table is not None and not table.rows:  # a sync would remove everyone
                problems.append(
                    Problem(
                        uploaded.name,
                        _(
                            "The file has a heading but no rows below it. An import with no "
                            "rows would remove everyone, so it is refused: check the export."
                        ),
                        1,
                    )
                )
            elif table is not None:
                tables[key] = table
    if problems:
        raise ImportRejected(problems)
    progress(2)
    current_units, current_employees, current_trio = current_state()
    unit_records = None
    if "units" in tables:
        unit_records, unit_problems = parse_units(tables["units"])
        problems += unit_problems
    employee_records = None
    if "employees" in tables:
        unit_codes: set[str] | None
        if "units" in tables:  # the file's codes, also where it has problems of its own
            unit_codes = unit_codes_in(tables["units"])
        else:
            unit_codes = {code for code, unit in current_units.items() if unit.is_open}
        employee_records, employee_problems = parse_employees(tables["employees"], unit_codes)
        problems += employee_problems
    if problems:
        raise ImportRejected(problems)
    progress(3)
    plan = make_plan(unit_records, employee_records, current_units, current_employees, current_trio)
    if employee_records is None and plan.units_closed:
        _reject_closing_units_with_people(plan, current_employees, units_file)
    mass = mass_changes(plan, current_units, current_employees)
    return PreparedImport(unit_records, employee_records, plan, mass)


def _reject_closing_units_with_people(
    plan: Plan, current_employees: dict[str, CurrentEmployee], units_file: UploadedFile | None
) -> None:
    closing = {item["code"] for item in plan.units_closed}
    people: dict[str, int] = {}
    for employee in current_employees.values():
        if employee.is_active and employee.unit_code in closing:
            people[employee.unit_code] = people.get(employee.unit_code, 0) + 1
    if people:
        raise ImportRejected(
            [
                Problem(
                    units_file.name if units_file else "-",
                    _(
                        "The unit %(code)s is missing from the file, but %(count)d active "
                        "employees belong to it. Import an employee file with it that moves "
                        "them."
                    )
                    % {"code": code, "count": count},
                )
                for code, count in sorted(people.items())
            ]
        )


class MassChangesNotConfirmed(ImportRejected):
    """The import would remove a large share of the register and nobody confirmed it."""

    def __init__(self, changes: list[MassChange], filename: str = "-"):
        super().__init__(
            [
                Problem(
                    filename,
                    _(
                        "%(change)s. That is more than %(limit)s %% and looks like a broken "
                        "export, so nothing was changed. If it is right, confirm the numbers."
                    )
                    % {"change": str(change), "limit": settings.IMPORT_MASS_CHANGE_PERCENT},
                )
                for change in changes
            ]
        )
        self.changes = changes


# Sent inside the import's transaction with the applied `plan` (apps above listen).
organisation_changed = Signal()


@transaction.atomic
def apply_import(prepared: PreparedImport, confirmed: list[MassChange] | None = None) -> Plan:
    """Write the prepared changes. Everything or nothing: one transaction. Mass changes
    (`prepared.mass_changes`) are written only when `confirmed` holds exactly them."""
    if prepared.mass_changes and confirmed != prepared.mass_changes:
        raise MassChangesNotConfirmed(prepared.mass_changes)
    today = timezone.localdate()
    units = {unit.code: unit for unit in Unit.objects.select_for_update()}
    if prepared.unit_records is not None:
        _write_units(prepared.unit_records, units, today)
    if prepared.employee_records is not None:
        _write_employees(prepared.employee_records, units)
        if prepared.plan.trio_added or prepared.plan.trio_removed:
            _write_trio(prepared.plan, units)
    # In the same transaction: what follows an organisation change (an APV that needs a
    # revision) happens with it or not at all.
    organisation_changed.send(sender=Plan, plan=prepared.plan)
    return prepared.plan


def _write_units(records: list[UnitRecord], units: dict[str, Unit], today: date) -> None:
    new_units = [
        Unit(code=r.code, name=r.name, kind=r.kind, path="", valid_from=today)
        for r in records
        if r.code not in units
    ]
    Unit.objects.bulk_create(new_units, batch_size=500)
    units.update({unit.code: unit for unit in new_units})
    changed: list[Unit] = []
    in_file = set()
    for record in records:
        in_file.add(record.code)
        unit = units[record.code]
        parent_id = units[record.parent_code].id if record.parent_code else None
        values = {"name": record.name, "kind": record.kind, "parent_id": parent_id,
                  "valid_to": None}  # fmt: skip
        if any(getattr(unit, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(unit, key, value)
            changed.append(unit)
    for code, unit in units.items():
        if code not in in_file and unit.valid_to is None:
            unit.valid_to = today
            changed.append(unit)
    Unit.objects.bulk_update(changed, ["name", "kind", "parent", "valid_to"], batch_size=500)
    rebuild_paths(list(units.values()))


def rebuild_paths(units: list[Unit]) -> None:
    """Recompute every unit's materialised path and depth from the parent links."""
    by_id = {unit.id: unit for unit in units}
    computed: dict[int, tuple[str, int]] = {}

    def path_of(unit: Unit) -> tuple[str, int]:
        chain = []
        node: Unit | None = unit
        while node is not None and node.id not in computed:
            chain.append(node)
            node = by_id[node.parent_id] if node.parent_id else None
        prefix, depth = computed[node.id] if node is not None else ("", -1)
        for item in reversed(chain):
            prefix, depth = prefix + path_segment(item.id), depth + 1
            computed[item.id] = (prefix, depth)
        return computed[unit.id]

    changed = []
    for unit in units:
        path, depth = path_of(unit)
        if unit.path != path or unit.depth != depth:
            unit.path, unit.depth = path, depth
            changed.append(unit)
    Unit.objects.bulk_update(changed, ["path", "depth"], batch_size=500)


def _write_employees(records: list[EmployeeRecord], units: dict[str, Unit]) -> None:
    existing = {employee.number: employee for employee in Employee.objects.all()}
    to_create: list[Employee] = []
    to_update: list[Employee] = []
    in_file = set()
    for record in records:
        in_file.add(record.number)
        employee = existing.get(record.number)
        values = {
            "name": record.name,
            "unit_id": units[record.unit_code].id,
            "email": record.email,
            "mobile": record.mobile,
            "job_group": record.job_group,
            "is_leader": record.is_leader,
            "is_active": True,
        }
        if employee is None:
            to_create.append(
                Employee(
                    number=record.number,
                    **{
                        key: value if value is not None else _blank(key)
                        for key, value in values.items()
                    },
                )
            )
            continue
        changed = False
        for key, value in values.items():
            if value is not None and getattr(employee, key) != value:
                setattr(employee, key, value)
                changed = True
        if changed:
            to_update.append(employee)
    for number, employee in existing.items():
        if number not in in_file and employee.is_active:
            employee.is_active = False
            to_update.append(employee)
    Employee.objects.bulk_create(to_create, batch_size=1000)
    Employee.objects.bulk_update(
        to_update,
        ["name", "unit", "email", "mobile", "job_group", "is_leader", "is_active"],
        batch_size=500,
    )


def _blank(key: str) -> object:
    return False if key == "is_leader" else ""


def _write_trio(plan: Plan, units: dict[str, Unit]) -> None:
    numbers = {item["number"] for item in plan.trio_added + plan.trio_removed}
    employee_id = dict(Employee.objects.filter(number__in=numbers).values_list("number", "id"))
    for item in plan.trio_removed:
        TrioMember.objects.filter(
            employee_id=employee_id[item["number"]], unit=units[item["unit"]], role=item["role"]
        ).delete()
    TrioMember.objects.bulk_create(
        [
            TrioMember(
                employee_id=employee_id[item["number"]], unit=units[item["unit"]], role=item["role"]
            )
            for item in plan.trio_added
        ]
    )
