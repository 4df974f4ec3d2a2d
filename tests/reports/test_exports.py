"""The exports: the unit workbook's table of every figure, the all-units workbook and CSV for
HR (one row per shown figure, frozen header, filter, each answer option's share in its own
column, verdicts by the one direction rule), only for HR, in a fixed number of queries;
nothing hidden by suppression in them; and no text in any file the product writes can
become a formula."""

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from tests.reports.conftest import release
from tests.reports.test_unit_report import numbers_in, shown_numbers
from tests.results.figures import plant, stored
from tests.results.test_build import answer_all
from trivsel.core.exports import FORMULA_STARTS, table_xlsx
from trivsel.cycle.lifecycle import close_measurement, open_measurement
from trivsel.demo import organisation as demo
from trivsel.engine.stats import shown
from trivsel.instruments.builder import add_free_text
from trivsel.instruments.models import ItemVersion
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Employee, Unit
from trivsel.reports.table import _number
from trivsel.results import scorefile
from trivsel.results.models import Hidden, Kind

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example","Klik")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+2",
    "\r=1+2",
]


def unit_xlsx(client: Client, measurement: Measurement, code: str) -> Workbook:
    response = client.get(reverse("reports:xlsx", args=[measurement.pk, code]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def all_xlsx(client: Client, measurement: Measurement) -> Workbook:
    response = client.get(reverse("reports:all_xlsx", args=[measurement.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-all-units.xlsx"')
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]


def all_csv(client: Client, measurement: Measurement) -> list[list[str]]:
    response = client.get(reverse("reports:all_csv", args=[measurement.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert data.startswith("\ufeff".encode())  # Excel reads UTF-8 (æøå) only with the mark
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def table(book: Workbook) -> list[dict[str, Any]]:
    """The rows of the all-units workbook's (or the unit workbook's) table of figures."""
    sheet = book["Every figure"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    return [dict(zip(map(str, rows[0]), row, strict=True)) for row in rows[1:]]


@pytest.fixture
def with_comments(measurement: Measurement, django_capture_on_commit_callbacks: Any) -> Measurement:
    """The released measurement of tests/reports/conftest.py with a comment question."""
    add_free_text(measurement.questionnaire.pages.get(), {"da": "Kommentar", "en": "Comment"})
    return release(measurement, django_capture_on_commit_callbacks)


def test_the_unit_workbook_has_every_figure_in_one_filterable_table(
    released: Measurement, clients: dict[str, Client]
) -> None:
    book = unit_xlsx(clients["hr"], released, "SO")
    for sheet in book.worksheets[1:]:  # every table (the first sheet is the cover)
        assert sheet.freeze_panes == "A2", sheet.title
        last = get_column_letter(sheet.max_column)
        assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}", sheet.title
    # A row whose figures are hidden keeps its numeric columns empty; the reason is last.
    below = book["Units below"]
    header = [cell.value for cell in below[1]]
    assert header[-1] == "Not shown because"
    for row in below.iter_rows(min_row=2, values_only=True):
        assert row[2] is None or isinstance(row[2], int), row
    sheet = book["Every figure"]
    rows = table(book)
    so = {(r["Scope"], r["Job group"], r["Kind"], r["Key"]) for r in rows}
    wanted = stored(released, code="SO")
    assert len(rows) == len([f for f in wanted if f.kind != Kind.COMMENTS]) == len(so)
    assert {r["Unit code"] for r in rows} == {"SO"}
    item = next(r for r in rows if r["Key"] == "sc.short.1" and not r["Job group"])
    shares = [item[f"{label} (%)"] for label in
              ("To a very large extent", "To a large extent", "Somewhat", "To a small extent",
               "To a very small extent")]  # fmt: skip
    # Answers 4, 3, 2, 4, 1, 0, 3, 3: 2, 3, 1, 1 and 1 of 8.
    assert shares == [25, 38, 13, 13, 13]
    assert item["Answers"] == 8 and isinstance(item["Score"], int | float)
    # The human-readable question sheet: one column per answer option, no text spread.
    questions = [[c.value for c in row] for row in book["Every question"].iter_rows()]
    assert "To a very large extent (%)" in questions[0]
    assert not any(isinstance(v, str) and "%;" in v for row in questions for v in row)


def test_a_lower_is_better_dimension_that_rose_significantly_is_worse_in_every_excel_file(
    released: Measurement, clients: dict[str, Client]
) -> None:
    so = Unit.objects.get(code="SO")
    plant(released, so, "dimension", "burnout", n=8, score=60.0, sd=10.0,
          favourable=0.7, neutral=0.2, unfavourable=0.1,
          versus={"previous": [12.0, 0.001, True], "organisation": [-7.0, 0.01, True],
                  "parent": [2.0, 0.4, False]})  # fmt: skip
    plant(released, so, "dimension", "job_satisfaction", n=8, score=70.0, sd=10.0,
          versus={"previous": [12.0, 0.001, True]})  # fmt: skip
    for rows in (table(unit_xlsx(clients["hr"], released, "SO")),
                 table(all_xlsx(clients["hr"], released))):  # fmt: skip
        burnout = next(r for r in rows if r["Key"] == "burnout")
        assert burnout["Since last time: difference"] == 12
        assert burnout["Since last time: significant"] is True
        assert burnout["Since last time: verdict"] == "significantly worse"
        assert burnout["Compared with the whole organisation: verdict"] == "significantly better"
        unclear = "worse, but not a clear difference"
        assert burnout["Compared with the unit above: verdict"] == unclear
        assert burnout["Compared with the reference value: verdict"] is None
        # The top of burnout's range is the bad end: 70 % there are unfavourable answers,
        # as the report page says.
        assert (burnout["Favourable (%)"], burnout["Unfavourable (%)"]) == (10, 70)
        satisfaction = next(r for r in rows if r["Key"] == "job_satisfaction")
        assert satisfaction["Since last time: verdict"] == "significantly better"
    lines = all_csv(clients["hr"], released)
    header, burnout_line = lines[0], next(line for line in lines if "burnout" in line)
    assert burnout_line[header.index("Since last time: verdict")] == "significantly worse"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("hr", 200), ("area_chief", 403), ("unit_leader", 403), ("trio", 403),
     ("outsider", 403), ("employee", 403), ("anonymous", 302)],
)  # fmt: skip
def test_only_hr_gets_the_all_units_files(
    released: Measurement, clients: dict[str, Client], persona: str, status: int
) -> None:
    if persona == "employee":  # Karl, in Lokalcenter Egebakken, with no role
        user = User.objects.create_user("employee", password="pw")
        Employee.objects.filter(number="1005").update(user=user)
        clients["employee"] = Client()
        clients["employee"].force_login(user)
    for name in ("reports:all_xlsx", "reports:all_csv"):
        response = clients[persona].get(reverse(name, args=[released.pk]))
        assert response.status_code == status, name


def test_hr_gets_the_all_units_files_from_the_close_and_not_before(
    measurement: Measurement, clients: dict[str, Client], django_capture_on_commit_callbacks: Any
) -> None:
    names = ("reports:all_xlsx", "reports:all_csv")
    open_measurement(measurement)
    for name in names:
        assert clients["hr"].get(reverse(name, args=[measurement.pk])).status_code == 404
    answer_all(measurement, [4, 3, 2, 4, 1, 0, 3, 3])
    with django_capture_on_commit_callbacks(execute=True):
        close_measurement(measurement)
    for name in names:
        assert clients["hr"].get(reverse(name, args=[measurement.pk])).status_code == 200


def test_the_overview_links_hr_to_the_all_units_files(
    released: Measurement, clients: dict[str, Client]
) -> None:
    url = reverse("reports:all_xlsx", args=[released.pk])
    page = clients["hr"].get(reverse("reports:overview", args=[released.pk])).content.decode()
    assert url in page and reverse("reports:all_csv", args=[released.pk]) in page
    leader = clients["area_chief"].get(reverse("reports:overview", args=[released.pk]))
    assert url not in leader.content.decode()


def test_nothing_hidden_is_in_the_all_units_files(
    released: Measurement, clients: dict[str, Client]
) -> None:
    """Every row is a stored (shown) figure, every number one those figures allow; the
    figures hidden by suppression (Område Nord: to protect Syd's one person; the units with
    fewer than 5) are in neither file."""
    figures = [f for f in stored(released) if f.kind != Kind.COMMENTS]
    allowed = shown_numbers(figures)
    keys = {(f.code or "", f.scope, f.group, f.kind, f.metric) for f in figures}
    assert Hidden.objects.filter(measurement=released, unit__code="SO-N").exists()
    book = all_xlsx(clients["hr"], released)
    rows = table(book)
    assert len(rows) == len(figures)
    assert {r["Unit code"] or "" for r in rows} == {"", "K", "SO"}  # "": the organisation
    assert set(numbers_in(book)) <= allowed
    lines = all_csv(clients["hr"], released)
    header, body = lines[0], lines[1:]
    assert header == list(rows[0])
    assert len(body) == len(figures)
    assert {line[header.index("Unit code")] for line in body} == {"", "K", "SO"}
    for line in body:
        for cell in line[header.index("Answers") :]:
            number = cell.replace(",", ".") if cell else ""
            if number and number[-1].isdigit():
                assert float(number) in allowed, cell
    scope_words = {"The whole organisation": "all", "The unit with everything below it": "subtree",
                   "The unit's own people": "own"}  # fmt: skip
    kinds = {"Respondents": "respondents", "Dimension": "dimension", "Question": "item",
             "Index": "index", "Reliability (Cronbach's alpha)": "alpha",
             "Key driver (correlation)": "driver"}  # fmt: skip
    shown = {(r["Unit code"] or "", scope_words[r["Scope"]], r["Job group"] or "",
              kinds[r["Kind"]], r["Key"] or "") for r in rows}  # fmt: skip
    assert shown == keys


def test_the_csv_uses_the_decimal_sign_of_the_language(
    released: Measurement, clients: dict[str, Client]
) -> None:
    so = Unit.objects.get(code="SO")
    plant(released, so, "driver", "sc_short", n=8, score=0.4567)
    plant(released, so, "driver", "job_satisfaction", n=8, score=1.0)  # the outcome itself
    lines = all_csv(clients["hr"], released)
    header = lines[0]
    assert not any(line[header.index("Key")] == "job_satisfaction"
                   and line[header.index("Kind")] == "Key driver (correlation)"
                   for line in lines)  # fmt: skip
    driver = next(line for line in lines if line[header.index("Key")] == "sc_short"
                  and line[header.index("Kind")] == "Key driver (correlation)")  # fmt: skip
    assert driver[header.index("Score")] == "0.46"  # English: a point
    with translation.override("da"):
        response = clients["hr"].get(
            reverse("reports:all_csv", args=[released.pk]), HTTP_ACCEPT_LANGUAGE="da"
        )
        text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert ";0,46;" in text and ";0.46;" not in text  # Danish: a comma


def test_the_new_files_take_a_fixed_number_of_queries(
    released: Measurement, clients: dict[str, Client], django_assert_max_num_queries: Any
) -> None:
    """Whatever the number of units and figures: the figures are read in chunks."""
    client = clients["hr"]
    unit_xlsx(client, released, "SO")  # warm the questionnaire cache
    # (each download also writes one audit entry, django-otp reads the authenticator that
    # confirmed HR's sign-in, and the login is checked against the register)
    with django_assert_max_num_queries(14):
        all_xlsx(client, released)
    with django_assert_max_num_queries(14):
        all_csv(client, released)
    with django_assert_max_num_queries(26):  # + which measurement "since last time" means
        unit_xlsx(client, released, "K")


def _no_formula_in(book: Workbook, texts: list[str]) -> set[str]:
    """The workbook has no formula; returns its texts (a carriage return reads back as a line
    feed: XML normalises line ends)."""
    found = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    found.add(cell.value.replace("\n", "\r"))
    return found & set(texts)


def _no_formula_in_csv(lines: list[list[str]], texts: list[str]) -> set[str]:
    """No cell begins a formula (a number may be negative); the texts are there behind an
    apostrophe. Returns the texts found."""
    found = set()
    for line in lines:
        for cell in line:
            if cell.startswith(FORMULA_STARTS):
                float(cell.replace(",", "."))  # only a number may begin so
            if cell.startswith("'") and cell[1:] in texts:
                found.add(cell[1:])
    return found


def test_no_text_in_any_export_becomes_a_formula(
    with_comments: Measurement, clients: dict[str, Client], tmp_path: Path
) -> None:
    """Units, a job group and comments (every export from the database), an employee (the
    demo's import files) and a unit in the score file's output, each beginning with `=`,
    `+`, `-`, `@`, a tab or a carriage return: text in every file, never a formula."""
    measurement = with_comments
    codes = ["K", "SO", "SO-N", "SO-S", "BA", "U1"]
    for code, name in zip(codes, HOSTILE, strict=True):
        Unit.objects.filter(code=code).update(name=name)
    so = Unit.objects.get(code="SO")
    comment_key = ItemVersion.objects.get(
        kind=ItemVersion.Kind.FREE_TEXT, item__key__startswith=f"q{measurement.questionnaire_id}."
    ).item.key
    plant(measurement, so, "comments", comment_key, n=10, texts=HOSTILE)
    plant(measurement, None, "respondents", "", scope="all", group=HOSTILE[0], n=5, invited=6)
    client = clients["hr"]
    seen: set[str] = set()
    for code in Unit.objects.values_list("code", flat=True):
        seen |= _no_formula_in(unit_xlsx(client, measurement, code), HOSTILE)
    assert seen == set(HOSTILE)  # unit names and comments, as written
    assert _no_formula_in(all_xlsx(client, measurement), HOSTILE) == {*HOSTILE[:2]}
    assert _no_formula_in_csv(all_csv(client, measurement), HOSTILE) == {*HOSTILE[:2]}
    # The demo's import files: a person's and a unit's name.
    employee = dict.fromkeys(demo.EMPLOYEE_HEADERS, "1")
    people = [employee | {"name": name, "unit": name} for name in HOSTILE]
    book = load_workbook(io.BytesIO(demo.to_xlsx(people, demo.EMPLOYEE_HEADERS)))
    assert _no_formula_in(book, HOSTILE) == set(HOSTILE)
    text = demo.to_csv(people, demo.EMPLOYEE_HEADERS).decode()
    lines = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert _no_formula_in_csv(lines, HOSTILE) == set(HOSTILE)
    # The score file's output (a unit's name), as CSV and as Excel.
    record = {column: None for column in scorefile.OUTPUT_COLUMNS}
    records = [record | {"unit": "A", "unit_name": name, "kind": "respondents", "n": 5}
               for name in HOSTILE]  # fmt: skip
    for suffix in ("csv", "xlsx"):
        path = tmp_path / f"results.{suffix}"
        scorefile.write(records, path)
        if suffix == "xlsx":
            assert _no_formula_in(load_workbook(path), HOSTILE) == set(HOSTILE)
        else:
            with path.open(encoding="utf-8", newline="") as file:
                lines = list(csv.reader(file, delimiter=";"))
            assert _no_formula_in_csv(lines, HOSTILE) == set(HOSTILE)


@given(
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)
    | st.integers(min_value=-1000, max_value=1000).map(lambda whole: whole + 0.5)
)
def test_the_table_rounds_as_the_report_does(value: float) -> None:
    assert _number(value) == float(shown(value) or 0)


def test_the_streamed_table_keeps_text_exactly_and_numbers_as_numbers() -> None:
    output = io.BytesIO()
    rows: list[list[object]] = [["name", "value", "flag"], ["\r=1+2", -3.0, True]]
    rows.append(["a\x01b & <c>", 0.25, None])
    table_xlsx(rows, output, "Every figure")
    sheet = load_workbook(output)["Every figure"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values == [["name", "value", "flag"], ["\r=1+2", -3, True], ["ab & <c>", 0.25, None]]
    assert sheet["A2"].data_type == "s" and sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:C3"
