from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from trivsel.cycle.lifecycle import open_measurement
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


def rows(client: Client, measurement: Measurement, **query: Any) -> dict[str, list[str]]:
    import re

    url = reverse("measurements:rates", args=[measurement.pk])
    html = client.get(url, {"levels": 12} | query).content.decode()
    result = {}
    for row in re.findall(r"<tr[^>]*><th scope=\"row\"[^>]*>.*?</tr>", html, re.S):
        code = re.search(r'class="meta">([^<]+)<', row)
        if code is not None:  # a unit's row (not a day's)
            result[code.group(1)] = re.findall(r'class="num">([^<]*)<', row)
    return result


def test_hr_sees_every_unit_leader_their_subtree(
    clients: dict[str, Client], answered: Measurement
) -> None:
    # Three have answered (two in U1, one in U3): fewer than 5 anywhere, so no count of
    # those who answered is shown, not even for Sundhed og Omsorg; who was invited is.
    hr = rows(clients["hr"], answered)
    assert set(hr) == {"K", "SO", "SO-N", "SO-S", "U1", "U1-T1", "U2", "U3"}
    assert hr["SO"] == ["0", "–", "–", "8", "–", "–"]
    assert hr["U1"] == ["3", "–", "–", "4", "–", "–"]
    assert all(row[1:3] == row[4:6] == ["–", "–"] for row in hr.values())
    leader = rows(clients["unit_leader"], answered)
    assert set(leader) == {"U1", "U1-T1"}
    chief = rows(clients["area_chief"], answered)
    assert set(chief) == {"SO-N", "U1", "U1-T1", "U2"} and chief["SO-N"][3:] == ["7", "–", "–"]


def test_rates_follow_the_anonymity_rules(
    clients: dict[str, Client], settings: Any, answered: Measurement
) -> None:
    """The results' rule on the answered counts. With k = 3: Sundhed og Omsorg (3 answered)
    and the municipality above it (the same 3) are shown; U1's "2 of 4" and U3's "1 of 1"
    are not, nor is Område Nord (2)."""
    settings.RESULTS_MIN_GROUP = 3
    hr = rows(clients["hr"], answered)
    assert hr["SO"] == ["0", "–", "–", "8", "3", "38 %"]  # not its own: it has units below
    assert all(hr[code][4] == "–" for code in ("SO-N", "SO-S", "U1", "U1-T1", "U2", "U3"))
    # Everyone in U1 and its team answers: U1 4, Område Nord the same 4, SO 5: beside
    # Nord, SO would give Syd's one (Sara) away. Nord holds exactly U1's people, so hiding
    # it resolves nothing: SO is not shown, nor the municipality (the same 5).
    for number in ("1005", "1006"):
        submit(Invitation.objects.get(participant__employee__number=number), 0)
    hr = rows(clients["hr"], answered)
    assert hr["U1"] == ["3", "–", "–", "4", "4", "100 %"]  # not its own: it has a team
    assert hr["SO-N"][3:] == ["7", "4", "57 %"]
    assert hr["SO"][3:] == hr["K"][3:] == ["8", "–", "–"]


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
    assert "4 people are invited in this unit and below. How many have answered" in html
    assert "2 of 4" not in html
    html = clients["hr"].get(reverse("organisation:unit", args=["SO"])).content.decode()
    assert "8 people are invited in this unit and below. How many" in html  # 3 answered


def test_rates_query_count_does_not_grow_with_units(
    clients: dict[str, Client], answered: Measurement, django_assert_max_num_queries: Any
) -> None:
    # with the answers per day and the curve (3), and the authenticator that confirmed HR's
    # sign-in (1, django-otp's middleware), and whether the person has left (1)
    with django_assert_max_num_queries(16):
        clients["hr"].get(reverse("measurements:rates", args=[answered.pk]))


def test_a_unit_opens_and_closes_by_its_link_and_the_address_keeps_the_rest(
    clients: dict[str, Client], answered: Measurement
) -> None:
    import re

    url = reverse("measurements:rates", args=[answered.pk])
    assert list(rows(clients["hr"], answered, levels=3)) == ["K", "SO", "SO-N", "SO-S"]
    # SO-N opened: its units appear under it, and nowhere else does the tree grow.
    opened = list(rows(clients["hr"], answered, levels=3, open="SO-N"))
    assert opened[:3] == ["K", "SO", "SO-N"] and opened[-1] == "SO-S"
    assert {"U1", "U2"} <= set(opened[3:-1])
    # SO closed: everything below it goes, though three levels are chosen.
    assert list(rows(clients["hr"], answered, levels=3, closed="SO")) == ["K", "SO"]
    # The links: SO-N's opens it, keeping the sort chosen; SO's closes it.
    html = clients["hr"].get(url, {"levels": "3", "sort": "name"}).content.decode()
    links = dict(re.findall(r'<tr id="unit-([^"]+)"><th[^>]*><a href="([^"]+)"', html))
    assert set(links) == {"K", "SO", "SO-N", "SO-S"}  # the units with units below
    assert "open=SO-N" in links["SO-N"] and "sort=name" in links["SO-N"]
    assert "closed=SO" in links["SO"].replace("&amp;", "&")
    again = clients["hr"].get(url + links["SO-N"].replace("&amp;", "&").split("#")[0])
    assert 'id="unit-U1"' in again.content.decode()


def test_the_rates_are_a_tree_by_levels_sorted_within_parents_and_export_as_shown(
    clients: dict[str, Client], settings: Any, answered: Measurement
) -> None:
    import io

    from openpyxl import load_workbook

    settings.RESULTS_MIN_GROUP = 3
    top = rows(clients["hr"], answered, levels=3)
    assert list(top) == ["K", "SO", "SO-N", "SO-S"]  # three levels, each under its parent
    assert "U1" not in top  # four levels down: not until asked for
    everything = list(rows(clients["hr"], answered))
    assert everything.index("U1") > everything.index("SO-N") > everything.index("SO")
    # Sorted by rate within each parent: a withheld rate never moves up (its place would
    # hint at it); here every rate below SO is withheld, so the organisation's order stays.
    by_rate = list(rows(clients["hr"], answered, sort="rate"))
    assert by_rate[:2] == ["K", "SO"] and set(by_rate) == set(everything)
    settings.RESULTS_MIN_GROUP = 1  # rates shown: U2 (1 of 2) before U1 (3 of 4)
    for number in ("1006", "1008"):
        submit(Invitation.objects.get(participant__employee__number=number), 0)
    assert everything.index("U1") < everything.index("U2")
    shown = rows(clients["hr"], answered, sort="rate")
    by_rate = list(shown)
    assert shown["U2"][3:] == ["2", "1", "50 %"] and shown["U1"][3:] == ["4", "3", "75 %"]
    assert by_rate.index("U2") < by_rate.index("U1")
    assert by_rate.index("U1-T1") == by_rate.index("U1") + 1  # children stay under parents
    settings.RESULTS_MIN_GROUP = 3
    url = reverse("measurements:rates", args=[answered.pk])
    download = clients["hr"].get(url, {"levels": "3", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(download.content)).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["Level", "Unit", "Code"]
    assert [row[2] for row in values[1:]] == list(top)  # exactly the rows shown
    so: list[Any] = next(row for row in values if row[2] == "SO")
    assert so[6:] == [8, 5, 63]  # the numbers, as numbers, rounded as the page (62.5 -> 63)
    assert all(row[7] is None for row in values[1:] if row[2] in ("SO-N", "SO-S"))


def test_hr_sees_the_response_curve_against_the_measurement_before(
    clients: dict[str, Client], answered: Measurement
) -> None:
    url = reverse("measurements:rates", args=[answered.pk])
    html = clients["hr"].get(url).content.decode()
    assert '<svg class="chart"' in html
    assert f"{answered.name}: 38 % after 0 days" in html  # 3 of 8, on the opening day
    assert '<svg class="chart"' not in clients["unit_leader"].get(url).content.decode()
