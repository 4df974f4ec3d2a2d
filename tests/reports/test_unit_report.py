"""The unit report: one access check (personas), shown only after release (HR from the
close), read from stored results only, says plainly what is hidden, and its number of
queries does not grow with the organisation."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.results.test_build import answer_all
from trivsel.measurements.lifecycle import close_measurement, open_measurement, release_results
from trivsel.measurements.models import Measurement
from trivsel.results.models import Result

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(measurement: Measurement, django_capture_on_commit_callbacks: Any) -> Measurement:
    open_measurement(measurement)  # Sundhed og Omsorg: 8 people
    answer_all(measurement, [4, 3, 2, 4, 1, 0, 3, 3])
    with django_capture_on_commit_callbacks(execute=True):
        close_measurement(measurement)
    measurement.refresh_from_db()
    return measurement


def url(measurement: Measurement, code: str) -> str:
    return reverse("reports:unit", args=[measurement.pk, code])


def test_hr_sees_a_closed_measurement_others_only_once_released(
    closed: Measurement, clients: dict[str, Client]
) -> None:
    assert clients["hr"].get(url(closed, "SO")).status_code == 200
    assert clients["area_chief"].get(url(closed, "SO-N")).status_code == 404
    release_results(closed)
    assert clients["area_chief"].get(url(closed, "SO-N")).status_code == 200


@pytest.mark.parametrize(
    ("persona", "code", "status"),
    [
        ("hr", "SO", 200), ("hr", "U3", 200),
        ("area_chief", "SO-N", 200), ("area_chief", "U1", 200), ("area_chief", "SO", 404),
        ("area_chief", "SO-S", 404),
        ("unit_leader", "U1", 200), ("unit_leader", "U2", 404), ("unit_leader", "SO-N", 404),
        ("trio", "U1", 200), ("trio", "U1-T1", 404),
        ("outsider", "U1", 404), ("anonymous", "U1", 302),
    ],
)  # fmt: skip
def test_every_persona_sees_only_their_units(
    closed: Measurement, clients: dict[str, Client], persona: str, code: str, status: int
) -> None:
    release_results(closed)
    assert clients[persona].get(url(closed, code)).status_code == status


def test_the_report_shows_what_may_be_shown_and_says_what_is_hidden(
    closed: Measurement, clients: dict[str, Client]
) -> None:
    release_results(closed)
    page = clients["hr"].get(url(closed, "SO")).content.decode()
    shown = Result.objects.get(measurement=closed, unit__code="SO", scope="subtree", group="",
                               kind="dimension", metric="sc_short")  # fmt: skip
    assert "Results for Sundhed og Omsorg" in page
    assert ">8<" in page  # answered
    assert shown.score is not None
    assert f">{shown.score:.0f}<" in page
    assert "Social capital, short form" in page or "sc_short" in page
    # Område Nord (7) and Syd (1) are hidden: the sub-unit table says so.
    assert page.count("Not shown: fewer than 5 answers") == 2
    # A leader's unit whose figures are hidden gets a plain explanation, no numbers.
    unit = clients["unit_leader"].get(url(closed, "U1")).content.decode()
    assert "Results cannot be shown for this unit: fewer than 5 answered" in unit
    assert "Every question" not in unit


def test_the_report_reads_stored_results_in_a_fixed_number_of_queries(
    closed: Measurement, clients: dict[str, Client]
) -> None:
    release_results(closed)
    client = clients["hr"]
    client.get(url(closed, "SO"))  # warm the questionnaire cache
    with CaptureQueriesContext(connection) as small:
        client.get(url(closed, "SO"))
    with CaptureQueriesContext(connection) as large:
        client.get(url(closed, "K"))  # more units below, more rows
    assert len(large) == len(small)
    assert not any("survey_answer" in query["sql"] for query in small.captured_queries)
