from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from trivsel.measurements.lifecycle import open_measurement
from trivsel.measurements.models import Measurement
from trivsel.survey.answering import submit
from trivsel.survey.models import Invitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(measurement: Measurement) -> Measurement:
    open_measurement(measurement)
    # Two of U1's three people and Sara in U3 submit.
    for number in ("1003", "1004", "1009"):
        submit(Invitation.objects.get(participant__employee__number=number), 0)
    return measurement


def rows(client: Client, measurement: Measurement) -> dict[str, list[str]]:
    import re

    html = client.get(reverse("measurements:rates", args=[measurement.pk])).content.decode()
    result = {}
    for row in re.findall(r"<tr><th scope=\"row\">.*?</tr>", html, re.S):
        code = re.search(r'class="meta">([^<]+)<', row).group(1)  # type: ignore[union-attr]
        result[code] = re.findall(r'class="num">([^<]*)<', row)
    return result


def test_hr_sees_every_unit_leader_their_subtree(
    clients: dict[str, Client], answered: Measurement
) -> None:
    hr = rows(clients["hr"], answered)
    assert hr["SO"] == ["0", "0", "–", "8", "3", "38 %"]
    assert hr["U1"] == ["3", "2", "67 %", "4", "2", "50 %"]
    leader = rows(clients["unit_leader"], answered)
    assert set(leader) == {"U1", "U1-T1"}
    chief = rows(clients["area_chief"], answered)
    assert set(chief) == {"SO-N", "U1", "U1-T1", "U2"} and chief["SO-N"][3:] == ["7", "2", "29 %"]


@pytest.mark.parametrize("persona", ["outsider"])
def test_someone_with_no_unit_in_the_population_gets_404(
    clients: dict[str, Client], answered: Measurement, persona: str
) -> None:
    assert (
        clients[persona].get(reverse("measurements:rates", args=[answered.pk])).status_code == 404
    )


def test_rates_page_never_shows_who_answered(
    clients: dict[str, Client], answered: Measurement
) -> None:
    html = clients["hr"].get(reverse("measurements:rates", args=[answered.pk])).content.decode()
    assert "Lise" not in html and "Anna" not in html and "1003" not in html


def test_unit_page_shows_the_rate_so_far(clients: dict[str, Client], answered: Measurement) -> None:
    html = clients["unit_leader"].get(reverse("organisation:unit", args=["U1"])).content.decode()
    assert "2 of 4 have answered (50 %)" in html


def test_rates_query_count_does_not_grow_with_units(
    clients: dict[str, Client], answered: Measurement, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(10):
        clients["hr"].get(reverse("measurements:rates", args=[answered.pk]))
