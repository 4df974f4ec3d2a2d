"""Browser tests: Debian's Chromium driven by Playwright, with pinned locale and time zone.
Screenshots go to test-artifacts/e2e/ for a person to look at."""

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "e2e"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make system-packages` (make test does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Any]:
    contexts = []

    def make(viewport: dict[str, int] | None = None) -> Any:
        context = browser.new_context(
            locale="da-DK",
            timezone_id="Europe/Copenhagen",
            viewport=viewport or {"width": 1280, "height": 900},
        )
        # Fail fast: a missing element is a failure, not a 30-second wait per step.
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    # Evaluated, not added as a <script>: the app's Content-Security-Policy (no inline
    # scripts) stays in force in every browser test.
    page.evaluate(axe_source())
    result: list[dict[str, Any]] = page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
            .map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))"""
    )
    return result


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page: Any, base: str, username: str, password: str) -> None:
    """Log in through the Danish login page; lands on the dashboard ("My units"). An HR
    administrator also types the code their authenticator app would show (setting the app up
    first if they have none)."""
    page.goto(f"{base}/login/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state()
    if "/login/code/" in page.url:
        page.get_by_label("Sekscifret kode").fill(authenticator_code(username))
        page.get_by_role("button", name=re.compile("Bekræft|Afslut oprettelsen")).click()
    page.wait_for_url(f"{base}/")


def authenticator_code(username: str) -> str:
    """The code the person's authenticator app shows now. A code is accepted once (django-otp
    refuses a replay), so a test signing in again within the same 30 seconds is let through
    as if the next code had come."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=username).order_by("-confirmed").first()
    assert device is not None, f"{username} has no authenticator"
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


def make_hr_admin(username: str, password: str) -> Any:
    """A municipality of one unit and an HR administrator on it (for browser tests that need
    no demo)."""
    from django.contrib.auth.models import User

    from trivsel.organisation.models import Role, RoleGrant, Unit

    root = Unit.objects.create(code="K", name="Testby Kommune", kind="municipality",
                               path="", valid_from="2026-01-01")  # fmt: skip
    root.path = f"{root.pk:08d}/"
    root.save()
    user = User.objects.create_user(username, password=password)
    RoleGrant.objects.create(user=user, unit=root, role=Role.HR_ADMIN)
    return user
