"""The follow-up and pulse flow in Danish in a real browser: HR plans the March follow-up of
last year's measurement for a department (two themes and the forward-looking question),
people answer (some in the browser), HR closes and releases; the area chief and the unit
leader each see their follow-up report with the baseline comparison and "Siden sidst". The
leader then starts a pulse from HR's template: refused for a 3-person team, started for
their unit, answered, and its report is there at close. axe-core finds no WCAG 2.1 A/AA
violations on the pages; screenshots go to test-artifacts/e2e/."""

import io
import random
import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tests.e2e.conftest import axe_violations, log_in, screenshot
from trivsel.cycle import lifecycle
from trivsel.demo.management.commands.seed_demo import demo_questionnaire
from trivsel.demo.measurements import DemoPlan, collect, seed_measurements, unit_levels
from trivsel.dialogue.models import Action, Dialogue
from trivsel.dialogue.services import add_action
from trivsel.instruments.builder import pages_of
from trivsel.measurements.models import Measurement, PulseTemplate
from trivsel.organisation.models import Employee, Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "trivsel-demo"


def answer_in_browser(browser: Any, url: str, name: str) -> None:
    """Choose the first answer to every question on every page, then send."""
    context = browser.new_context(locale="da-DK", timezone_id="Europe/Copenhagen")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(url)
    for number in range(8):
        if page.get_by_role("heading", name="Klar til at sende").count():
            break
        if number == 0:
            screenshot(page, f"{name}-page1")
        for group in page.get_by_role("group").all():
            radios = group.get_by_role("radio")
            if radios.count():
                radios.nth(min(3, radios.count() - 1)).check()
        page.get_by_role("button", name="Gem og").click()
    else:
        raise AssertionError(f"never reached the submit page: {page.url}")
    page.get_by_role("button", name="Send mine svar").click()
    page.get_by_role("heading", name="Tak for dine svar").wait_for()
    context.close()


def test_hr_follows_up_leaders_read_it_and_a_leader_runs_a_pulse(
    live_server: Any, new_page: Any, browser: Any
) -> None:
    call_command(
        "seed_demo", employees=400, password=PASSWORD, measurements=False, stdout=io.StringIO()
    )
    questionnaire = demo_questionnaire()
    keep = set(Employee.objects.exclude(user=None).values_list("pk", flat=True))
    made = seed_measurements(questionnaire, timezone.localdate(), 1, keep)
    baseline = max((m for m in made if m.state == "released"), key=lambda m: m.closes_at)
    base = live_server.url
    chief = Employee.objects.get(user__username="omraadechef")
    leader = Employee.objects.get(user__username="leder")
    department = next(u for u in [*chief.unit.ancestors(), chief.unit] if u.depth == 1)
    dialogue = Dialogue.objects.create(measurement=baseline, unit=leader.unit,
                                       window_ends=date.today() + timedelta(days=30))  # fmt: skip
    add_action(dialogue, None, [leader], title="Fælles morgenmøde hver mandag",
               metric="recognition", due=date.today() + timedelta(days=60),
               visibility=Action.Visibility.UNIT, status=Action.Status.IN_PROGRESS)  # fmt: skip

    # HR plans the follow-up: the baseline, the department, two themes, the forward question.
    hr = new_page()
    log_in(hr, base, "hr", PASSWORD)
    hr.get_by_role("link", name="Målinger").click()
    hr.get_by_role("link", name="Planlæg en opfølgende måling").click()
    hr.get_by_label("Udgangspunkt").select_option(label=baseline.name)
    hr.get_by_role("button", name="Vælg").click()
    hr.get_by_label("Navn").fill("Opfølgning marts")
    hr.get_by_label("Enheder").fill(department.code)
    hr.get_by_role("checkbox", name=re.compile("^Anerkendelse")).check()
    hr.get_by_role("checkbox", name=re.compile("^Indflydelse")).check()
    expectation = hr.get_by_role("checkbox", name=re.compile("Jeg har en forventning om"))
    assert expectation.is_checked()  # the seed's sentence is chosen from the start
    now = timezone.localtime()
    stamp = "%Y-%m-%dT%H:%M"
    hr.get_by_label("Dataindsamling åbner").fill((now + timedelta(hours=1)).strftime(stamp))
    hr.get_by_label("Dataindsamling lukker").fill((now + timedelta(days=14)).strftime(stamp))
    hr.get_by_label("Resultater frigives").fill((now + timedelta(days=16)).strftime(stamp))
    screenshot(hr, "follow-up-plan")
    assert axe_violations(hr) == []
    hr.get_by_role("button", name="Planlæg opfølgningen").click()
    hr.get_by_text("Opfølgningen er planlagt").wait_for()
    follow_up = Measurement.objects.get(kind=Measurement.Kind.FOLLOW_UP)
    asked = [v.item.key for page in pages_of(follow_up.questionnaire) for v in page]
    assert asked[-1] == "followup.expectation" and len(asked) > 3

    # HR opens it and sends the invitations; two people answer in the browser, the rest
    # through the survey's own service functions.
    hr.get_by_role("button", name="Åbn for besvarelser nu").click()
    hr.get_by_role("button", name="Ja, åbn for besvarelser").click()
    mail.outbox.clear()
    hr.get_by_role("button", name="Send invitationer til dem, der ikke er inviteret endnu").click()
    hr.get_by_role("button", name="Ja, send invitationerne").click()
    hr.get_by_text("Færdig").first.wait_for()
    links = [m for message in mail.outbox
             if (m := re.search(r"https?://\S+?(/s/[\w-]+/)", str(message.body)))]  # fmt: skip
    assert len(links) >= 2
    for number, link in enumerate(links[:2]):
        answer_in_browser(browser, base + link.group(1), f"follow-up-survey-{number}")
    answered = set(
        follow_up.participants.filter(invitation__responded=True).values_list(
            "employee_id", flat=True
        )
    )
    plan = DemoPlan("", follow_up.questionnaire, timezone.now(), 14, (0.7, 0.95), 6, close=True)
    collect(follow_up, plan, unit_levels(1), random.Random(3), answered | keep)
    hr.get_by_role("button", name="Luk nu").click()
    hr.get_by_role("button", name="Ja, luk nu").click()
    hr.get_by_role("button", name="Frigiv resultater nu").click()
    hr.get_by_role("button", name="Ja, frigiv resultaterne").click()
    hr.wait_for_load_state()
    follow_up.refresh_from_db()
    assert follow_up.state == Measurement.State.RELEASED

    # Each leader reads their unit's follow-up report: the baseline comparison, and the
    # actions agreed after the baseline at its head.
    for username, unit, shot in (("omraadechef", chief.unit, "follow-up-report-area"),
                                 ("leder", leader.unit, "follow-up-report-unit")):  # fmt: skip
        reader = new_page()
        log_in(reader, base, username, PASSWORD)
        reader.goto(f"{base}/reports/{follow_up.pk}/units/{unit.code}/")
        reader.get_by_role("heading", name=f"Sammenlignet med udgangspunktet: {baseline.name}")\
            .wait_for()  # fmt: skip
        reader.get_by_role("heading", name="Siden sidst").wait_for()
        table = reader.locator("table.baseline")
        assert table.get_by_text("Anerkendelse").count() >= 1
        words = table.locator("tbody td:last-child").all_inner_texts()
        assert words and all(
            w.strip().lstrip("▲▼ ") in ("Bedre", "Dårligere", "Ingen sikker ændring",
                                         "Kan ikke sammenlignes") for w in words
        )  # fmt: skip
        if username == "leder":
            assert reader.get_by_text("Fælles morgenmøde hver mandag").count() == 1
            assert reader.get_by_role("cell", name="I gang").count() == 1
        screenshot(reader, shot)
        assert axe_violations(reader) == []

    # The leader's pulse: HR's template; refused for a team of three, started for their unit.
    template = PulseTemplate.objects.create(name="Puls: anerkendelse", days_open=7)
    versions = [v for page in pages_of(questionnaire) for v in page]
    template.items.set([v for v in versions if v.dimension
                        and v.dimension.key in ("recognition", "influence")][:4])  # fmt: skip
    team = Unit.objects.create(
        code="NAT-3", name="Nattevagten", kind="team", parent=leader.unit,
        depth=leader.unit.depth + 1, valid_from=date(2026, 1, 1),
    )  # fmt: skip
    team.path = f"{leader.unit.path}{team.pk:08d}/"
    team.save()
    for number in range(3):
        Employee.objects.create(number=f"N{number}", name=f"Nattevagt {number}", unit=team)
    page = new_page()
    log_in(page, base, "leder", PASSWORD)
    page.get_by_role("link", name="Start en pulsmåling for din enhed").click()
    page.get_by_label("Skabelon").select_option(label="Puls: anerkendelse")
    page.get_by_label("Enhed", exact=True).select_option(value="NAT-3")
    page.get_by_role("button", name="Start pulsmålingen").click()
    page.get_by_text("færre end 5").wait_for()
    screenshot(page, "pulse-refused")
    assert axe_violations(page) == []
    assert not Measurement.objects.filter(kind=Measurement.Kind.PULSE).exists()
    page.get_by_label("Enhed", exact=True).select_option(value=leader.unit.code)
    page.get_by_role("button", name="Start pulsmålingen").click()
    page.get_by_text("Pulsmålingen er startet").wait_for()
    pulse = Measurement.objects.get(kind=Measurement.Kind.PULSE)
    lifecycle.open_measurement(pulse)  # the clock's next round
    plan = DemoPlan("", pulse.questionnaire, timezone.now(), 7, (0.8, 0.95), 8, close=True)
    assert collect(pulse, plan, unit_levels(1), random.Random(5), keep) >= 5
    lifecycle.close_measurement(pulse)  # the clock, at the close: the report goes out at once
    lifecycle.release_results(pulse)
    told = [m for m in mail.outbox if f"/reports/{pulse.pk}/units/" in str(m.body)]
    assert leader.email in {address for message in told for address in message.to}  # and TRIO
    page.goto(f"{base}/reports/{pulse.pk}/units/{leader.unit.code}/")
    page.get_by_role("heading", name=re.compile("Resultater for")).wait_for()
    page.get_by_role("heading", name="Over tid").wait_for()  # main, follow-up and pulse
    screenshot(page, "pulse-report")
    assert axe_violations(page) == []
    assert isinstance(pulse.opens_at, datetime)
