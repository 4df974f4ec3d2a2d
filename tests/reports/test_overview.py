"""The overview (heatmap): each person sees the units they may see (and may narrow it to one
subtree of them), each unit right under its parent whatever the sort, the root unit and the
whole organisation as one row, every arrow and shade by the direction rule, hidden cells
marked without a number, an Excel file of exactly what is shown with no formula in it, and
a number of queries that does not grow with units or dimensions."""

import io
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
from trivsel.results.models import Kind, Result, Scope

pytestmark = pytest.mark.django_db


def unit_links(page: str, measurement: Measurement) -> set[str]:
    return {
        unit.code
        for unit in Unit.objects.all()
        if f'href="{reverse("reports:unit", args=[measurement.pk, unit.code])}"' in page
    }


class HeatmapRows(HTMLParser):
    """The heatmap table's rows as the page shows them: each a list of its cells' texts
    (the visually hidden words included), the unit's link and the row's data-level."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []
        self.datalist: list[str] = []
        self.inside = False
        self.in_datalist = False
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and "heatmap" in (found.get("class") or ""):
            self.inside = True
        elif tag == "datalist":
            self.in_datalist = True
        elif tag == "option" and self.in_datalist:
            self.datalist.append(found.get("value") or "")
        elif not self.inside:
            return
        elif tag == "tr":
            self.rows.append({"cells": [], "level": found.get("data-level"), "href": None})
        elif tag in ("td", "th"):
            self.cell = []
            self.rows[-1]["classes"] = [*self.rows[-1].get("classes", []), found.get("class")]
        elif tag == "a" and self.cell is not None and self.rows[-1]["href"] is None:
            self.rows[-1]["href"] = found.get("href")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.inside = False
        elif tag == "datalist":
            self.in_datalist = False
        elif tag in ("td", "th") and self.cell is not None:
            self.rows[-1]["cells"].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def heatmap(page: str) -> HeatmapRows:
    parser = HeatmapRows()
    parser.feed(page)
    return parser


def unit_rows(page: str) -> list[dict[str, Any]]:
    """The rows of the units (the two header rows left out)."""
    return heatmap(page).rows[2:]


def names(page: str) -> list[str]:
    return [row["cells"][0] for row in unit_rows(page)]


def store(measurement: Measurement, code: str | None, kind: str, **metrics: Any) -> None:
    """Stored figures for a test, beside the real ones: metric=(score, versus) where versus
    maps a comparison to (difference, significant)."""
    unit = Unit.objects.get(code=code) if code else None
    row, _ = Result.objects.get_or_create(
        measurement=measurement, unit=unit, group="", kind=kind,
        scope=Scope.SUBTREE if unit else Scope.ALL,
    )  # fmt: skip
    for metric, (score, versus) in metrics.items():
        row.figures[metric] = {
            "n": 20, "score": score,
            "versus": {name: [difference, 0.001, flagged]
                       for name, (difference, flagged) in versus.items()},
        }  # fmt: skip
    row.save()


@pytest.fixture
def burnout(released: Measurement) -> Measurement:
    """Burnout (a higher score is worse) for most units, U3 and BA's hidden."""
    store(released, None, Kind.DIMENSION, burnout=(40.0, {}))
    scores = {"SO": 40.0, "SO-S": 60.0, "SO-N": 30.0, "U2": 50.0, "U1": 20.0, "U1-T1": 90.0}
    for code, score in scores.items():
        store(
            released, code, Kind.DIMENSION, burnout=(score, {"organisation": (score - 40, False)})
        )
    return released


def test_each_persona_sees_their_units_only(
    released: Measurement, clients: dict[str, Client]
) -> None:
    url = reverse("reports:overview", args=[released.pk]) + "?levels=8"
    hr = clients["hr"].get(url).content.decode()
    assert unit_links(hr, released) == {u.code for u in Unit.objects.all()}
    chief = clients["area_chief"].get(url).content.decode()
    assert unit_links(chief, released) == {"SO-N", "U1", "U1-T1", "U2"}
    leader = clients["unit_leader"].get(url).content.decode()
    assert unit_links(leader, released) == {"U1", "U1-T1"}
    assert clients["outsider"].get(url).status_code == 404
    assert clients["anonymous"].get(url).status_code == 302


def test_hidden_cells_are_marked_and_shown_ones_carry_the_score(
    released: Measurement, clients: dict[str, Client]
) -> None:
    page = clients["hr"].get(reverse("reports:overview", args=[released.pk])).content.decode()
    assert "Social capital, short form" in page or "sc_short" in page
    # SO (8 answers) has its score; Område Nord and Syd are hidden.
    assert ">10<" in page
    assert page.count('<span class="visually-hidden">Not shown, to protect a group') >= 1
    assert page.count('<span class="visually-hidden">Not shown: fewer than 5 answered') >= 1


def test_root_unit_and_whole_organisation_are_one_row(
    released: Measurement, clients: dict[str, Client]
) -> None:
    page = clients["hr"].get(reverse("reports:overview", args=[released.pk]) + "?levels=8")
    rows = heatmap(page.content.decode()).rows
    organisation = rows[1]
    assert organisation["cells"][0] == "Testby Kommune (the whole organisation)"
    assert organisation["href"] == reverse("reports:unit", args=[released.pk, "K"])
    assert [row["cells"][0] for row in rows].count("Testby Kommune") == 0
    assert len(rows) == 2 + Unit.objects.count() - 1


def test_area_chief_compares_with_the_whole_organisation_without_seeing_the_root(
    released: Measurement, clients: dict[str, Client]
) -> None:
    page = clients["area_chief"].get(reverse("reports:overview", args=[released.pk]))
    rows = heatmap(page.content.decode()).rows
    assert rows[1]["cells"][0] == "Whole organisation" and rows[1]["href"] is None
    assert names(page.content.decode()) == ["Område Nord", "Lokalcenter Egebakken", "Team Dag",
                                            "Lokalcenter Bøgely"]  # fmt: skip


def test_sorting_keeps_each_unit_under_its_parent_without_duplicates(
    burnout: Measurement, clients: dict[str, Client]
) -> None:
    url = reverse("reports:overview", args=[burnout.pk]) + "?levels=8&sort=burnout"
    worst_first = names(clients["hr"].get(url).content.decode())
    # A higher burnout score is worse: the highest first among siblings, hidden ones last,
    # each unit right under its parent (Team Dag's 90 does not lift it above Egebakken).
    assert worst_first == [
        "Sundhed og Omsorg", "Område Syd", "Hjemmeplejen Syd", "Område Nord",
        "Lokalcenter Bøgely", "Lokalcenter Egebakken", "Team Dag",
        "Borgmesterens Afdeling", "HR og Arbejdsmiljø",
    ]  # fmt: skip
    best_first = names(clients["hr"].get(url + "&order=best").content.decode())
    assert best_first == [
        "Sundhed og Omsorg", "Område Nord", "Lokalcenter Egebakken", "Team Dag",
        "Lokalcenter Bøgely", "Område Syd", "Hjemmeplejen Syd",
        "Borgmesterens Afdeling", "HR og Arbejdsmiljø",
    ]  # fmt: skip
    levels = [row["level"] for row in unit_rows(clients["hr"].get(url).content.decode())]
    assert levels == ["0", "1", "2", "1", "2", "2", "3", "0", "1"]


def test_unknown_sort_shows_the_unit_tree(
    released: Measurement, clients: dict[str, Client]
) -> None:
    url = reverse("reports:overview", args=[released.pk]) + "?levels=8"
    page = clients["hr"].get(url).content.decode()
    assert names(clients["hr"].get(url + "&sort=nonsense&order=x").content.decode()) == names(page)


def test_subtree_filter_is_limited_to_the_units_the_person_may_see(
    released: Measurement, clients: dict[str, Client]
) -> None:
    url = reverse("reports:overview", args=[released.pk]) + "?levels=8&unit="
    hr = clients["hr"].get(url + "SO-N").content.decode()
    assert unit_links(hr, released) >= {"SO-N", "U1", "U1-T1", "U2"}
    assert names(hr) == ["Område Nord", "Lokalcenter Egebakken", "Team Dag",
                         "Lokalcenter Bøgely"]  # fmt: skip
    picked = clients["hr"].get(url + "Område Nord (SO-N)").content.decode()
    assert names(picked) == names(hr)
    assert len(heatmap(hr).datalist) == Unit.objects.count()

    chief = clients["area_chief"]
    assert names(chief.get(url + "U1").content.decode()) == ["Lokalcenter Egebakken", "Team Dag"]
    assert chief.get(url + "SO").status_code == 404
    assert chief.get(url + "SO-S").status_code == 404
    chief_page = chief.get(url + "SO-N").content.decode()
    assert sorted(heatmap(chief_page).datalist) == sorted(
        str(unit) for unit in Unit.objects.filter(code__in=["SO-N", "U1", "U1-T1", "U2"])
    )

    leader = clients["unit_leader"]
    assert names(leader.get(url + "U1-T1").content.decode()) == ["Team Dag"]
    for code in ("U2", "SO-N", "K"):
        assert leader.get(url + code).status_code == 404
    assert clients["outsider"].get(url + "SO-N").status_code == 404
    assert clients["outsider"].get(url + "BA").status_code == 404


def test_lower_is_better_dimension_significantly_higher_shows_worse(
    released: Measurement, clients: dict[str, Client]
) -> None:
    store(released, None, Kind.DIMENSION, burnout=(40.0, {}), job_satisfaction=(60.0, {}))
    store(
        released, "U2", Kind.DIMENSION,
        burnout=(55.0, {"organisation": (15.0, True), "previous": (12.0, True)}),
        job_satisfaction=(75.0, {"organisation": (15.0, True)}),
    )  # fmt: skip
    page = clients["hr"].get(reverse("reports:overview", args=[released.pk]) + "?levels=8")
    text = page.content.decode()
    table = heatmap(text)
    header = table.rows[0]["cells"]
    row = next(r for r in unit_rows(text) if r["cells"][0] == "Lokalcenter Bøgely")
    burnout_at, satisfaction_at = (
        header.index("Burnout and stress"),
        header.index("Job satisfaction"),
    )
    assert row["cells"][burnout_at] == "55 ▼ (significantly worse)"
    assert row["classes"][burnout_at] == "num shade-much-worse"
    assert row["cells"][satisfaction_at] == "75 ▲ (significantly better)"
    assert row["classes"][satisfaction_at] == "num shade-much-better"
    assert '<span class="verdict-worse" aria-hidden="true">▼</span>' in text
    # The largest changes: burnout up 12 points is worse, with ▼ and the word.
    changes = text[text.index("The largest changes since last time") :]
    assert re.search(r"\+12 <span class=\"verdict-worse\" aria-hidden=\"true\">▼</span> "
                     r"\(significantly worse\)", changes)  # fmt: skip
    assert "▲ better" in re.sub(r"<[^>]+>", "", text).replace("  ", " ")


def xlsx_rows(content: bytes) -> tuple[Any, list[list[Any]]]:
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    return sheet, [[cell for cell in row] for row in sheet.iter_rows()]


def shown_text(cell: Any) -> str:
    """What Excel shows in a cell: the number with the symbol of its number format."""
    if cell.value is None:
        return ""
    symbol = re.search(r'" (.)"', cell.number_format)
    return f"{cell.value}" + (f" {symbol.group(1)}" if symbol else "")


def test_excel_file_is_exactly_what_is_shown_and_has_no_formula(
    burnout: Measurement, clients: dict[str, Client], settings: Any
) -> None:
    Unit.objects.filter(code="U2").update(name='=HYPERLINK("http://x","Bøgely")')
    store(burnout, "U2", Kind.DIMENSION, burnout=(50.0, {"organisation": (10.0, True)}))
    query = "?levels=8&sort=burnout&order=worst"
    page = clients["hr"].get(reverse("reports:overview", args=[burnout.pk]) + query)
    text = page.content.decode()
    link = reverse("reports:overview_xlsx", args=[burnout.pk]) + query.replace("&", "&amp;")
    assert f'href="{link}"' in text
    response = clients["hr"].get(reverse("reports:overview_xlsx", args=[burnout.pk]) + query)
    assert response.status_code == 200
    sheet, rows = xlsx_rows(response.content)
    assert sheet.freeze_panes == "E2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{len(rows)}"
    shown = heatmap(text).rows
    header = [cell.value for cell in rows[0]]
    assert header[:4] == ["Level", "Unit", "Code", "Response rate (%)"]
    assert header[4:] == shown[0]["cells"][2:]  # the same columns
    assert len(rows) == len(shown)  # the same rows: the organisation, then every unit
    for excel, html in zip(rows[1:], shown[1:], strict=True):
        assert excel[1].value == html["cells"][0]
        for cell, page_text in zip(excel[3:], html["cells"][1:], strict=True):
            if isinstance(cell.value, str):  # a hidden figure's reason
                assert page_text == cell.value or page_text.endswith(cell.value)
            elif cell.value is not None:
                assert page_text.replace(" %", "").startswith(shown_text(cell))
    levels = [row[0].value for row in rows[1:]]
    assert levels[:3] == [1, 2, 3]  # the organisation is its root unit, then its levels
    assert [row[1].alignment.indent for row in rows[2:5]] == [0, 1, 2]
    bogely = next(row for row in rows if row[2].value == "U2")
    assert bogely[1].value == '=HYPERLINK("http://x","Bøgely")'
    burnout_at = header.index("Burnout and stress")
    assert shown_text(bogely[burnout_at]) == "50 ▼"
    legend = [
        str(row[0].value) for row in load_workbook(io.BytesIO(response.content)).worksheets[1]
    ]
    assert any("▼: significantly worse" in line for line in legend)
    for row in rows:
        for cell in row:
            assert cell.data_type != "f", cell.coordinate


def test_excel_file_follows_the_subtree_and_the_access(
    released: Measurement, clients: dict[str, Client]
) -> None:
    url = reverse("reports:overview_xlsx", args=[released.pk]) + "?levels=8&unit=U1"
    response = clients["area_chief"].get(url)
    assert response["Content-Disposition"].endswith('-heatmap-U1.xlsx"')
    _, rows = xlsx_rows(response.content)
    assert [row[2].value for row in rows[2:]] == ["U1", "U1-T1"]
    assert clients["unit_leader"].get(url.replace("U1", "U2")).status_code == 404
    assert clients["outsider"].get(url).status_code == 404


def test_query_count_does_not_grow_with_units(
    released: Measurement, clients: dict[str, Client], django_assert_max_num_queries: Any
) -> None:
    url = reverse("reports:overview", args=[released.pk])
    excel = reverse("reports:overview_xlsx", args=[released.pk])
    clients["hr"].get(url)
    with CaptureQueriesContext(connection) as few:
        clients["hr"].get(url + "?levels=1")
    with CaptureQueriesContext(connection) as many:
        clients["hr"].get(url + "?levels=8")
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as few_rows:
        clients["hr"].get(excel + "?levels=1")
    with CaptureQueriesContext(connection) as many_rows:
        clients["hr"].get(excel + "?levels=8")
    assert len(many_rows) == len(few_rows)
    with django_assert_max_num_queries(16):
        clients["hr"].get(url + "?levels=8&unit=SO&sort=sc_short")
    with django_assert_max_num_queries(16):
        clients["hr"].get(excel + "?levels=8&unit=SO&sort=sc_short")
