"""The overview (heatmap): each person sees the units they may see, hidden cells are marked
and carry no number, and the number of queries does not grow with units or dimensions."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit

pytestmark = pytest.mark.django_db


def unit_links(page: str, measurement: Measurement) -> set[str]:
    return {
        unit.code
        for unit in Unit.objects.all()
        if f'href="{reverse("reports:unit", args=[measurement.pk, unit.code])}"' in page
    }


def test_each_persona_sees_their_units_only(
    released: Measurement, clients: dict[str, Client]
) -> None:
    url = reverse("reports:overview", args=[released.pk]) + "?levels=8"
    hr = clients["hr"].get(url).content.decode()
    assert unit_links(hr, released) == {u.code for u in Unit.objects.all()}
    chief = clients["area_chief"].get(url).content.decode()
    assert unit_links(chief, released) == {"SO-N", "U1", "U1-T1", "U2"}
    leader = clients["unit_leader"].get(url).content.decode()
    assert unit_links(leader, released) == {"U1", "U1-T1"}
    assert clients["outsider"].get(url).status_code == 404
    assert clients["anonymous"].get(url).status_code == 302


def test_hidden_cells_are_marked_and_shown_ones_carry_the_score(
    released: Measurement, clients: dict[str, Client]
) -> None:
    page = clients["hr"].get(reverse("reports:overview", args=[released.pk])).content.decode()
    assert "Social capital, short form" in page or "sc_short" in page
    # SO (8 answers) has its score; Område Nord and Syd are hidden.
    assert ">10<" in page
    assert page.count('<span class="visually-hidden">Not shown, to protect a group') >= 1
    assert page.count('<span class="visually-hidden">Not shown: fewer than 5 answered') >= 1


def test_query_count_does_not_grow_with_units(
    released: Measurement, clients: dict[str, Client]
) -> None:
    url = reverse("reports:overview", args=[released.pk])
    clients["hr"].get(url)
    with CaptureQueriesContext(connection) as few:
        clients["hr"].get(url + "?levels=1")
    with CaptureQueriesContext(connection) as many:
        clients["hr"].get(url + "?levels=8")
    assert len(many) == len(few)
