"""The unit report: one access check (personas), shown only after release (HR from the
close), read from stored results only, says plainly what is hidden, and its number of
queries does not grow with the organisation."""

import io
import subprocess
from collections.abc import Iterable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests.results.figures import one, stored
from tests.results.test_build import answer_all
from trivsel.cycle.lifecycle import close_measurement, open_measurement, release_results
from trivsel.engine.stats import shown
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(measurement: Measurement, django_capture_on_commit_callbacks: Any) -> Measurement:
    open_measurement(measurement)  # Sundhed og Omsorg: 8 people
    answer_all(measurement, [4, 3, 2, 4, 1, 0, 3, 3])
    with django_capture_on_commit_callbacks(execute=True):
        close_measurement(measurement)
    measurement.refresh_from_db()
    return measurement


def url(measurement: Measurement, code: str) -> str:
    return reverse("reports:unit", args=[measurement.pk, code])


def test_hr_sees_a_closed_measurement_others_only_once_released(
    closed: Measurement, clients: dict[str, Client]
) -> None:
    assert clients["hr"].get(url(closed, "SO")).status_code == 200
    assert clients["area_chief"].get(url(closed, "SO-N")).status_code == 404
    release_results(closed)
    assert clients["area_chief"].get(url(closed, "SO-N")).status_code == 200


@pytest.mark.parametrize(
    ("persona", "code", "status"),
    [
        ("hr", "SO", 200), ("hr", "U3", 200),
        ("area_chief", "SO-N", 200), ("area_chief", "U1", 200), ("area_chief", "SO", 404),
        ("area_chief", "SO-S", 404),
        ("unit_leader", "U1", 200), ("unit_leader", "U2", 404), ("unit_leader", "SO-N", 404),
        ("trio", "U1", 200), ("trio", "U1-T1", 404),
        ("outsider", "U1", 404), ("anonymous", "U1", 302),
    ],
)  # fmt: skip
def test_every_persona_sees_only_their_units(
    closed: Measurement, clients: dict[str, Client], persona: str, code: str, status: int
) -> None:
    release_results(closed)
    assert clients[persona].get(url(closed, code)).status_code == status


def test_the_report_shows_what_may_be_shown_and_says_what_is_hidden(
    closed: Measurement, clients: dict[str, Client]
) -> None:
    release_results(closed)
    page = clients["hr"].get(url(closed, "SO")).content.decode()
    shown = one(closed, code="SO", scope="subtree", group="", kind="dimension",
                metric="sc_short")  # fmt: skip
    assert "Results for Sundhed og Omsorg" in page
    assert ">8<" in page  # answered
    assert shown.score is not None
    assert f">{shown.score:.0f}<" in page
    assert "Social capital, short form" in page or "sc_short" in page
    # Område Nord (7) and Syd (1) are hidden: the sub-unit table says why (test_reasons).
    assert page.count("Not shown, to protect a group of fewer than 5") == 1
    assert page.count("Not shown: fewer than 5 answered") == 1
    # A leader's unit whose figures are hidden gets a plain explanation, no numbers.
    unit = clients["unit_leader"].get(url(closed, "U1")).content.decode()
    assert "Results cannot be shown for this unit: fewer than 5 answered" in unit
    assert "Every question" not in unit


def test_the_report_reads_stored_results_in_a_fixed_number_of_queries(
    closed: Measurement, clients: dict[str, Client]
) -> None:
    release_results(closed)
    client = clients["hr"]
    client.get(url(closed, "SO"))  # warm the questionnaire cache
    with CaptureQueriesContext(connection) as small:
        client.get(url(closed, "SO"))
    with CaptureQueriesContext(connection) as large:
        client.get(url(closed, "K"))  # more units below, more rows
    assert len(large) == len(small)
    assert not any("survey_answer" in query["sql"] for query in small.captured_queries)


def shown_numbers(figures: Iterable[Any]) -> set[float]:
    """Every number the given stored (visible) figures allow an export to show: counts,
    rounded scores, standard deviations, shares (and each answer's share), differences and
    response rates; coefficients (alpha, key drivers) to two places."""
    allowed: set[float] = set()
    for row in figures:
        allowed.add(float(row.n))
        if row.invited:
            allowed.add(float(row.invited))
            rate = shown(100 * row.n / row.invited)
            assert rate is not None
            allowed.add(float(rate))
        places = 2 if row.kind in ("alpha", "driver") else 0
        for value in (row.score, row.sd):
            if value is not None:
                allowed.add(float(shown(value, places) or 0))
        shares = [row.favourable, row.neutral, row.unfavourable, *row.options.values()]
        for share in shares:
            if share is not None:
                allowed.add(float(shown(100 * share) or 0))
        for versus in row.versus.values():
            allowed.add(float(shown(versus.difference) or 0))
    return allowed


def visible_numbers(measurement: Measurement, code: str) -> set[float]:
    """Every number the stored (visible) results allow a report on the unit to show: the
    unit's figures (every scope and job group) and its sub-units' subtree figures."""
    codes = {code, *Unit.objects.filter(parent__code=code).values_list("code", flat=True)}
    rows = stored(measurement, code__in=codes)
    return shown_numbers(r for r in rows if r.code == code or (r.scope, r.group) == ("subtree", ""))


def numbers_in(book: Any) -> list[float]:
    """Every number in a workbook (not the yes/no of "significant")."""
    return [
        float(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, int | float) and not isinstance(cell.value, bool)
    ]


def test_every_number_in_the_xlsx_is_a_visible_result(
    closed: Measurement, clients: dict[str, Client]
) -> None:
    release_results(closed)
    for persona, code in (("hr", "SO"), ("hr", "K"), ("unit_leader", "U1")):
        response = clients[persona].get(reverse("reports:xlsx", args=[closed.pk, code]))
        assert response.status_code == 200
        numbers = numbers_in(load_workbook(io.BytesIO(response.content)))
        allowed = visible_numbers(closed, code)
        assert set(numbers) <= allowed, (code, set(numbers) - allowed)
        if code == "SO":
            assert 8.0 in numbers  # the answers that may be shown are there
        if code == "U1":
            assert numbers == []  # everything about U1 is hidden
    sibling = clients["unit_leader"].get(reverse("reports:xlsx", args=[closed.pk, "U2"]))
    assert sibling.status_code == 404


def test_the_pdf_has_the_same_content_and_the_same_access(
    closed: Measurement, clients: dict[str, Client], tmp_path: Any
) -> None:
    release_results(closed)
    response = clients["hr"].get(reverse("reports:pdf", args=[closed.pk, "SO"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    path = tmp_path / "so.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
    page = text.decode()
    assert "Results for Sundhed og Omsorg" in page
    assert "Not shown: fewer than 5 answered" in page
    assert "Download as" not in page  # the page's links are not in the PDF
    assert (
        clients["unit_leader"].get(reverse("reports:pdf", args=[closed.pk, "U2"])).status_code
        == 404
    )


def test_long_comment_lists_are_cut_in_the_pdf_and_whole_in_excel(
    closed: Measurement,
) -> None:
    from trivsel.organisation.models import Unit
    from trivsel.reports.content import COMMENTS_SHOWN, UnitReport

    report = UnitReport(closed, Unit.objects.get(code="SO"))
    report.comments = [f"c{i}" for i in range(COMMENTS_SHOWN + 50)]
    assert report.comments_shown == report.comments[:COMMENTS_SHOWN]
    assert report.comments_more == 50
