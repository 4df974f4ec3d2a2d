"""Sign-in through a real OpenID Connect provider: panva's oidc-provider (npm), started by the
test on 127.0.0.1, requiring PKCE and signing with RS256. A leader lands on their dashboard;
an HR administrator is then asked for the code from their authenticator app; someone the
provider knows but the employee register does not is refused with a clear message."""

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.e2e.conftest import ROOT, axe_violations, screenshot
from trivsel.core.models import AuditEntry
from trivsel.organisation.models import Employee, Role, RoleGrant, Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROVIDER = Path(__file__).parent / "oidc" / "provider.mjs"
ACCOUNTS = {
    "lise": {"email": "Lise.Leder@testby.dk"},  # the register has it in lower case
    "hanne": {"email": "hanne.hr@testby.dk"},
    "ukendt": {"email": "ukendt@testby.dk"},
}


@pytest.fixture
def provider(live_server: Any, settings: Any) -> Iterator[str]:
    config = {
        "port": 0, "client_id": "trivsel", "client_secret": "hemmelig-klientnoegle-42",
        "redirect_uri": f"{live_server.url}/oidc/callback/", "accounts": ACCOUNTS,
    }  # fmt: skip
    process = subprocess.Popen(
        ["node", str(PROVIDER), json.dumps(config)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        line = process.stdout.readline() if process.stdout else ""
        assert line.startswith("ready "), f"the provider did not start: {line!r}"
        issuer = line.split()[1]
        settings.OIDC_ENABLED = True
        settings.OIDC_RP_CLIENT_ID = "trivsel"
        settings.OIDC_RP_CLIENT_SECRET = "hemmelig-klientnoegle-42"
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{issuer}/auth"
        settings.OIDC_OP_TOKEN_ENDPOINT = f"{issuer}/token"
        settings.OIDC_OP_USER_ENDPOINT = f"{issuer}/me"
        settings.OIDC_OP_JWKS_ENDPOINT = f"{issuer}/jwks"
        settings.OIDC_OP_ISSUER = issuer
        settings.OIDC_PROVIDER_NAME = "Testby Kommunes login"
        settings.AUTHENTICATION_BACKENDS = [
            "trivsel.accounts.backends.RegisterModelBackend",
            "trivsel.accounts.oidc.RegisterOIDCBackend",
        ]
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def register(db: None) -> dict[str, Any]:
    """Testby: a municipality with one unit led by Lise; Hanne is HR and already has an
    authenticator app."""
    root = Unit.objects.create(code="K", name="Testby Kommune", kind="municipality",
                               path="", valid_from="2026-01-01")  # fmt: skip
    root.path = f"{root.pk:08d}/"
    root.save()
    unit = Unit.objects.create(code="U1", name="Bøgehuset", kind="unit", parent=root,
                               path="", depth=1, valid_from="2026-01-01")  # fmt: skip
    unit.path = f"{root.path}{unit.pk:08d}/"
    unit.save()
    Employee.objects.create(number="1001", name="Lise Leder", email="lise.leder@testby.dk",
                            unit=unit, is_leader=True)  # fmt: skip
    hanne = User.objects.create_user("hanne", email="hanne.hr@testby.dk")
    Employee.objects.create(number="1002", name="Hanne Hansen", email="hanne.hr@testby.dk",
                            unit=root, user=hanne)  # fmt: skip
    RoleGrant.objects.create(user=hanne, unit=root, role=Role.HR_ADMIN)
    device = TOTPDevice.objects.create(user=hanne, name="telefon", confirmed=True)
    return {"unit": unit, "device": device}


def sign_in_at_provider(page: Any, base: str, login: str) -> None:
    page.goto(f"{base}/login/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Log ind med Testby Kommunes login").click()
    screenshot(page, "provider-at-provider")
    page.locator("input[name=login]").fill(login)  # the provider's own development pages
    page.locator("input[name=password]").fill("hvad-som-helst")
    page.locator("button[type=submit]").click()
    if page.locator("button[type=submit]", has_text="Continue").count():  # consent
        page.locator("button[type=submit]", has_text="Continue").click()


def test_a_leader_signs_in_through_the_provider(
    provider: str, register: dict[str, Any], live_server: Any, new_page: Any
) -> None:
    page = new_page()
    sign_in_at_provider(page, live_server.url, "lise")
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("heading", name="Mine enheder").wait_for()
    assert page.get_by_text("Bøgehuset").first.is_visible()
    assert page.get_by_role("link", name="Aktivitetslog").count() == 0  # not HR
    screenshot(page, "provider-leader-dashboard")
    lise = Employee.objects.get(number="1001").user
    assert lise is not None and not lise.has_usable_password()
    assert AuditEntry.objects.filter(action="sign-in", target=lise.username).count() == 1


def test_hr_signs_in_through_the_provider_and_is_asked_for_the_code(
    provider: str, register: dict[str, Any], live_server: Any, new_page: Any
) -> None:
    page = new_page()
    sign_in_at_provider(page, live_server.url, "hanne")
    page.get_by_role("heading", name="Bekræft dit login").wait_for()
    assert "/login/code/" in page.url
    assert axe_violations(page) == []
    page.get_by_label("Sekscifret kode").fill("000000" if _code(register) != "000000" else "111111")
    page.get_by_role("button", name="Bekræft").click()
    page.get_by_text("Koden var ikke rigtig").wait_for()
    screenshot(page, "provider-hr-wrong-code")
    assert axe_violations(page) == []
    page.wait_for_timeout(1100)  # django-otp's throttle: one second after a wrong code
    page.get_by_label("Sekscifret kode").fill(_code(register))
    page.get_by_role("button", name="Bekræft").click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="Aktivitetslog").wait_for()  # HR's dashboard
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-3:] == ["sign-in", "second factor failed", "second factor"]


def test_someone_not_in_the_register_is_refused(
    provider: str, register: dict[str, Any], live_server: Any, new_page: Any
) -> None:
    page = new_page()
    sign_in_at_provider(page, live_server.url, "ukendt")
    page.get_by_text("ikke i medarbejderregistret").wait_for()
    assert page.url.startswith(f"{live_server.url}/login/")
    screenshot(page, "provider-refused")
    assert axe_violations(page) == []
    entry = AuditEntry.objects.get(action="sign-in failed")
    assert entry.target == "ukendt@testby.dk" and "not in the employee register" in entry.detail
    assert not User.objects.filter(email="ukendt@testby.dk").exists()


def _code(register: dict[str, Any]) -> str:
    device = TOTPDevice.objects.get(pk=register["device"].pk)
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"
