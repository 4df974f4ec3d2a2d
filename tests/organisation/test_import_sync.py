"""Re-importing is a sync: exactly the changes in the file, shown first, then applied."""

import io
from typing import Any

import pytest
from openpyxl import Workbook

from tests.factories import EMPLOYEES_CSV, UNITS_CSV, import_csv
from trivsel.demo import organisation as demo
from trivsel.organisation.importing.service import (
    MassChange,
    MassChangesNotConfirmed,
    UploadedFile,
    apply_import,
    prepare_import,
)
from trivsel.organisation.models import Employee, TrioMember, Unit

pytestmark = pytest.mark.django_db


def prepare(units: bytes, employees: bytes):  # type: ignore[no-untyped-def]
    return prepare_import(UploadedFile("u.csv", units), UploadedFile("e.csv", employees))


def test_first_import_builds_tree_paths_and_roles(db: None) -> None:
    import_csv()
    team = Unit.objects.get(code="U1-T1")
    assert [u.code for u in team.ancestors()] == ["K", "SO", "SO-N", "U1"]
    assert team.depth == 4 and team.kind == "team"
    assert set(Unit.objects.get(code="SO-N").subtree().values_list("code", flat=True)) == {
        "SO-N", "U1", "U1-T1", "U2"
    }  # fmt: skip
    karl = Employee.objects.get(number="1005")
    assert karl.email == "" and karl.mobile == "+4520000005"
    assert TrioMember.objects.get().employee.number == "1004"


def test_reimporting_the_same_files_changes_nothing(db: None) -> None:
    import_csv()
    prepared = prepare(UNITS_CSV.encode(), EMPLOYEES_CSV.encode())
    assert prepared.plan.is_empty


def test_move_ten_remove_five_rename_one_shows_and_applies_exactly_that(db: None) -> None:
    org = demo.generate(400, seed=3)
    units_csv = demo.to_csv(org.units, demo.UNIT_HEADERS)
    prepared = prepare(units_csv, demo.to_csv(org.employees, demo.EMPLOYEE_HEADERS))
    apply_import(prepared)
    before = {e.number: (e.unit_id, e.is_active, e.name, e.email) for e in Employee.objects.all()}

    plain = [e for e in org.employees if e["leader"] == "nej" and not e["trio"]]
    moved, removed = plain[:10], plain[10:15]
    targets = [u["code"] for u in org.units if u["kind"] in ("unit", "team")]
    for person, target in zip(moved, targets[-10:], strict=True):
        assert person["unit"] != target
        person["unit"] = target
    removed_numbers = {p["number"] for p in removed}
    org.employees = [e for e in org.employees if e["number"] not in removed_numbers]
    renamed = org.units[5]
    old_name, renamed["name"] = renamed["name"], "Nyt Navn"

    units_csv = demo.to_csv(org.units, demo.UNIT_HEADERS)
    employees_csv = demo.to_csv(org.employees, demo.EMPLOYEE_HEADERS)
    dry_run = prepare(units_csv, employees_csv).plan
    counts = {key: n for key, n in dry_run.counts().items() if n}
    assert counts == {"employees_moved": 10, "employees_deactivated": 5, "units_renamed": 1}
    assert {m["number"] for m in dry_run.employees_moved} == {p["number"] for p in moved}
    assert {d["number"] for d in dry_run.employees_deactivated} == removed_numbers
    assert dry_run.units_renamed == [{"code": renamed["code"], "old": old_name, "new": "Nyt Navn"}]
    # the dry run wrote nothing
    assert {
        e.number: (e.unit_id, e.is_active, e.name, e.email) for e in Employee.objects.all()
    } == before

    apply_import(prepare(units_csv, employees_csv))
    after = {e.number: (e.unit_id, e.is_active, e.name, e.email) for e in Employee.objects.all()}
    changed = {number for number in before if before[number] != after[number]}
    assert changed == {p["number"] for p in moved} | removed_numbers
    assert len(after) == len(before)  # deactivated, never deleted
    assert not any(after[n][1] for n in removed_numbers)
    unit_code = dict(Unit.objects.values_list("id", "code"))
    assert all(unit_code[after[p["number"]][0]] == p["unit"] for p in moved)
    assert Unit.objects.get(code=renamed["code"]).name == "Nyt Navn"
    assert prepare(units_csv, employees_csv).plan.is_empty


def test_moving_a_unit_moves_its_subtree(db: None) -> None:
    import_csv()
    moved = UNITS_CSV.replace("U1;SO-N;", "U1;SO-S;")
    plan = prepare(moved.encode(), EMPLOYEES_CSV.encode()).plan
    assert plan.units_moved == [
        {"code": "U1", "name": "Lokalcenter Egebakken", "old_parent": "SO-N", "new_parent": "SO-S"}
    ]
    import_csv(moved, EMPLOYEES_CSV)
    south = Unit.objects.get(code="SO-S")
    assert set(south.subtree().values_list("code", flat=True)) == {"SO-S", "U1", "U1-T1", "U3"}
    assert [u.code for u in Unit.objects.get(code="U1-T1").ancestors()] == ["K", "SO", "SO-S", "U1"]


def test_units_missing_from_the_file_are_closed_and_can_reopen(db: None) -> None:
    import_csv()
    without = UNITS_CSV.replace("U3;SO-S;Hjemmeplejen Syd;enhed\n", "")
    employees = EMPLOYEES_CSV.replace(";U3;", ";SO-S;")
    import_csv(without, employees)
    assert Unit.objects.get(code="U3").valid_to is not None
    plan = prepare(UNITS_CSV.encode(), employees.encode()).plan
    assert plan.units_reopened == [{"code": "U3", "name": "Hjemmeplejen Syd"}]
    import_csv(UNITS_CSV, employees)
    assert Unit.objects.get(code="U3").valid_to is None


def test_employee_back_in_the_file_is_reactivated(db: None) -> None:
    import_csv()
    without = "\n".join(line for line in EMPLOYEES_CSV.splitlines() if not line.startswith("1008"))
    import_csv(UNITS_CSV, without + "\n")
    assert not Employee.objects.get(number="1008").is_active
    plan = prepare(UNITS_CSV.encode(), EMPLOYEES_CSV.encode()).plan
    assert [p["number"] for p in plan.employees_reactivated] == ["1008"]


def test_changed_contact_details_are_updated_and_absent_columns_kept(db: None) -> None:
    import_csv()
    changed = EMPLOYEES_CSV.replace("bo@testby.dk", "bo.ny@testby.dk")
    plan = prepare(UNITS_CSV.encode(), changed.encode()).plan
    assert plan.employees_updated == [
        {"number": "1008", "name": "Bo Borger",
         "changes": {"email": ["bo@testby.dk", "bo.ny@testby.dk"]}}
    ]  # fmt: skip
    # A file without the e-mail column leaves e-mails alone.
    no_email = "number;name;unit\n1001;Hanne HR;HR\n"
    plan = prepare_import(None, UploadedFile("e.csv", no_email.encode())).plan
    assert not plan.employees_updated
    assert len(plan.employees_deactivated) == 9


def test_windows_1252_with_comma_and_english_headings(db: None) -> None:
    units = "Code,Parent code,Name\nK,,Søby Kommune\nA,K,Ældreområdet\n"
    employees = "Employee number,Name,Unit code,Leader\n9,Åse Øberg,A,yes\n"
    apply_import(
        prepare_import(
            UploadedFile("u.csv", units.encode("cp1252")),
            UploadedFile("e.csv", employees.encode("cp1252")),
        )
    )
    assert Unit.objects.get(code="A").name == "Ældreområdet"
    assert Unit.objects.get(code="A").kind == "department"  # inferred from depth
    person = Employee.objects.get(number="9")
    assert person.name == "Åse Øberg" and person.is_leader


def test_xlsx_import(db: None) -> None:
    def xlsx(rows: list[list[object]]) -> bytes:
        workbook = Workbook()
        for row in rows:
            workbook.active.append(row)  # type: ignore[union-attr]
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    units = xlsx(
        [["Enhedskode", "Overordnet enhed", "Enhedsnavn"], [100, None, "Rod"], [101, 100, "Barn"]]
    )
    employees = xlsx([["Medarbejdernr", "Navn", "Enhed", "Leder"], [7, "Ib", 101, "Ja"]])
    apply_import(prepare_import(UploadedFile("u.xlsx", units), UploadedFile("e.xlsx", employees)))
    assert Unit.objects.get(code="101").parent == Unit.objects.get(code="100")
    assert Employee.objects.get(number="7").unit.code == "101"


def test_a_sync_that_removes_a_large_share_is_refused_unless_confirmed(
    db: None, settings: Any
) -> None:
    """Half the employees missing from the file looks like a broken export: nothing is
    written until exactly those numbers are confirmed; the limit is a setting."""
    import_csv()
    half = "\n".join(EMPLOYEES_CSV.splitlines()[:6]) + "\n"  # the heading and 5 of 10
    prepared = prepare(UNITS_CSV.encode(), half.encode())
    [change] = prepared.mass_changes
    assert (change.what, change.count, change.of, change.percent) == (
        "employees_deactivated", 5, 10, 50
    )  # fmt: skip
    for confirmed in (None, [], [MassChange("employees_deactivated", 4, 10)]):
        with pytest.raises(MassChangesNotConfirmed) as caught:
            apply_import(prepared, confirmed)
        assert "5 of 10 active employees (50 %) would be deactivated" in str(caught.value.problems)
        assert Employee.objects.filter(is_active=True).count() == 10
    apply_import(prepared, [MassChange("employees_deactivated", 5, 10)])
    assert Employee.objects.filter(is_active=True).count() == 5
    # Closing 3 of 10 units at once, too; with a limit of 30 % it is an ordinary sync.
    fewer = "\n".join(
        line for line in UNITS_CSV.splitlines() if not line.startswith(("U2", "U3", "U1-T1"))
    )
    employees = half
    prepared = prepare((fewer + "\n").encode(), employees.encode())
    assert [c.what for c in prepared.mass_changes] == ["units_closed"]
    settings.IMPORT_MASS_CHANGE_PERCENT = 30
    assert prepare((fewer + "\n").encode(), employees.encode()).mass_changes == []
