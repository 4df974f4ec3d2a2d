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
    hidden = ["–"] * 6
    hr = rows(clients["hr"], answered)
    # Sundhed og Omsorg: 8 invited. Its own rate is not shown (it has units below it).
    assert hr["SO"] == ["–", "–", "–", "8", "3", "38 %"]
    # Område Nord's 7 would give away Område Syd's 1 (8 - 7): not shown; the rest are
    # fewer than 5 (U1 with its team is 4: "2 of 4 answered" is not shown).
    assert all(hr[code] == hidden for code in ("SO-N", "SO-S", "U1", "U1-T1", "U2", "U3"))
    leader = rows(clients["unit_leader"], answered)
    assert set(leader) == {"U1", "U1-T1"}
    chief = rows(clients["area_chief"], answered)
    assert set(chief) == {"SO-N", "U1", "U1-T1", "U2"} and chief["SO-N"] == hidden


def test_rates_follow_the_anonymity_rules(settings: Any, answered: Measurement) -> None:
    """The rule on invited counts: at least k, and no shown rate minus others leaves a
    group of 1..k-1. With k = 3: U1 (4) and Nord (7) may be shown; SO (8) would leave Syd's
    1 beside Nord, so Nord (the smaller) is hidden; U2 (2) and the single people are not
    shown."""
    from trivsel.measurements.rates import unit_rates
    from trivsel.organisation.models import Unit

    settings.RESULTS_MIN_GROUP = 3
    found = {unit.code: (own, subtree) for unit, own, subtree in
             unit_rates(answered, Unit.objects.all())}  # fmt: skip
    shown = {code for code, (_own, subtree) in found.items() if subtree is not None}
    assert shown == {"K", "SO", "U1"}  # the municipality holds the same 8 as SO
    assert found["U1"][1] is not None and (found["U1"][1].invited, found["U1"][1].answered) == (
        4,
        2,
    )
    assert found["U1"][0] is None  # U1 has a team below it: its own rate is not shown


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
    assert "The response rate is not shown for this unit" in html and "2 of 4" not in html
    html = clients["hr"].get(reverse("organisation:unit", args=["SO"])).content.decode()
    assert "3 of 8 have answered (38 %)" in html


def test_rates_query_count_does_not_grow_with_units(
    clients: dict[str, Client], answered: Measurement, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(10):
        clients["hr"].get(reverse("measurements:rates", args=[answered.pk]))
