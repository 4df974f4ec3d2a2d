"""The whole cycle in a real browser: HR creates and launches a measurement for a subtree,
a leader validates, invitations go out, one employee answers on a phone without
JavaScript and another by keyboard alone, the leader watches the response rate move, HR
closes, and afterwards the responses exist but nothing links them to the employees."""

import io
import re
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from tests.anonymity import assert_no_link_from_responses_to_people
from tests.e2e.conftest import axe_violations, log_in, screenshot
from tests.e2e.survey_steps import answer_by_keyboard, answer_on_phone
from trivsel.demo.management.commands.seed_demo import DEMO_QUESTIONNAIRE
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Employee, Unit
from trivsel.survey.models import Invitation, Response

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-demo-1234"


def answered_in(page: Any, base: str, measurement: Measurement, unit: Unit) -> str:
    """The "answered" count of the unit itself on the response rate page."""
    page.goto(f"{base}/measurements/{measurement.pk}/rates/")
    row = page.get_by_role("row").filter(has_text=unit.code).first
    return str(row.get_by_role("cell").nth(1).inner_text())


def test_create_launch_validate_answer_watch_close(
    live_server: Any, new_page: Any, browser: Any
) -> None:
    call_command(
        "seed_demo", employees=300, password=PASSWORD, measurements=False, stdout=io.StringIO()
    )
    base = live_server.url
    unit = Unit.objects.get(employees__user__username="leder")

    # HR creates the measurement for the area (a subtree) and starts the validation.
    hr = new_page()
    log_in(hr, base, "hr", PASSWORD)
    hr.get_by_role("link", name="Målinger").click()
    hr.get_by_label("Navn").fill("Trivselsmåling forår")
    hr.get_by_label("Spørgeskema", exact=True).select_option(label=DEMO_QUESTIONNAIRE)
    hr.get_by_label("Enheder").fill(unit.parent.code if unit.parent else unit.code)
    hr.get_by_label("Validering starter").fill("2026-01-05T08:00")
    hr.get_by_label("Dataindsamling åbner").fill("2026-01-19T08:00")
    hr.get_by_label("Dataindsamling lukker").fill("2026-02-09T16:00")
    hr.get_by_label("Resultater frigives").fill("2026-02-16T08:00")
    hr.get_by_role("button", name="Opret måling").click()
    hr.get_by_role("button", name="Start validering nu").click()
    hr.get_by_role("button", name="Ja, start valideringen").click()  # the confirmation page
    hr.get_by_text("Ledernes validering").wait_for()
    measurement = Measurement.objects.get(name="Trivselsmåling forår")

    # The leader confirms their unit's list.
    leader = new_page()
    log_in(leader, base, "leder", PASSWORD)
    leader.goto(f"{base}/organisation/units/{unit.code}/")
    leader.get_by_role("link", name="Validér listen").click()
    assert axe_violations(leader) == []
    leader.get_by_role("button", name="Listen er korrekt").click()
    leader.wait_for_url(f"{base}/organisation/units/{unit.code}/")

    # HR opens the measurement (the population is frozen) and sends the invitations.
    hr.reload()
    assert hr.get_by_text("1 bekræftet").count() or "1 bekræftet" in hr.content()
    hr.get_by_role("button", name="Åbn for besvarelser nu").click()
    hr.get_by_role("button", name="Ja, åbn for besvarelser").click()  # the confirmation page
    hr.get_by_role("button", name="Send invitationer til dem, der ikke er inviteret endnu").click()
    hr.get_by_role("button", name="Ja, send invitationerne").click()
    hr.get_by_text("Færdig").first.wait_for()
    screenshot(hr, "cycle-hr-open")
    assert axe_violations(hr) == []
    measurement.refresh_from_db()
    assert measurement.state == "open"
    assert not Invitation.objects.filter(measurement=measurement, invited_at=None).exists()

    # Two people of the leader's unit follow the link in their e-mail.
    colleagues = list(
        Employee.objects.filter(unit=unit, is_active=True).exclude(email="").order_by("number")
    )[:2]
    links = []
    for colleague in colleagues:
        message = next(m for m in mail.outbox if m.to == [colleague.email])
        found = re.search(r"https?://\S+/s/[\w-]+/", str(message.body))
        assert found is not None
        links.append(found.group(0).replace("http://127.0.0.1:8000", base))
    # Counts below 5 are never shown, not even the unit's own "1 answered" (the anonymity
    # rules; tests/measurements/test_rates_page.py shows the counts that may be shown).
    assert answered_in(leader, base, measurement, unit) == "–"
    answer_on_phone(browser, links[0], name="cycle-phone")
    assert answered_in(leader, base, measurement, unit) == "–"
    assert answer_by_keyboard(browser, links[1]) == 5  # 4 pages and "from whom?" in the APV
    assert answered_in(leader, base, measurement, unit) == "–"
    assert Invitation.objects.filter(measurement=measurement, responded=True).count() == 2
    screenshot(leader, "cycle-leader-rates")
    assert axe_violations(leader) == []

    # HR closes. The responses are there; nothing leads from them to the two people.
    hr.goto(f"{base}/measurements/{measurement.pk}/")
    hr.get_by_role("button", name="Luk nu").click()
    hr.get_by_role("heading", name="Luk nu?").wait_for()  # it says what closing will do
    assert "2 af " in hr.locator("main").inner_text() and axe_violations(hr) == []
    screenshot(hr, "cycle-hr-confirm-close")
    hr.get_by_role("button", name="Ja, luk nu").click()
    hr.get_by_text("Lukket").first.wait_for()
    assert Response.objects.filter(measurement=measurement, submitted=True).count() == 2
    # Sealed: two answers from one unit are stored with a unit at or above it that holds
    # at least 5 people (docs/anonymity.md).
    measurement.refresh_from_db()
    assert measurement.sealed_at is not None
    above = [u.pk for u in Unit.objects.all() if unit.path.startswith(u.path)]
    assert Response.objects.filter(measurement=measurement, unit__in=above).count() == 2
    assert_no_link_from_responses_to_people()
    after = new_page()
    after.goto(links[0])
    # After close every old link shows the same page, answered or not: the links are gone.
    assert after.get_by_role("heading", name="Linket virker ikke").is_visible()

    # HR's response rates: a tree that opens unit by unit, sorted, with its curve.
    hr.goto(f"{base}/measurements/{measurement.pk}/rates/?levels=1")
    assert hr.locator("table.rates tbody tr").count() == 1  # the municipality only
    hr.get_by_role("link", name=re.compile("vis enhederne under")).first.click()
    area = unit.parent.parent if unit.parent and unit.parent.parent else unit
    hr.locator(f"#unit-{area.code} a").click()
    row = hr.locator(f"#unit-{unit.parent.code if unit.parent else unit.code}")
    row.wait_for()
    hr.get_by_label("Rækkefølge under hver enhed").select_option(label="Laveste svarprocent først")
    hr.get_by_role("button", name="Vis").click()
    assert row.is_visible()  # what was opened stays open
    assert hr.get_by_role("link", name="Hent som Excel (de viste rækker)").is_visible()
    screenshot(hr, "cycle-hr-rates-tree")
    assert axe_violations(hr) == []
