"""The incident register in Danish in a real browser: an employee registers a threat with
an injury and absence; the leader sees the EASY deadline and follows up; the AMR reads it;
a sibling unit's leader, a colleague in the same unit and an employee elsewhere get 404.
axe-core finds no WCAG 2.1 A/AA violations; screenshots go to test-artifacts/e2e/."""

import io
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from tests.e2e.conftest import axe_violations, log_in, screenshot
from trivsel.apv.models import Incident
from trivsel.organisation.models import Employee

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "trivsel-demo"


def login_for(employee: Employee, username: str) -> None:
    user = User.objects.create_user(username, password=PASSWORD)
    employee.user = user
    employee.save(update_fields=["user"])


def test_an_employee_registers_and_only_those_who_may_read_it(
    live_server: Any, new_page: Any
) -> None:
    call_command(
        "seed_demo", employees=300, password=PASSWORD, measurements=False, stdout=io.StringIO()
    )
    base = live_server.url
    leader = Employee.objects.get(user__username="leder")
    unit = leader.unit
    colleague = (
        Employee.objects.filter(unit=unit, is_leader=False, user=None, trio_roles__isnull=True)
        .order_by("number")
        .first()
    )
    assert colleague is not None
    login_for(colleague, "kollega")
    neighbour = (
        Employee.objects.filter(unit=unit, is_leader=False, user=None, trio_roles__isnull=True)
        .exclude(pk=colleague.pk)
        .order_by("number")
        .first()
    )
    assert neighbour is not None
    login_for(neighbour, "sidekammerat")  # a colleague in the same unit
    sibling = (
        Employee.objects.filter(unit__parent=unit.parent, is_leader=True, user=None)
        .exclude(unit=unit)
        .order_by("number")
        .first()
    )
    assert sibling is not None
    login_for(sibling, "naboleder")

    today = timezone.localdate()
    injured = today - timedelta(days=2)
    page = new_page()
    log_in(page, base, "kollega", PASSWORD)
    page.get_by_role("link", name="Hændelser").click()
    page.get_by_role("link", name="Registrér en hændelse").click()
    page.get_by_label("Dato for hændelsen").fill(injured.isoformat())
    page.get_by_label("Hvad skete der").select_option(value="threats")
    page.get_by_label("Fra hvem").select_option(value="citizen")
    page.get_by_label("Kort beskrivelse").fill("En pårørende truede mig i telefonen.")
    page.get_by_label("Fysisk eller psykisk skade").check()
    page.get_by_label("Første fraværsdag").fill((injured + timedelta(days=1)).isoformat())
    screenshot(page, "incident-register")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Registrér hændelsen").click()
    page.get_by_text("Hændelsen er registreret").wait_for()
    incident = Incident.objects.get()
    deadline = injured + timedelta(days=15)

    boss = new_page()
    log_in(boss, base, "leder", PASSWORD)
    boss.get_by_role("link", name="Hændelser").click()
    boss.get_by_text("Anmeld senest").first.wait_for()
    screenshot(boss, "incident-list-leader")
    assert axe_violations(boss) == []
    boss.get_by_role("link", name=injured.strftime("%d.%m.%Y")).click()
    boss.get_by_text("anmeld den i EASY senest").wait_for()
    assert deadline.strftime("%Y") in boss.content()
    boss.get_by_label("Hvad der er gjort").fill("Samtale med medarbejderen; nye regler for opkald.")
    boss.get_by_label("Arbejdsmiljøorganisationen er orienteret").check()
    screenshot(boss, "incident-leader")
    assert axe_violations(boss) == []
    boss.get_by_role("button", name="Gem opfølgningen").click()
    boss.get_by_text("Opfølgningen er gemt").wait_for()
    boss.goto(f"{base}/apv/incidents/statistics/")
    boss.get_by_role("heading", name="De seneste fire kvartaler", exact=False).wait_for()
    screenshot(boss, "incident-counts")
    assert axe_violations(boss) == []

    amr = new_page()
    log_in(amr, base, "amr", PASSWORD)
    amr.goto(f"{base}/apv/incidents/{incident.pk}/")
    amr.get_by_text("En pårørende truede mig i telefonen.").wait_for()
    assert axe_violations(amr) == []

    for username in ("naboleder", "sidekammerat", "medarbejder"):
        other = new_page()
        log_in(other, base, username, PASSWORD)
        response = other.goto(f"{base}/apv/incidents/{incident.pk}/")
        assert response is not None and response.status == 404, username
