"""A leader lands on their dashboard, opens their unit's report, downloads it as Excel and
PDF, and cannot open a sibling's; HR reads and downloads as PDF a department's report with
figures, comparisons, distributions and the sub-unit table; the area chief's heatmap shows
their area only. axe-core finds no WCAG 2.1 A/AA violations on any of these pages."""

import subprocess
from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.e2e.conftest import ARTIFACTS, axe_violations, log_in, screenshot
from tests.results.test_build import answer_all
from trivsel.cycle.lifecycle import close_measurement, open_measurement, release_results
from trivsel.measurements.models import Measurement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def release(measurement: Measurement, captured: Any) -> None:
    """Sundhed og Omsorg's 8 answer, the measurement closes (results built), is released."""
    open_measurement(measurement)
    answer_all(measurement, [4, 3, 2, 4, 1, 0, 3, 3])
    with captured(execute=True):
        close_measurement(measurement)
    release_results(measurement)


def test_leader_and_hr_read_unit_reports(
    live_server: Any, new_page: Any, measurement: Measurement, users: dict[str, User],
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    release(measurement, django_capture_on_commit_callbacks)
    base = live_server.url

    page = new_page()
    log_in(page, base, "unit_leader", "pw")
    page.get_by_role("heading", name="Mine enheder").wait_for()
    assert axe_violations(page) == []
    screenshot(page, "leader-dashboard")
    page.get_by_role("link", name="Rapport: Trivselsmåling 2026").click()
    page.get_by_role("heading", name="Resultater for Lokalcenter Egebakken").wait_for()
    page.get_by_text("Der kan ikke vises resultater for denne enhed: færre end 5").wait_for()
    assert axe_violations(page) == []
    screenshot(page, "leader-unit-report-hidden")
    with page.expect_download() as download:
        page.get_by_role("link", name="Hent som Excel").click()
    assert download.value.suggested_filename.endswith("-U1.xlsx")
    with page.expect_download() as download:
        page.get_by_role("link", name="Hent som PDF").click()
    assert download.value.suggested_filename.endswith("-U1.pdf")
    pdf = ARTIFACTS / "leader-unit-report.pdf"
    download.value.save_as(pdf)
    pages = str(ARTIFACTS / "leader-unit-report-pdf")
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf), pages], check=True)
    response = page.goto(f"{base}/reports/{measurement.pk}/units/U2/")
    assert response is not None and response.status == 404

    hr = new_page()
    log_in(hr, base, "hr", "pw")
    hr.goto(f"{base}/reports/{measurement.pk}/units/SO/")
    hr.get_by_role("heading", name="Resultater for Sundhed og Omsorg").wait_for()
    hr.get_by_role("heading", name="Alle spørgsmål").wait_for()
    # Område Nord (7) is hidden to protect Område Syd's one; Syd has fewer than 5.
    assert hr.get_by_text("Vises ikke af hensyn til en gruppe på færre end 5").count() == 1
    assert hr.get_by_text("Vises ikke: færre end 5 har svaret").count() == 1
    assert axe_violations(hr) == []
    screenshot(hr, "hr-unit-report")
    with hr.expect_download() as download:
        hr.get_by_role("link", name="Hent som PDF").click()
    pdf = ARTIFACTS / "hr-unit-report.pdf"
    download.value.save_as(pdf)
    # The PDF as PNG pages, to look at (pdftoppm from Debian's poppler-utils).
    pages = str(ARTIFACTS / "hr-unit-report-pdf")
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf), pages], check=True)
    assert (ARTIFACTS / "hr-unit-report-pdf-1.png").exists()


def test_area_chief_sees_the_heatmap_of_their_area_only(
    live_server: Any, new_page: Any, measurement: Measurement, users: dict[str, User],
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    release(measurement, django_capture_on_commit_callbacks)
    base = live_server.url
    page = new_page()
    log_in(page, base, "area_chief", "pw")
    page.get_by_role("link", name="Overblik: Trivselsmåling 2026", exact=True).click()
    page.get_by_role("heading", name="Overblik: Trivselsmåling 2026").wait_for()
    page.get_by_label("Antal niveauer").select_option("8")
    page.get_by_role("button", name="Vis", exact=True).click()
    table = page.get_by_role("table", name="Resultater pr. enhed")
    for name in ("Område Nord", "Lokalcenter Egebakken", "Team Dag", "Lokalcenter Bøgely"):
        assert table.get_by_role("link", name=name).count() == 1
    for name in ("Sundhed og Omsorg", "Område Syd", "Borgmesterens Afdeling"):
        assert table.get_by_role("link", name=name).count() == 0
    assert axe_violations(page) == []
    screenshot(page, "area-chief-heatmap")

    hr = new_page()
    log_in(hr, base, "hr", "pw")
    hr.goto(f"{base}/reports/{measurement.pk}/?levels=8")
    heatmap = hr.get_by_role("table", name="Resultater pr. enhed")
    assert heatmap.locator("a[href*='/units/']").count() == 10  # every unit of the test org
    assert axe_violations(hr) == []
    screenshot(hr, "hr-heatmap")
