"""The landing page: each person's units with what is going on in them."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.results.test_build import answer_all
from trivsel.cycle.lifecycle import (
    close_measurement,
    open_measurement,
    release_results,
    start_validation,
)
from trivsel.measurements.models import Measurement

pytestmark = pytest.mark.django_db


def test_people_without_units_are_told_so(clients: dict[str, Client]) -> None:
    from django.contrib.auth.models import User

    nobody = Client()
    nobody.force_login(User.objects.create_user("no-employee", password="pw"))
    page = nobody.get(reverse("home")).content.decode()
    assert "You are not responsible for any unit." in page
    # An employee without a role finds their own unit instead (tests/reports/test_own.py).
    page = clients["outsider"].get(reverse("home")).content.decode()
    assert "You are not responsible for any unit." not in page
    assert "Your unit's results" in page
    assert clients["anonymous"].get(reverse("home")).status_code == 302


def test_leader_follows_a_measurement_from_plan_to_report(
    measurement: Measurement, clients: dict[str, Client], django_capture_on_commit_callbacks: Any
) -> None:
    leader = clients["unit_leader"]
    page = leader.get(reverse("home")).content.decode()
    assert "Lokalcenter Egebakken" in page  # U1, the leader's unit
    assert "Nothing is going on in this unit right now." in page  # a draft is HR's own
    start_validation(measurement)
    page = leader.get(reverse("home")).content.decode()
    assert "Check the list of employees for Trivselsmåling 2026" in page
    assert "Validation of the lists starts" in page  # the next date in the timeline
    open_measurement(measurement)
    answer_all(measurement, [4, 3, 2, 4, 1, 0, 3, 3])
    page = leader.get(reverse("home")).content.decode()
    # U1 and its team are 4 people: fewer than 5, so their rate is not shown.
    assert "4 people are invited in this unit and below. How many have answered" in page
    assert "4 of 4" not in page
    with django_capture_on_commit_callbacks(execute=True):
        close_measurement(measurement)
    assert "Report: Trivselsmåling 2026" not in leader.get(reverse("home")).content.decode()
    assert "Report: Trivselsmåling 2026" in clients["hr"].get(reverse("home")).content.decode()
    release_results(measurement)
    page = leader.get(reverse("home")).content.decode()
    assert reverse("reports:unit", args=[measurement.pk, "U1"]) in page
    assert reverse("reports:unit", args=[measurement.pk, "U1-T1"]) in page  # the team below
    # The area chief's dashboard links their area's report, not the whole department's.
    chief = clients["area_chief"].get(reverse("home")).content.decode()
    assert reverse("reports:unit", args=[measurement.pk, "SO-N"]) in chief
    assert reverse("reports:unit", args=[measurement.pk, "SO"]) not in chief
