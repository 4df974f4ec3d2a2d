"""HR plans a measurement for a subtree and starts validation; a leader validates their
list; HR sees it. Every page passes axe-core."""

import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from tests.e2e.conftest import axe_violations, log_in, screenshot
from trivsel.demo.management.commands.seed_demo import DEMO_QUESTIONNAIRE
from trivsel.measurements.models import Measurement, UnitValidation
from trivsel.organisation.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hr_plans_and_leader_validates(live_server: Any, new_page: Any) -> None:
    call_command(
        "seed_demo",
        employees=300,
        password="pw-demo-1234",
        measurements=False,
        stdout=io.StringIO(),
    )
    base = live_server.url
    hr = new_page()
    log_in(hr, base, "hr", "pw-demo-1234")
    hr.get_by_role("link", name="Målinger").click()
    hr.get_by_label("Navn").fill("Trivselsmåling efterår")
    hr.get_by_label("Spørgeskema", exact=True).select_option(label=DEMO_QUESTIONNAIRE)
    # The units are ticked in the organisation (found by typing), each with its head count.
    hr.get_by_text("Vælg i organisationen").click()
    hr.get_by_label("Find en enhed").fill("område nord")
    hr.locator('input[name="picked"][value="SO-01"]').check()
    shown = hr.locator("#unit-picker-list li:visible").count()
    assert 1 <= shown < hr.locator("#unit-picker-list li").count()  # the others filtered away
    screenshot(hr, "hr-unit-picker")
    hr.get_by_label("Validering starter").fill("2027-10-01T08:00")
    hr.get_by_label("Dataindsamling åbner").fill("2027-10-20T08:00")
    hr.get_by_label("Dataindsamling lukker").fill("2027-11-10T16:00")
    hr.get_by_label("Resultater frigives").fill("2027-11-15T08:00")
    screenshot(hr, "hr-measurement-new")
    assert axe_violations(hr) == []
    hr.get_by_role("button", name="Opret måling").click()
    # A mistake in the draft: HR changes it (the form holds the plan as it is).
    hr.get_by_role("link", name="Ret kladden").click()
    assert hr.get_by_label("Enheder").input_value() == "SO-01"
    hr.get_by_label("Dataindsamling lukker").fill("2027-11-12T16:00")
    screenshot(hr, "hr-measurement-edit")
    assert axe_violations(hr) == []
    hr.get_by_role("button", name="Gem ændringerne").click()
    hr.get_by_role("heading", name="Trivselsmåling efterår").wait_for()
    assert "12.11.2027" in hr.locator("main").inner_text()
    # The invitation text: the default says what people need; HR names the contact person,
    # sees the preview and sends a test to themselves.
    User.objects.filter(username="hr").update(email="hr@example.dk")
    hr.get_by_role("link", name="Invitationstekster").click()
    preview = hr.locator("pre.message-preview").first.inner_text()
    assert "anonyme" in preview and "12. november 2027 16:00" in preview
    hr.get_by_label("Kontaktperson").fill("Hanne Hansen, HR, 7012 3456")
    hr.get_by_role("button", name="Gem, og send en testinvitation til mig").click()
    hr.get_by_text("En testinvitation er sendt til hr@example.dk.").wait_for()
    assert "Hanne Hansen, HR, 7012 3456" in hr.locator("pre.message-preview").first.inner_text()
    screenshot(hr, "hr-invitation-texts")
    assert axe_violations(hr) == []
    hr.get_by_role("link", name="Trivselsmåling efterår").first.click()
    hr.get_by_role("button", name="Start validering nu").click()
    hr.get_by_role("button", name="Ja, start valideringen").click()  # the confirmation page
    hr.get_by_text("Ledernes validering").wait_for()
    measurement = Measurement.objects.get(name="Trivselsmåling efterår")
    assert measurement.state == "validation"

    leader = new_page()
    log_in(leader, base, "leder", "pw-demo-1234")
    unit = Unit.objects.get(employees__user__username="leder")
    leader.goto(f"{base}/organisation/units/{unit.code}/")
    leader.get_by_role("link", name="Validér listen").click()
    screenshot(leader, "leader-validate")
    assert axe_violations(leader) == []
    leader.get_by_label("Rettelser").fill("En medarbejder er flyttet til Team Aften 1.")
    leader.get_by_role("button", name="Send rettelser til HR").click()
    leader.wait_for_url(f"{base}/organisation/units/{unit.code}/")
    assert UnitValidation.objects.get(measurement=measurement, unit=unit).status == "corrections"

    hr.reload()
    assert hr.get_by_text("En medarbejder er flyttet til Team Aften 1.").is_visible()
    screenshot(hr, "hr-measurement-detail")
    assert axe_violations(hr) == []
