"""A signed-in person changes their password in the browser (from their name in the header),
in Danish; axe-core finds no WCAG 2.1 A/AA violations on the form, its errors and the
confirmation."""

from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.e2e.conftest import axe_violations, log_in, make_hr_admin, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_change_password_in_the_browser(live_server: Any, new_page: Any) -> None:
    user = User.objects.create_user("leder", password="gammel-adgangskode-1", first_name="Lise")
    page = new_page()
    log_in(page, live_server.url, "leder", "gammel-adgangskode-1")
    page.get_by_role("link", name="skift adgangskode").click()  # "Lise: skift …"
    page.get_by_role("heading", name="Skift adgangskode").wait_for()
    assert axe_violations(page) == []
    page.get_by_label("Din nuværende adgangskode").fill("gammel-adgangskode-1")
    page.get_by_label("Ny adgangskode").fill("Kommune2024")
    page.get_by_label("Den nye adgangskode igen").fill("Kommune2024")
    page.get_by_role("button", name="Skift adgangskode").click()
    page.get_by_text("Adgangskoden blev ikke ændret").wait_for()
    assert page.get_by_text("for kort").is_visible()  # Django's own Danish message
    screenshot(page, "password-change-refused")
    assert axe_violations(page) == []
    page.get_by_label("Din nuværende adgangskode").fill("gammel-adgangskode-1")
    page.get_by_label("Ny adgangskode").fill("grøn kaffe ved søen")
    page.get_by_label("Den nye adgangskode igen").fill("grøn kaffe ved søen")
    page.get_by_role("button", name="Skift adgangskode").click()
    page.get_by_role("heading", name="Adgangskoden er skiftet").wait_for()
    assert axe_violations(page) == []
    user.refresh_from_db()
    assert user.check_password("grøn kaffe ved søen")


def test_hr_reads_the_audit_log_in_the_browser(live_server: Any, new_page: Any) -> None:
    make_hr_admin("hr", "hr-adgangskode-12")
    page = new_page()
    log_in(page, live_server.url, "hr", "hr-adgangskode-12")
    page.get_by_role("link", name="Aktivitetslog").click()
    page.get_by_role("heading", name="Aktivitetslog").wait_for()
    rows = page.locator("tbody tr")
    assert rows.filter(has_text="Logget ind").count() == 1  # this sign-in
    assert rows.filter(has_text="Rolle tildelt").count() == 1  # the grant above
    page.get_by_label("Handling").select_option(label="Logget ind")
    page.get_by_role("button", name="Vis").click()
    assert page.locator("tbody tr").count() == 1
    screenshot(page, "hr-audit-log")
    assert axe_violations(page) == []


def test_hr_sets_up_the_authenticator_app_at_the_first_sign_in(
    live_server: Any, new_page: Any
) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.e2e.conftest import authenticator_code

    make_hr_admin("hr", "hr-adgangskode-12")
    page = new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Brugernavn").fill("hr")
    page.get_by_label("Adgangskode").fill("hr-adgangskode-12")
    page.get_by_role("button", name="Log ind").click()
    page.get_by_role("heading", name="Opret din godkendelsesapp").wait_for()
    assert page.get_by_role("img", name="QR-kode til godkendelsesappen").is_visible()
    assert page.get_by_role("link", name="Organisation").count() == 0  # no menu yet
    screenshot(page, "hr-authenticator-setup")
    assert axe_violations(page) == []
    page.get_by_label("Sekscifret kode").fill("000 000")
    page.get_by_role("button", name="Afslut oprettelsen").click()
    page.get_by_text("Koden var ikke rigtig").wait_for()
    page.wait_for_timeout(1100)  # the throttle's second
    page.get_by_label("Sekscifret kode").fill(authenticator_code("hr"))
    page.get_by_role("button", name="Afslut oprettelsen").click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="Aktivitetslog").wait_for()
    assert TOTPDevice.objects.get(user__username="hr").confirmed
