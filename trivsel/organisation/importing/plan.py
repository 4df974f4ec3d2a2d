"""What an import would change in the register: a pure comparison of the file's records
with the register's current state. The dry run shows this plan; applying writes it."""

from dataclasses import asdict, dataclass, field
from typing import Any

from trivsel.organisation.importing.records import EmployeeRecord, UnitRecord


@dataclass(frozen=True)
class CurrentUnit:
    code: str
    name: str
    kind: str
    parent_code: str | None
    is_open: bool


@dataclass(frozen=True)
class CurrentEmployee:
    number: str
    name: str
    email: str
    mobile: str
    job_group: str
    unit_code: str
    is_leader: bool
    is_active: bool


# Fields of an employee compared for "updated"; the unit is compared for "moved".
EMPLOYEE_FIELDS = ("name", "email", "mobile", "job_group", "is_leader")


@dataclass
class Plan:
    units_added: list[dict[str, Any]] = field(default_factory=list)
    units_renamed: list[dict[str, Any]] = field(default_factory=list)
    units_moved: list[dict[str, Any]] = field(default_factory=list)
    units_kind_changed: list[dict[str, Any]] = field(default_factory=list)
    units_closed: list[dict[str, Any]] = field(default_factory=list)
    units_reopened: list[dict[str, Any]] = field(default_factory=list)
    employees_added: list[dict[str, Any]] = field(default_factory=list)
    employees_moved: list[dict[str, Any]] = field(default_factory=list)
    employees_updated: list[dict[str, Any]] = field(default_factory=list)
    employees_deactivated: list[dict[str, Any]] = field(default_factory=list)
    employees_reactivated: list[dict[str, Any]] = field(default_factory=list)
    trio_added: list[dict[str, Any]] = field(default_factory=list)
    trio_removed: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[dict[str, Any]]]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, list[dict[str, Any]]]) -> "Plan":
        return cls(**data)

    def counts(self) -> dict[str, int]:
        return {name: len(items) for name, items in self.as_dict().items()}

    @property
    def is_empty(self) -> bool:
        return not any(self.counts().values())


def plan_units(records: list[UnitRecord], current: dict[str, CurrentUnit], plan: Plan) -> None:
    in_file = {record.code for record in records}
    for record in records:
        existing = current.get(record.code)
        if existing is None:
            plan.units_added.append(
                {"code": record.code, "name": record.name, "kind": record.kind,
                 "parent": record.parent_code}
            )  # fmt: skip
            continue
        if not existing.is_open:
            plan.units_reopened.append({"code": record.code, "name": record.name})
        if existing.name != record.name:
            plan.units_renamed.append(
                {"code": record.code, "old": existing.name, "new": record.name}
            )
        if existing.parent_code != record.parent_code:
            plan.units_moved.append(
                {"code": record.code, "name": record.name,
                 "old_parent": existing.parent_code, "new_parent": record.parent_code}
            )  # fmt: skip
        if existing.kind != record.kind:
            plan.units_kind_changed.append(
                {"code": record.code, "name": record.name, "old": existing.kind,
                 "new": record.kind}
            )  # fmt: skip
    for code, existing in current.items():
        if existing.is_open and code not in in_file:
            plan.units_closed.append({"code": code, "name": existing.name})


def plan_employees(
    records: list[EmployeeRecord], current: dict[str, CurrentEmployee], plan: Plan
) -> None:
    in_file = set()
    for record in records:
        in_file.add(record.number)
        existing = current.get(record.number)
        if existing is None:
            plan.employees_added.append(
                {"number": record.number, "name": record.name, "unit": record.unit_code,
                 "email": record.email or "", "mobile": record.mobile or "",
                 "job_group": record.job_group or "", "is_leader": bool(record.is_leader)}
            )  # fmt: skip
            continue
        if not existing.is_active:
            plan.employees_reactivated.append(
                {"number": record.number, "name": record.name, "unit": record.unit_code}
            )
        if existing.unit_code != record.unit_code:
            plan.employees_moved.append(
                {"number": record.number, "name": record.name,
                 "old_unit": existing.unit_code, "new_unit": record.unit_code}
            )  # fmt: skip
        changes = {}
        for name in EMPLOYEE_FIELDS:
            new = getattr(record, name)
            old = getattr(existing, name)
            if new is not None and new != old:
                changes[name] = [old, new]
        if changes:
            plan.employees_updated.append(
                {"number": record.number, "name": record.name, "changes": changes}
            )
    for number, existing in current.items():
        if existing.is_active and number not in in_file:
            plan.employees_deactivated.append(
                {"number": number, "name": existing.name, "unit": existing.unit_code}
            )


def plan_trio(
    records: list[EmployeeRecord],
    current: set[tuple[str, str, str]],
    names: dict[str, str],
    plan: Plan,
) -> None:
    """TRIO roles as (employee number, unit code, role). The file gives each person's
    role in their own unit; roles of people left out of the file end with them."""
    wanted = {
        (record.number, record.unit_code, record.trio_role)
        for record in records
        if record.trio_role
    }
    for number, unit, role in sorted(wanted - current):
        plan.trio_added.append(
            {"number": number, "name": names[number], "unit": unit, "role": role}
        )
    for number, unit, role in sorted(current - wanted):
        plan.trio_removed.append(
            {"number": number, "name": names.get(number, number), "unit": unit, "role": role}
        )


def make_plan(
    unit_records: list[UnitRecord] | None,
    employee_records: list[EmployeeRecord] | None,
    current_units: dict[str, CurrentUnit],
    current_employees: dict[str, CurrentEmployee],
    current_trio: set[tuple[str, str, str]],
) -> Plan:
    """The changes that make the register match the files. A file not given (None)
    leaves its part of the register as it is."""
    plan = Plan()
    if unit_records is not None:
        plan_units(unit_records, current_units, plan)
    if employee_records is not None:
        plan_employees(employee_records, current_employees, plan)
        if any(record.trio_role is not None for record in employee_records):
            names = {number: e.name for number, e in current_employees.items()}
            names.update({record.number: record.name for record in employee_records})
            plan_trio(employee_records, current_trio, names, plan)
    return plan
