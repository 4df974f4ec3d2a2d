"""Respondents answer the whole demo questionnaire: one on a phone with JavaScript off,
one by keyboard alone; axe-core finds no violations on any survey page."""

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.e2e.conftest import CHROMIUM_ARGS, axe_violations, screenshot
from tests.e2e.survey_steps import answer_by_keyboard, answer_on_phone
from trivsel.cycle.lifecycle import create_measurement, open_measurement
from trivsel.demo.management.commands.seed_demo import DEMO_QUESTIONNAIRE
from trivsel.instruments.models import Questionnaire
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
    answer_on_phone(browser, f"{live_server.url}/s/{invitations[0].token}/")
    response = Response.objects.get()
    assert response.is_submitted and response.answers.count() >= 60


def test_keyboard_only_with_axe_on_every_page(
    live_server: Any, invitations: list[Invitation], browser: Any
) -> None:
    # Four pages and the APV's "from whom?" screen (the first answer to each exposure is
    # "Ja, dagligt").
    assert answer_by_keyboard(browser, f"{live_server.url}/s/{invitations[1].token}/") == 5
    assert Response.objects.filter(submitted=True).count() == 1
    assert CHROMIUM_ARGS  # launched with the required flags by the session fixture


def test_kiosk_on_a_tablet(live_server: Any, invitations: list[Invitation], browser: Any) -> None:
    context = browser.new_context(
        viewport={"width": 800, "height": 1280}, locale="da-DK", timezone_id="Europe/Copenhagen"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/kiosk/")
    assert axe_violations(page) == []
    page.get_by_label("Din kode").fill("AAAAA-BBBBB")
    page.get_by_role("button", name="Start").click()
    page.get_by_text("Koden blev ikke genkendt").wait_for()
    assert axe_violations(page) == []
    screenshot(page, "kiosk-wrong-code")
    code = invitations[0].short_code
    page.get_by_label("Din kode").fill(f"{code[:5].lower()}-{code[5:]}")
    page.get_by_role("button", name="Start").click()
    page.get_by_text("Side 1 af 4").wait_for()  # "from whom?" not yet asked
    assert invitations[0].token not in page.url and code not in page.url
    assert axe_violations(page) == []
    screenshot(page, "kiosk-page1")
    page.get_by_role("button", name="Stop (dine gemte sider bevares)").click()
    page.get_by_text("Du har forladt undersøgelsen").wait_for()
    assert page.url.startswith(f"{live_server.url}/kiosk/")
    context.close()
