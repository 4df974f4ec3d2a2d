"""The whole dialogue step on the demo, in Danish, in a real browser: the leader opens their
released report, goes to the dialogue, plans and holds the meeting with the AMR present,
picks two focus areas from the proposal, adopts a suggested action and adds their own with
owners and deadlines, and agrees the plan; the AMR sees it and comments; the area chief sees
the unit in the overview as "Plan aftalt"; an employee of the unit sees the plan; the leader
of a sibling unit gets 404 for all of it. axe-core finds no WCAG 2.1 A/AA violations."""

import io
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from tests.e2e.conftest import axe_violations, log_in, screenshot
from trivsel.dialogue.models import Action, Dialogue
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Employee, Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "trivsel-demo"


@pytest.fixture
def demo(live_server: Any) -> dict[str, Any]:
    call_command("seed_demo", employees=400, stdout=io.StringIO())
    leader = Employee.objects.select_related("unit").get(user__username="leder")
    unit = leader.unit
    colleague = Employee.objects.filter(unit=unit, is_leader=False, user=None,
                                        trio_roles__isnull=True).order_by("number")[0]  # fmt: skip
    colleague.user = User.objects.create_user("kollega", password=PASSWORD)
    colleague.save()
    sibling_unit = Unit.objects.filter(parent=unit.parent, valid_to=None).exclude(pk=unit.pk)
    sibling = Employee.objects.filter(unit__in=sibling_unit, is_leader=True).order_by("number")[0]
    sibling.user = User.objects.create_user("naboleder", password=PASSWORD)
    sibling.save()
    released = Measurement.objects.filter(state=Measurement.State.RELEASED, kind="main").latest(
        "closes_at"
    )
    return {"base": live_server.url, "unit": unit, "measurement": released}


def test_the_dialogue_from_report_to_agreed_plan(demo: dict[str, Any], new_page: Any) -> None:
    base, unit, measurement = demo["base"], demo["unit"], demo["measurement"]
    dialogue_url = f"{base}/dialogue/{measurement.pk}/{unit.code}/"
    page = new_page()
    log_in(page, base, "leder", PASSWORD)
    page.goto(f"{base}/reports/{measurement.pk}/units/{unit.code}/")
    page.get_by_role("link", name="Enhedens dialog og handleplan").click()
    page.get_by_role("heading", level=1, name=f"Dialog og handleplan: {unit.name}").wait_for()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Vi har læst rapporten").click()
    page.get_by_text("Læst.").wait_for()
    today = timezone.localdate()
    page.get_by_label("Dato for dialogmødet").fill(str(today - timedelta(days=1)))
    page.get_by_role("button", name="Planlæg mødet").click()
    page.get_by_label("Holdt den").fill(str(today))
    page.get_by_label("Antal deltagere").fill("11")
    page.get_by_label("AMR deltog").check()
    page.get_by_label("Kort referat").fill("Vi talte om travlhed og om at sige tak til hinanden.")
    page.get_by_role("button", name="Gem mødet").click()
    page.get_by_text("med 11 deltagere.").first.wait_for()
    # Two focus areas from the proposal.
    proposed = page.locator("fieldset > .checkbox label").all_inner_texts()
    assert len(proposed) >= 2
    for name in proposed[:2]:
        page.get_by_label(name, exact=True).check()
    page.get_by_role("button", name="Gem fokusområderne").click()
    page.get_by_role("heading", level=3, name=proposed[0]).wait_for()
    screenshot(page, "dialogue-leader-focus")
    assert axe_violations(page) == []
    # Adopt a suggested action, then add one of the unit's own.
    page.get_by_role("link", name="Brug forslaget").first.click()
    page.get_by_role("heading", name="Ny handling").wait_for()
    assert page.get_by_label("Titel").input_value() != ""
    owners = page.locator("input[name=owners]")
    owners.nth(0).check()
    owners.nth(1).check()
    page.get_by_label("Frist").fill(str(today + timedelta(days=60)))
    assert axe_violations(page) == []
    page.get_by_role("button", name="Gem handlingen").click()
    page.get_by_text("Handlingen er gemt.").wait_for()
    page.get_by_role("link", name="Tilføj en handling").click()
    page.get_by_label("Titel").fill("Fælles morgenmad den første fredag i måneden")
    page.get_by_label("Fokusområde").select_option(label=proposed[1])
    page.locator("input[name=owners]").nth(0).check()
    page.get_by_label("Frist").fill(str(today + timedelta(days=90)))
    page.get_by_role("button", name="Gem handlingen").click()
    page.get_by_role("button", name="Markér planen som aftalt").click()
    page.get_by_text("Plan aftalt", exact=True).wait_for()
    screenshot(page, "dialogue-leader-agreed")
    assert axe_violations(page) == []
    dialogue = Dialogue.objects.get(measurement=measurement, unit=unit)
    assert dialogue.state == Dialogue.State.AGREED and dialogue.amr_present
    assert dialogue.focus_areas.count() == 2 and dialogue.actions.count() == 2
    assert Action.objects.exclude(suggestion="").filter(dialogue=dialogue).count() == 1

    amr = new_page()
    log_in(amr, base, "amr", PASSWORD)
    amr.goto(dialogue_url)
    amr.get_by_role("link", name="Fælles morgenmad den første fredag i måneden").wait_for()
    amr.get_by_label("Din kommentar").fill("Godt møde. Husk at tage det op igen i marts.")
    amr.get_by_role("button", name="Tilføj kommentaren").click()
    amr.get_by_text("Husk at tage det op igen i marts.").wait_for()

    chief = new_page()
    log_in(chief, base, "omraadechef", PASSWORD)
    chief.goto(f"{base}/dialogue/{measurement.pk}/overview/")
    row = chief.locator("tr", has=chief.get_by_role("link", name=unit.name, exact=True))
    assert "Plan aftalt" in row.inner_text()
    screenshot(chief, "dialogue-overview-area-chief")
    assert axe_violations(chief) == []

    employee = new_page()
    log_in(employee, base, "kollega", PASSWORD)
    employee.get_by_role("link", name="Din enheds handleplan").click()
    employee.get_by_text("Fælles morgenmad den første fredag i måneden").wait_for()
    screenshot(employee, "dialogue-staff-plan")
    assert axe_violations(employee) == []

    sibling = new_page()
    log_in(sibling, base, "naboleder", PASSWORD)
    action = dialogue.actions.first()
    assert action is not None
    for path in (dialogue_url, f"{dialogue_url}plan/", f"{dialogue_url}actions/new/",
                 f"{base}/dialogue/actions/{action.pk}/"):  # fmt: skip
        assert sibling.goto(path).status == 404, path
