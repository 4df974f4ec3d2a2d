"""The reports on the demo in a real browser, as each persona: HR (the whole municipality),
the area chief, a leader, an AMR and an employee open what they may — the charts, the APV
section, what matters most — and every page passes axe-core's WCAG 2.1 A/AA rules."""

import io
from typing import Any

import pytest
from django.core.management import call_command

from tests.e2e.conftest import axe_violations, log_in, screenshot
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "trivsel-demo"


@pytest.fixture
def demo(live_server: Any) -> Measurement:
    call_command("seed_demo", employees=400, stdout=io.StringIO())
    return Measurement.objects.filter(state=Measurement.State.RELEASED, kind="main").latest(
        "opens_at"
    )


def test_each_persona_reads_the_reports_it_may(
    live_server: Any, demo: Measurement, new_page: Any
) -> None:
    base = live_server.url
    area = Unit.objects.get(code="SO-01")
    unit = Unit.objects.filter(parent=area, kind="unit").order_by("code")[0]
    reports = {"hr": "K", "omraadechef": area.code, "leder": unit.code, "amr": unit.code}
    for username, code in reports.items():
        page = new_page()
        log_in(page, base, username, PASSWORD)
        response = page.goto(f"{base}/reports/{demo.pk}/units/{code}/")
        assert response is not None and response.status == 200, username
        html = page.content()
        assert page.locator("svg.chart").count() >= 3, username  # indices, dimensions, trend
        assert page.get_by_role("heading", name="Over tid").is_visible(), username
        assert page.get_by_role("heading", name="Krænkende handlinger (APV)").is_visible()
        assert page.get_by_role(
            "heading", name="Det har størst betydning for jobtilfredsheden"
        ).is_visible(), username
        assert "▲ bedre, ▼ dårligere" in html
        if username == "hr":
            assert page.get_by_role("heading", name="Fordelt på faggrupper").is_visible()
            assert page.locator("figure.compass svg").count() == 1
        assert axe_violations(page) == [], username
        screenshot(page, f"report-{username}")
        # The PDF of the same report.
        pdf = page.request.get(f"{base}/reports/{demo.pk}/units/{code}/report.pdf")
        assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
        if username != "hr":  # nobody below HR opens the whole municipality's report
            denied = page.goto(f"{base}/reports/{demo.pk}/units/K/")
            assert denied is not None and denied.status == 404, username

    # The employee: their unit's summary on the front page, no full report.
    page = new_page()
    log_in(page, base, "medarbejder", PASSWORD)
    assert page.get_by_role("heading", name="Din enheds resultater", exact=False).count() >= 1
    assert axe_violations(page) == []
    screenshot(page, "report-medarbejder")
    denied = page.goto(f"{base}/reports/{demo.pk}/units/{unit.code}/")
    assert denied is not None and denied.status == 404
