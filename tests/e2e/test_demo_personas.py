"""Each login `seed_demo` prints sees what its role allows, and nothing else, in a real
browser; every page it sees passes axe-core's WCAG 2.1 A/AA rules."""

import io
import re
from typing import Any

import pytest
from django.core.management import call_command

from tests.e2e.conftest import axe_violations, log_in, screenshot
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "trivsel-demo"


@pytest.fixture
def demo_logins(live_server: Any) -> list[str]:
    out = io.StringIO()
    call_command("seed_demo", employees=400, stdout=out)
    return re.findall(r"^  (\w+)\s", out.getvalue(), re.M)


@pytest.fixture
def demo_organisation(live_server: Any) -> None:
    """The demo's organisation and logins without its measurements (quicker to make)."""
    call_command("seed_demo", employees=400, measurements=False, stdout=io.StringIO())


def status_of(page: Any, url: str) -> int:
    response = page.goto(url)
    assert response is not None
    return int(response.status)


def test_every_printed_login_sees_its_scope(
    live_server: Any, demo_logins: list[str], new_page: Any
) -> None:
    assert demo_logins == ["hr", "omraadechef", "leder", "amr", "medarbejder", "admin"]
    base = live_server.url
    area = Unit.objects.get(code="SO-01")
    unit = Unit.objects.filter(parent=area, kind="unit").order_by("code")[0]
    sibling = Unit.objects.filter(parent=area).exclude(pk=unit.pk).order_by("code")[0]
    team = Unit.objects.filter(parent=unit).order_by("code").first()
    other_department = Unit.objects.get(code="BU")

    # (username, units it must open, units that must answer 404, may import)
    expectations = {
        "hr": ([Unit.objects.get(code="K"), area, unit, other_department], [], True),
        "omraadechef": (
            [area, unit, sibling],
            [Unit.objects.get(code="K"), other_department],
            False,
        ),
        "leder": ([unit] + ([team] if team else []), [area, sibling, other_department], False),
        "amr": ([unit], [area, sibling] + ([team] if team else []), False),
        "medarbejder": ([], [area, unit, other_department], False),
    }
    for username, (allowed, denied, may_import) in expectations.items():
        page = new_page()
        log_in(page, base, username, PASSWORD)
        screenshot(page, f"{username}-dashboard")
        assert axe_violations(page) == [], username
        page.goto(f"{base}/organisation/")
        tree_html = page.content()
        screenshot(page, f"{username}-tree")
        assert axe_violations(page) == [], username
        for visible in allowed:
            assert f"/organisation/units/{visible.code}/" in tree_html, (username, visible.code)
            assert status_of(page, f"{base}/organisation/units/{visible.code}/") == 200
        for hidden in denied:
            assert f"/organisation/units/{hidden.code}/" not in tree_html, (username, hidden.code)
            assert status_of(page, f"{base}/organisation/units/{hidden.code}/") == 404
        if allowed:
            page.goto(f"{base}/organisation/units/{allowed[-1].code}/")
            screenshot(page, f"{username}-unit")
            assert axe_violations(page) == [], username
        else:
            page.goto(f"{base}/organisation/")
            assert "Du har ingen enheder" in page.content()
        assert status_of(page, f"{base}/organisation/import/") == (200 if may_import else 403)
        if may_import:
            screenshot(page, f"{username}-import")
            assert axe_violations(page) == []
        # The demo's measurements: HR manages both; everyone who sees a unit in the
        # population sees the live response rates, the others nothing.
        for measurement in Measurement.objects.all():
            detail = f"{base}/measurements/{measurement.pk}/"
            rates = f"{detail}rates/"
            assert status_of(page, detail) == (200 if may_import else 403), username
            if may_import:
                assert axe_violations(page) == [], measurement.name
                screenshot(page, f"demo-{measurement.state}-measurement")
            assert status_of(page, rates) == (200 if allowed else 404), username
            if allowed:
                assert axe_violations(page) == [], (username, measurement.name)


def test_login_page_is_accessible_in_both_languages(live_server: Any, new_page: Any) -> None:
    page = new_page({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login/")
    assert axe_violations(page) == []
    screenshot(page, "login-da-phone")
    page.get_by_label("Sprog").select_option("en")
    page.get_by_role("button", name="Skift sprog").click()
    page.wait_for_load_state()
    assert page.get_by_label("Username").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "login-en-phone")


def test_hr_imports_a_file_in_the_browser(
    live_server: Any, demo_organisation: None, new_page: Any, tmp_path: Any
) -> None:
    from trivsel.organisation.models import Employee

    person = Employee.objects.filter(is_active=True).order_by("number")[10]
    lines = ["medarbejdernummer;navn;enhedskode"]
    lines += [f"{e.number};{e.name};{e.unit.code}" for e in Employee.objects.select_related("unit")]
    lines = [
        line.replace(f"{person.number};{person.name};", f"{person.number};Nyt Navn;")
        for line in lines
    ]
    employees = tmp_path / "medarbejdere.csv"
    employees.write_text("\n".join(lines) + "\n", encoding="utf-8")

    page = new_page()
    log_in(page, live_server.url, "hr", PASSWORD)
    page.goto(f"{live_server.url}/organisation/import/")
    page.get_by_label("Medarbejdere").set_input_files(str(employees))
    page.get_by_role("button", name="Kontrollér filerne").click()
    page.get_by_text("Klar til at blive gennemført").wait_for()
    screenshot(page, "hr-import-preview")
    page.get_by_text("Medarbejdere med ændrede oplysninger (1)").click()
    assert page.get_by_text(
        f"Nyt Navn ({person.number}): navn: {person.name} → Nyt Navn"
    ).is_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Gennemfør ændringerne").click()
    page.get_by_text("Gennemførte ændringer").wait_for()
    screenshot(page, "hr-import-done")
    person.refresh_from_db()
    assert person.name == "Nyt Navn"
