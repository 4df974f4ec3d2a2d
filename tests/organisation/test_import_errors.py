"""A file with errors is rejected with every problem listed and the register unchanged."""

import io

import pytest
from openpyxl import Workbook

from tests.factories import EMPLOYEES_CSV, UNITS_CSV, import_csv
from trivsel.organisation.importing.problems import ImportRejected, Problem
from trivsel.organisation.importing.service import UploadedFile, prepare_import
from trivsel.organisation.models import Employee, TrioMember, Unit

pytestmark = pytest.mark.django_db


def snapshot() -> tuple[list[tuple[object, ...]], ...]:
    return (
        list(Unit.objects.values_list("code", "name", "kind", "parent_id", "path", "valid_to")),
        list(Employee.objects.values_list("number", "name", "email", "unit_id", "is_active")),
        list(TrioMember.objects.values_list("unit_id", "employee_id", "role")),
    )


def rejected(
    units: bytes | None, employees: bytes | None, units_name: str = "units.csv"
) -> list[Problem]:
    before = snapshot()
    with pytest.raises(ImportRejected) as caught:
        prepare_import(
            UploadedFile(units_name, units) if units is not None else None,
            UploadedFile("employees.csv", employees) if employees is not None else None,
        )
    assert snapshot() == before
    return caught.value.problems


@pytest.fixture
def existing(db: None) -> None:
    import_csv()


def test_unknown_parent_is_reported_with_row_and_column(existing: None) -> None:
    units = UNITS_CSV + "X1;NOWHERE;Ukendt;enhed\n"
    [problem] = rejected(units.encode(), None)
    assert (problem.file, problem.row, problem.column) == ("units.csv", 12, "parent")
    assert "NOWHERE" in problem.message


def test_cycle_is_reported_once_with_its_members(existing: None) -> None:
    units = UNITS_CSV + "A;C;A;enhed\nB;A;B;enhed\nC;B;C;enhed\n"
    [problem] = rejected(units.encode(), None)
    assert "A → C → B → A" in problem.message or "A → B" in problem.message
    assert problem.row == 12


def test_unit_that_is_its_own_parent_is_a_cycle(existing: None) -> None:
    [problem] = rejected((UNITS_CSV + "S;S;Self;enhed\n").encode(), None)
    assert "S → S" in problem.message


def test_duplicate_unit_codes_name_both_rows(existing: None) -> None:
    [problem] = rejected((UNITS_CSV + "U1;K;Dublet;enhed\n").encode(), None)
    assert problem.row == 12 and "row 5" in problem.message


def test_every_employee_problem_is_listed_at_once(existing: None) -> None:
    employees = EMPLOYEES_CSV + (
        "2001;Ny Person;ikke-en-mail;20000011;Konsulent;U1;nej;\n"
        "2002;Anden Person;a@b.dk;20000012;Konsulent;GHOST;nej;\n"
        "2001;Tredje;c@d.dk;123;Konsulent;U1;måske;CHEF\n"
    )
    problems = rejected(UNITS_CSV.encode(), employees.encode())
    found = {(p.row, p.column) for p in problems}
    assert found == {
        (12, "e-mail"),
        (13, "enhedskode"),
        (14, "medarbejdernummer"),
        (14, "mobil"),
        (14, "leder"),
        (14, "trio"),
    }
    assert any("GHOST" in p.message for p in problems)
    assert any("ikke-en-mail" in p.message for p in problems)


def test_missing_required_column(existing: None) -> None:
    units = "code;name;kind\nK;Root;kommune\n"
    [problem] = rejected(units.encode(), None)
    assert problem.row == 1 and "parent code" in problem.message


def test_missing_required_employee_column(existing: None) -> None:
    [problem] = rejected(None, b"number;name;email\n1;A;a@b.dk\n")
    assert "unit code" in problem.message


def test_wrong_encoding_utf16(existing: None) -> None:
    [problem] = rejected(UNITS_CSV.encode("utf-16"), None)
    assert "UTF-16" in problem.message


def test_empty_file(existing: None) -> None:
    assert "empty" in rejected(b"", None)[0].message
    assert "empty" in rejected(b"\n\n  \n", None)[0].message
    # A heading with no rows (a broken export) would close or deactivate everything: refused
    # for either file, and said once, where it is.
    for units, employees in ((b"code;parent;name\n", None), (None, b"number;name;unit\n"),
                             (UNITS_CSV.encode(), b"number;name;unit\n\n")):  # fmt: skip
        [problem] = rejected(units, employees)
        assert "no rows" in problem.message and problem.row == 1


def test_a_row_with_more_cells_than_the_heading_is_a_problem(existing: None) -> None:
    """A name with the separator in it shifts the row: the extra cell is reported with its
    row and column, not dropped."""
    employees = EMPLOYEES_CSV + "2001;Hansen; Jens;jh@x.dk;20000011;Konsulent;U1;nej;AMR\n"
    problems = rejected(UNITS_CSV.encode(), employees.encode())
    extra = [p for p in problems if "without a heading" in p.message]
    assert [(p.file, p.row, p.column) for p in extra] == [("employees.csv", 12, "column I")]
    units = UNITS_CSV + "X1;K;Ny;enhed;overflødig\n"
    [problem] = rejected(units.encode(), None)
    assert (problem.row, problem.column) == (12, "column E") and "overflødig" in problem.message


def test_a_units_file_problem_is_not_repeated_for_its_employees(existing: None) -> None:
    """A problem in the units file is reported there only: the employees of units that are
    in the file are not also said to belong to a unit that does not exist."""
    units = UNITS_CSV.replace("U1;SO-N;", "U1;NOWHERE;", 1)
    problems = rejected(units.encode(), EMPLOYEES_CSV.encode())
    assert [(p.file, p.column) for p in problems] == [("units.csv", "parent")]
    ghost = EMPLOYEES_CSV + "2002;Anden Person;a@b.dk;20000012;Konsulent;GHOST;nej;\n"
    problems = rejected(units.encode(), ghost.encode())  # a unit in neither file still is one
    assert {(p.file, p.row) for p in problems} == {("units.csv", 5), ("employees.csv", 12)}


def _xlsx(*sheets: tuple[str, list[list[str]]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_an_extra_sheet(existing: None) -> None:
    data = _xlsx(("Enheder", [["code", "parent", "name"], ["K", "", "R"]]), ("Ark2", [["x"]]))
    [problem] = rejected(data, None, units_name="units.xlsx")
    assert "Enheder, Ark2" in problem.message


def test_not_an_xlsx_at_all(existing: None) -> None:
    [problem] = rejected(b"PK\x03\x04garbage", None, units_name="units.xlsx")
    assert "Excel" in problem.message


def test_closing_a_unit_with_people_needs_an_employee_file(existing: None) -> None:
    units = UNITS_CSV.replace("U3;SO-S;Hjemmeplejen Syd;enhed\n", "")
    [problem] = rejected(units.encode(), None)
    assert "U3" in problem.message and "1 active" in problem.message


def test_no_files_at_all(existing: None) -> None:
    assert rejected(None, None)
