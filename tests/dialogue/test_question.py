""" "Har handlingen gjort en forskel?": 30 days after an action is done, the unit's leader can
ask the unit that one question — a one-question pulse measurement through the same machinery
(invitations, close, sealing) and the same anonymity rules (a unit too small to be shown
cannot be asked)."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.dialogue.test_dialogue import add
from trivsel.cycle.lifecycle import advance_by_clock
from trivsel.dialogue import question, services
from trivsel.dialogue.models import Action
from trivsel.instruments.builder import pages_of
from trivsel.measurements.models import Measurement, ScopeUnit
from trivsel.organisation.models import Unit
from trivsel.survey.models import Invitation

pytestmark = pytest.mark.django_db


def done(measurement: Measurement, unit: Unit, days_ago: int) -> Action:
    action = add(services.dialogue_for(measurement, unit), status=Action.Status.DONE,
                 evaluation="Det virkede.")  # fmt: skip
    Action.objects.filter(pk=action.pk).update(
        done_on=timezone.localdate() - timedelta(days=days_ago)
    )
    action.refresh_from_db()
    return action


def test_the_leader_asks_the_unit_30_days_after(
    released: Measurement, org: dict[str, Unit], clients: dict[str, Client]
) -> None:
    action = done(released, org["SO"], 30)
    action.unit = org["SO"]
    ask = reverse("dialogue:ask", args=[action.pk])
    assert clients["hr"].post(ask).status_code == 403  # HR sees; the unit's own leader asks
    measurement = question.ask(action, None)
    assert measurement.kind == Measurement.Kind.PULSE and action.question == measurement
    assert [s.unit.code for s in ScopeUnit.objects.filter(measurement=measurement)] == ["SO"]
    items = [v.item.key for page in pages_of(measurement.questionnaire) for v in page]
    assert items == ["followup.action_difference"]
    with pytest.raises(services.Refused, match="already been asked"):
        question.ask(action, None)
    # The clock opens it and invites the unit's people, as any measurement.
    advance_by_clock(timezone.now() + timedelta(minutes=1))
    measurement.refresh_from_db()
    assert measurement.state == Measurement.State.OPEN
    assert Invitation.objects.filter(measurement=measurement).count() >= 5
    assert "Asked the unit whether" in action.changes.first().what  # type: ignore[union-attr]


def test_too_early_not_done_or_too_few_people_are_refused(
    released: Measurement, org: dict[str, Unit], clients: dict[str, Client]
) -> None:
    early = done(released, org["SO"], 29)
    first = timezone.localdate() + timedelta(days=1)
    with pytest.raises(services.Refused, match="30 days after the action was done"):
        question.ask(early, None)
    assert question.askable_from(early) == first
    going = add(services.dialogue_for(released, org["SO"]), title="I gang")
    with pytest.raises(services.Refused, match="when the action is done"):
        question.ask(going, None)
    small = done(released, org["U3"], 40)  # U3: fewer people than may be shown
    with pytest.raises(services.Refused, match="fewer than 5 people"):
        question.ask(small, None)
    assert not Measurement.objects.filter(kind=Measurement.Kind.PULSE).exists()


def test_the_leader_asks_from_the_action_s_page(
    released: Measurement, org: dict[str, Unit], clients: dict[str, Client]
) -> None:
    """Område Nord's leader (7 people) asks; Lokalcenter Egebakken's (4 with its team) is
    told why not."""
    action = done(released, org["SO-N"], 31)
    page = clients["area_chief"].get(reverse("dialogue:action", args=[action.pk]))
    assert "Ask the unit" in page.content.decode()
    asked = clients["area_chief"].post(reverse("dialogue:ask", args=[action.pk]), follow=True)
    assert "the answers are shown when it closes" in asked.content.decode()
    action.refresh_from_db()
    assert action.question is not None
    small = done(released, org["U1"], 31)
    refused = clients["unit_leader"].post(reverse("dialogue:ask", args=[small.pk]), follow=True)
    assert "fewer than 5 people" in refused.content.decode()
    small.refresh_from_db()
    assert small.question is None


def test_too_few_left_after_the_fatigue_cap_is_refused_and_says_so(
    released: Measurement, org: dict[str, Unit], questionnaire: Any
) -> None:
    from tests.cycle.test_fatigue import opened

    now = timezone.now()
    for kind in (Measurement.Kind.MAIN, Measurement.Kind.PULSE):
        opened(org["SO"], questionnaire, now - timedelta(days=3), kind)
    action = done(released, org["SO"], 31)
    with pytest.raises(services.Refused, match="have already been asked 2 times in the last 30"):
        question.ask(action, None)
