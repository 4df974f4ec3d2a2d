"""HR makes a pulse template and a leader starts a pulse for their area from it, in Danish in
a real browser; axe-core finds no WCAG 2.1 A/AA violations on either page."""

from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.e2e.conftest import axe_violations, log_in, screenshot
from trivsel.instruments.bank import load_bundled
from trivsel.measurements.models import Measurement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hr_makes_a_template_and_a_leader_starts_a_pulse(
    users: dict[str, User], live_server: Any, new_page: Any
) -> None:
    load_bundled()
    hr = new_page()
    log_in(hr, live_server.url, "hr", "pw")
    hr.goto(f"{live_server.url}/measurements/pulses/templates/")
    hr.get_by_role("heading", name="Skabeloner til pulsmålinger").wait_for()
    hr.get_by_label("Navn").fill("Social kapital-puls")
    boxes = hr.locator("input[name=items]")
    for index in range(4):
        boxes.nth(index).check()
    assert axe_violations(hr) == []
    hr.get_by_role("button", name="Gem skabelonen").click()
    hr.get_by_text("Skabelonen er gemt.").wait_for()

    chief = new_page()
    log_in(chief, live_server.url, "area_chief", "pw")
    chief.get_by_role("link", name="Start en pulsmåling for din enhed").click()
    chief.get_by_label("Enhed").select_option(value="SO-N")
    chief.get_by_role("button", name="Hvor mange ville blive spurgt?").click()
    chief.get_by_text("Alle 7 personer ville blive spurgt.").wait_for()
    screenshot(chief, "pulse-start")
    assert axe_violations(chief) == []
    chief.get_by_role("button", name="Start pulsmålingen").click()
    chief.get_by_text("Pulsmålingen er startet").wait_for()
    assert Measurement.objects.filter(kind=Measurement.Kind.PULSE).count() == 1
