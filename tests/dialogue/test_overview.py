"""The HR and MED overview: counts per department or area of the units the person sees (HR
everything, the area chief their area, a leader their unit), units past the deadline without
a meeting, leaders without a plan, actions by status and overdue; the Excel export; and a
number of queries that does not grow with the number of units, dialogues or actions."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.dialogue.test_dialogue import add
from trivsel.dialogue import services
from trivsel.dialogue.models import Action, Dialogue
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit

pytestmark = pytest.mark.django_db


def cells(html: str, name: str) -> str:
    row = html.split(f">{name}</th>", 1)[1].split("</tr>", 1)[0]
    return row.replace("<td>", " ").replace("</td>", "").strip()


def test_counts_per_area_in_each_person_s_scope(
    released: Measurement,
    clients: dict[str, Client],
    org: dict[str, Unit],
) -> None:
    released.dialogue_deadline = timezone.localdate() - timedelta(days=1)  # the window passed
    released.save()
    u1 = services.dialogue_for(released, org["U1"])
    services.hold_meeting(u1, None, timezone.localdate(), 6, True, True, "")
    add(u1, title="Gammel", due=date(2020, 1, 1), status=Action.Status.IN_PROGRESS)
    add(u1, title="Færdig", status=Action.Status.DONE, evaluation="Ja.")
    services.agree_plan(u1, None)
    url = reverse("dialogue:overview", args=[released.pk])
    html = clients["hr"].get(url).content.decode()
    # Område Nord (SO-N, U1, U1-T1, U2 have people): U1 agreed; the others not started, past.
    nord = cells(html, "Område Nord")
    units, *rest = nord.split()
    assert units == "4"
    states = [int(n) for n in rest[:6]]
    assert states == [3, 0, 0, 0, 1, 0]
    past, without_plan = int(rest[6]), int(rest[7])
    assert (past, without_plan) == (3, 3)
    actions, overdue = [int(n) for n in rest[8:13]], int(rest[13])
    assert actions == [0, 1, 0, 1, 0] and overdue == 1
    assert "Område Syd" in html
    chief = clients["area_chief"].get(url).content.decode()
    assert "Område Nord" in chief and "Område Syd" not in chief
    assert clients["outsider"].get(url).status_code == 403
    excel = clients["hr"].get(reverse("dialogue:overview_xlsx", args=[released.pk]))
    assert excel.status_code == 200 and excel["Content-Type"].startswith("application/vnd")


def test_the_overview_s_queries_do_not_grow(
    released: Measurement, clients: dict[str, Client], org: dict[str, Unit],
    django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    url = reverse("dialogue:overview", args=[released.pk])
    clients["hr"].get(url)
    with django_assert_max_num_queries(14) as few:
        clients["hr"].get(url)
    for code in ("U1", "U2", "U3"):
        dialogue = services.dialogue_for(released, org[code])
        for number in range(20):
            add(dialogue, title=f"Handling {number}")
    assert Dialogue.objects.count() == 3 and Action.objects.count() == 60
    with django_assert_max_num_queries(len(few.captured_queries)):
        clients["hr"].get(url)
