"""Respondents answer the whole demo questionnaire: one on a phone with JavaScript off,
one by keyboard alone; axe-core finds no violations on any survey page."""

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.e2e.conftest import CHROMIUM_ARGS, axe_violations, screenshot
from trivsel.instruments.models import Questionnaire
from trivsel.measurements.lifecycle import create_measurement, open_measurement
from trivsel.organisation.management.commands.seed_demo import DEMO_QUESTIONNAIRE
from trivsel.organisation.models import Unit
from trivsel.survey.models import Invitation, Response

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def invitations(live_server: Any) -> list[Invitation]:
    call_command("seed_demo", employees=300, measurements=False, stdout=io.StringIO())
    now = timezone.now()
    measurement = create_measurement(
        units=[Unit.objects.get(code="SO-01")], name="Trivselsmåling 2026",
        questionnaire=Questionnaire.objects.get(name=DEMO_QUESTIONNAIRE),
        validation_starts=now, opens_at=now, closes_at=now + timedelta(days=21),
        results_release_at=now + timedelta(days=22),
    )  # fmt: skip
    open_measurement(measurement)
    return list(Invitation.objects.filter(measurement=measurement)[:2])


def test_phone_without_javascript(
    live_server: Any, invitations: list[Invitation], browser: Any
) -> None:
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 844}, locale="da-DK",
        timezone_id="Europe/Copenhagen", is_mobile=True, has_touch=True,
    )  # fmt: skip
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{invitations[0].token}/")
    screenshot(page, "survey-phone-page1")
    for _ in range(10):
        if page.get_by_role("heading", name="Klar til at sende").count():
            break
        for group in page.get_by_role("group").all():
            radios = group.get_by_role("radio")
            (radios if radios.count() else group.get_by_role("checkbox")).first.check()
        for box in page.get_by_role("textbox").all():
            box.fill("Vi har et godt sammenhold.")
        page.get_by_role("button", name="Gem og").click()
    screenshot(page, "survey-phone-submit")
    page.get_by_role("button", name="Send mine svar").click()
    assert page.get_by_role("heading", name="Tak for dine svar").is_visible()
    screenshot(page, "survey-phone-thanks")
    context.close()
    response = Response.objects.get()
    assert response.is_submitted and response.answers.count() >= 60


def test_keyboard_only_with_axe_on_every_page(
    live_server: Any, invitations: list[Invitation], browser: Any
) -> None:
    context = browser.new_context(locale="da-DK", timezone_id="Europe/Copenhagen")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/s/{invitations[1].token}/")
    pages_seen = 0
    while not page.get_by_role("heading", name="Klar til at sende").count():
        assert pages_seen < 4, f"still not at the submit page after 4 pages: {page.url}"
        assert axe_violations(page) == [], page.url
        pages_seen += 1
        for _ in range(400):
            page.keyboard.press("Tab")
            kind = page.evaluate(
                "() => { const e = document.activeElement; return e.tagName === 'BUTTON'"
                " ? 'button:' + e.name : (e.type || e.tagName).toLowerCase(); }"
            )
            if kind in ("radio", "checkbox"):
                page.keyboard.press("Space")
            elif kind == "textarea":
                page.keyboard.type("Tak for en god arbejdsplads.")
            elif kind == "button:next":
                with page.expect_navigation():
                    page.keyboard.press("Enter")
                break
        else:
            raise AssertionError(f"no way forward by keyboard on {page.url}")
    assert pages_seen == 4
    assert axe_violations(page) == []
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent.trim()") == "Send mine svar":
            with page.expect_navigation():
                page.keyboard.press("Enter")
            break
    page.get_by_role("heading", name="Tak for dine svar").wait_for()
    assert axe_violations(page) == []
    context.close()
    assert Response.objects.filter(submitted_on__isnull=False).count() == 1
    assert CHROMIUM_ARGS  # launched with the required flags by the session fixture
