"""The key figures in Danish in a real browser: the area chief opens their unit's key figures
(the chart and the months) and sees sick leave beside the survey results in the unit report;
HR opens the units that need support. axe-core finds no WCAG 2.1 A/AA violations;
screenshots go to test-artifacts/e2e/."""

import io
from typing import Any

import pytest
from django.core.management import call_command

from tests.e2e.conftest import axe_violations, log_in, screenshot
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Employee

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "trivsel-demo"


def test_the_area_chief_and_hr_read_the_key_figures(live_server: Any, new_page: Any) -> None:
    call_command("seed_demo", employees=400, password=PASSWORD, stdout=io.StringIO())
    base = live_server.url
    area = Employee.objects.get(user__username="omraadechef").unit
    released = Measurement.objects.filter(kind="main", state="released").latest("closes_at")

    chief = new_page()
    log_in(chief, base, "omraadechef", PASSWORD)
    chief.get_by_role("link", name="Nøgletal: sygefravær, antal ansatte").first.click()
    chief.get_by_role("heading", name=f"Nøgletal: {area.name}").wait_for()
    assert chief.locator("figure.chart svg").count() == 1
    chief.get_by_role("table", name="Sygefravær pr. måned").wait_for()
    screenshot(chief, "keyfigures-area")
    assert axe_violations(chief) == []
    chief.goto(f"{base}/reports/{released.pk}/units/{area.code}/")
    chief.get_by_role("heading", name="Sygefraværet ved siden af resultaterne").wait_for()
    assert axe_violations(chief) == []

    hr = new_page()
    log_in(hr, base, "hr", PASSWORD)
    hr.get_by_role("link", name="Støtte").click()
    hr.get_by_role("heading", name="Enheder, der har brug for støtte").wait_for()
    hr.get_by_role("table", name="Enheder, der har brug for støtte").wait_for()
    screenshot(hr, "support-view")
    assert axe_violations(hr) == []
