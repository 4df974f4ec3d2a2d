"""The key figures in Danish in a real browser: the area chief opens their unit's key figures
(the charts, the months, the causes and lengths, staff and turnover) and sees sick leave
beside the survey results in the unit report; HR opens the units that need support, and
uploads a file of absence: a bad one lists its problems, a good one is checked, confirmed
and imported. axe-core finds no WCAG 2.1 A/AA violations;
screenshots go to test-artifacts/e2e/."""

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

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
    chief.get_by_role("table", name="Sygefravær pr. måned").wait_for()
    # the absence by month, the causes, the lengths (spells and days), headcount and FTE
    assert chief.locator("figure.chart svg").count() == 5
    chief.get_by_role("heading", name="Personale og personaleomsætning").wait_for()
    assert chief.get_by_text("Personaleomsætning, kohortemetoden: andelen af de").count() == 1
    screenshot(chief, "keyfigures-area")
    assert axe_violations(chief) == []
    chief.goto(f"{base}/reports/{released.pk}/units/{area.code}/")
    chief.get_by_role("heading", name="Sygefraværet i de 12 måneder før målingen").wait_for()
    assert axe_violations(chief) == []

    hr = new_page()
    log_in(hr, base, "hr", PASSWORD)
    hr.get_by_role("link", name="Støtte").click()
    hr.get_by_role("heading", name="Enheder, der har brug for støtte").wait_for()
    hr.get_by_role("table", name="Enheder, der har brug for støtte").wait_for()
    screenshot(hr, "support-view")
    assert axe_violations(hr) == []

    hr.get_by_role("link", name="Importér nøgletal (ansættelser, fravær)").click()
    hr.get_by_role("heading", name="Importér nøgletal").wait_for()
    assert axe_violations(hr) == []
    number = Employee.objects.filter(unit=area, is_active=True).values_list("number", flat=True)[0]
    day = (timezone.localdate() - timedelta(days=10)).isoformat()
    bad = f"Medarbejdernummer;Fra;Til;Fraværskode\n99999;{day};{day};S\n"
    good = f"Medarbejdernummer;Fra;Til;Fraværskode\n{number};{day};{day};S\n"
    for name, text in (("fravær-fejl.csv", bad), ("fravær.csv", good)):
        hr.goto(f"{base}/keyfigures/import/")
        hr.get_by_label("Fraværsperioder pr. medarbejder").check()
        hr.get_by_label("Fra", exact=True).fill(day)
        hr.get_by_label("Til", exact=True).fill(day)
        hr.get_by_label("Fil (CSV eller Excel)").set_input_files(
            {"name": name, "mimeType": "text/csv", "buffer": text.encode()}
        )
        hr.get_by_role("button", name="Tjek filen").click()
        hr.get_by_role("heading", name=f"Fraværsperioder pr. medarbejder: {name}").wait_for()
        hr.wait_for_function("!document.querySelector('#job-status[data-running=\"1\"]')")
        if name == "fravær-fejl.csv":
            hr.get_by_text("Filen har 1 fejl. Intet blev importeret.").wait_for()
            hr.get_by_text("Ingen medarbejder har nummeret “99999”.").wait_for()
            screenshot(hr, "keyfigures-upload-refused")
            assert axe_violations(hr) == []
    hr.get_by_role("heading", name="Hvad filen vil importere").wait_for()
    screenshot(hr, "keyfigures-upload-check")
    assert axe_violations(hr) == []
    hr.get_by_role("button", name="Importér og beregn månederne").click()
    hr.get_by_role("heading", name="Hvad der blev importeret").wait_for(timeout=60000)
    screenshot(hr, "keyfigures-upload-done")
    assert axe_violations(hr) == []
