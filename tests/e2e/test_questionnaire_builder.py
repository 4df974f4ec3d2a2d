"""HR builds a questionnaire from the bank in the browser and previews it in Danish and
English, as a respondent would see it; axe-core finds no WCAG 2.1 A/AA violations."""

from typing import Any

import pytest

from tests.e2e.conftest import axe_violations, log_in, make_hr_admin, screenshot
from trivsel.demo.management.commands.seed_demo import DEMO_QUESTIONNAIRE
from trivsel.instruments.bank import load_bundled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hr_login(live_server: Any) -> str:
    load_bundled()
    make_hr_admin("hr", "pw-hr-1234")
    return "hr"


def test_hr_builds_and_previews_a_questionnaire(
    live_server: Any, hr_login: str, new_page: Any
) -> None:
    base = live_server.url
    page = new_page()
    log_in(page, base, hr_login, "pw-hr-1234")
    page.get_by_role("link", name="Spørgeskemaer").click()
    assert axe_violations(page) == []
    page.get_by_label("Navn på et nyt spørgeskema").fill("Trivselsmåling 2026")
    page.get_by_role("button", name="Opret spørgeskema").click()

    page.get_by_label("Instrument eller spørgsmål").select_option(label="Social kapital, kort form")
    page.get_by_role("button", name="Tilføj", exact=True).click()
    page.get_by_label("Titel på dansk", exact=True).fill("Afslutning")
    page.get_by_label("Titel på engelsk", exact=True).fill("Closing")
    page.get_by_role("button", name="Tilføj side").click()
    free_text = page.get_by_role("group", name="Et fritekstspørgsmål")
    free_text.get_by_label("Side").select_option(label="2. Afslutning")
    free_text.get_by_label("Spørgsmål på dansk").fill("Hvad er det bedste ved din arbejdsplads?")
    free_text.get_by_label("Spørgsmål på engelsk").fill(
        "What is the best thing about your workplace?"
    )
    page.get_by_role("button", name="Tilføj fritekstspørgsmål").click()
    page.get_by_text("Hvad er det bedste ved din arbejdsplads?").wait_for()
    screenshot(page, "hr-builder")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Forhåndsvis på dansk").click()
    assert page.get_by_role(
        "group", name="Samarbejdet mellem mig og mine kolleger er godt."
    ).is_visible()
    assert page.get_by_text("Side 1 af 2").is_visible()
    screenshot(page, "preview-da-page1")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Næste").click()
    assert page.get_by_label("Hvad er det bedste ved din arbejdsplads?").is_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Show in English").click()
    assert page.get_by_label("What is the best thing about your workplace?").is_visible()
    assert page.get_by_text("Page 2 of 2").is_visible()
    page.get_by_role("button", name="Previous").click()
    group = page.get_by_role("group", name="Collaboration between me and my colleagues is good.")
    assert group.get_by_label("To a very large extent").is_visible()
    screenshot(page, "preview-en-page1")
    assert axe_violations(page) == []


def test_preview_on_a_phone_by_keyboard(live_server: Any, hr_login: str, new_page: Any) -> None:
    from django.core.management import call_command

    call_command(
        "seed_demo",
        employees=300,
        password="pw-demo-1234",
        measurements=False,
        stdout=__import__("io").StringIO(),
    )
    page = new_page({"width": 390, "height": 844})
    log_in(page, live_server.url, "hr", "pw-demo-1234")
    from trivsel.instruments.models import Questionnaire

    questionnaire = Questionnaire.objects.get(name=DEMO_QUESTIONNAIRE)
    page.goto(
        f"{live_server.url}/instruments/questionnaires/{questionnaire.pk}/preview/?lang=da&page=3"
    )
    assert page.get_by_text("Side 3 af 5").is_visible()  # then the "from whom?" screen
    page.get_by_role("radio").first.focus()
    page.keyboard.press("ArrowDown")
    assert page.get_by_role("radio").nth(1).is_checked()
    screenshot(page, "preview-da-phone-apv")
    assert axe_violations(page) == []


def test_hr_asks_a_question_only_of_those_exposed(
    live_server: Any, hr_login: str, new_page: Any
) -> None:
    """The APV brings its "from whom?" conditions; HR adds one more in two steps, sees it
    listed and in the preview."""
    page = new_page()
    log_in(page, live_server.url, hr_login, "pw-hr-1234")
    page.get_by_role("link", name="Spørgeskemaer").click()
    page.get_by_label("Navn på et nyt spørgeskema").fill("APV 2026")
    page.get_by_role("button", name="Opret spørgeskema").click()
    page.get_by_label("Instrument eller spørgsmål").select_option(label="APV")
    page.get_by_role("button", name="Tilføj", exact=True).click()
    free_text = page.get_by_role("group", name="Et fritekstspørgsmål")
    free_text.get_by_label("Spørgsmål på dansk").fill("Hvad ville have hjulpet dig?")
    free_text.get_by_label("Spørgsmål på engelsk").fill("What would have helped you?")
    page.get_by_role("button", name="Tilføj fritekstspørgsmål").click()

    page.get_by_role("link", name="Betingede spørgsmål (4)").click()
    assert page.get_by_text("Hvis du har været udsat for mobning: fra hvem?").first.is_visible()
    page.get_by_label("Spørgsmål, der kun skal stilles til nogle").select_option(
        label="Hvad ville have hjulpet dig?"
    )
    page.get_by_label("Det afhænger af svaret på").select_option(
        label="Har du inden for de sidste 12 måneder været udsat for trusler om vold på dit "
        "arbejde?"
    )
    page.get_by_role("button", name="Næste: vælg svarene").click()
    answers = page.get_by_role("group", name="Stilles kun ved disse svar")
    for label in ("Ja, dagligt", "Ja, ugentligt", "Ja, månedligt", "Ja, få gange"):
        answers.get_by_label(label).check()
    page.get_by_role("button", name="Gem betingelsen").click()
    page.get_by_text("Betingelsen er gemt.").wait_for()
    assert page.get_by_text("»Hvad ville have hjulpet dig?« stilles kun til dem").is_visible()
    screenshot(page, "hr-conditions")
    assert axe_violations(page) == []

    page.get_by_role("link", name="APV 2026").click()
    page.get_by_role("link", name="Forhåndsvis på dansk").click()
    page.get_by_role("button", name="Næste").click()  # the follow-up screen after the page
    assert page.get_by_text("Side 2 af 2").is_visible()
    note = page.get_by_text("Stilles kun til dem, der svarede på »Har du inden for de sidste 12 "
                            "måneder været udsat for trusler om vold")  # fmt: skip
    assert note.count() == 2  # "from whom?" for threats, and HR's own question
    screenshot(page, "preview-conditions")
    assert axe_violations(page) == []
