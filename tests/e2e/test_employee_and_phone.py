"""The demo's employee finds their open questionnaire and their unit's results on the front
page (axe-core: no WCAG 2.1 A/AA violations) and reaches the questionnaire without a token
in any address; at phone width (390×844) the front pages and the unit reports fit the
screen — wide tables scroll in their own box — and every menu link can be reached."""

import io
from typing import Any

import pytest
from django.core.management import call_command

from tests.e2e.conftest import axe_violations, log_in, screenshot
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Employee
from trivsel.survey.models import Invitation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "trivsel-demo"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(live_server: Any) -> str:
    call_command("seed_demo", employees=400, stdout=io.StringIO())
    return str(live_server.url)


def fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (page.url, width)


def menu_reachable(page: Any) -> int:
    """Every link of the main menu is visible and inside the screen; how many there are."""
    links = page.locator("header nav a")
    for index in range(links.count()):
        link = links.nth(index)
        assert link.is_visible(), link.inner_text()
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0, link.inner_text()
        assert box["x"] + box["width"] <= PHONE["width"], link.inner_text()
    return int(links.count())


def test_the_demo_on_a_desktop_and_a_phone(demo: str, new_page: Any) -> None:
    """One seeded demo for every check (seeding is most of the time of a browser test)."""
    employee_finds_their_questionnaire_and_their_units_results(demo, new_page)
    for username in ("hr", "leder", "medarbejder"):
        front_page_and_unit_report_fit_a_phone(demo, new_page, username)


def employee_finds_their_questionnaire_and_their_units_results(demo: str, new_page: Any) -> None:
    employee = Employee.objects.select_related("unit").get(user__username="medarbejder")
    current = Measurement.objects.get(state=Measurement.State.OPEN)
    released = Measurement.objects.filter(state=Measurement.State.RELEASED, kind="main").latest(
        "opens_at"
    )
    invitation = Invitation.objects.get(measurement=current, participant__employee=employee)
    for name, viewport in (("desktop", None), ("phone", PHONE)):
        page = new_page(viewport)
        log_in(page, demo, "medarbejder", PASSWORD)
        page.get_by_role("heading", level=1, name=employee.unit.name).wait_for()
        results = page.locator("#own-results").locator("..")
        assert released.name in results.inner_text()
        # Figures where the unit's results are shown, else the reason: never both.
        assert (results.locator("dl.figures").count() == 1) != (
            results.locator(".notice").count() == 1
        )
        assert page.locator('a[href*="/reports/"]').count() == 0  # no report of any unit
        assert axe_violations(page) == [], name
        screenshot(page, f"employee-dashboard-{name}")
        if viewport:
            fits(page)
            menu_reachable(page)
    own = page.locator(f'a[href="/s/mine/{current.pk}/"]')
    own.click()
    page.wait_for_url(f"{demo}/s/svar/")
    assert invitation.token not in page.url
    assert page.locator("form").count() >= 1  # the questionnaire's first page
    assert axe_violations(page) == []
    screenshot(page, "employee-questionnaire-phone")


def front_page_and_unit_report_fit_a_phone(demo: str, new_page: Any, username: str) -> None:
    page = new_page(PHONE)
    log_in(page, demo, username, PASSWORD)
    fits(page)
    links = menu_reachable(page)
    assert links >= (5 if username == "hr" else 1)
    screenshot(page, f"{username}-dashboard-phone")
    if username == "medarbejder":
        return
    report = page.locator('a[href*="/reports/"][href*="/units/"]').first
    report.click()
    page.wait_for_load_state()
    fits(page)
    menu_reachable(page)
    assert page.locator(".table-scroll table").count() >= 1  # wide tables scroll in their own box
    assert axe_violations(page) == [], username
    screenshot(page, f"{username}-unit-report-phone")
    released = Measurement.objects.filter(state=Measurement.State.RELEASED, kind="main").latest(
        "opens_at"
    )
    page.goto(f"{demo}/reports/{released.pk}/")  # the heatmap: its table scrolls in its box
    page.locator("table.heatmap").wait_for()
    fits(page)
    assert axe_violations(page) == [], username
    screenshot(page, f"{username}-overview-phone")
