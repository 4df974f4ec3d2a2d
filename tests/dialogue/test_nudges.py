"""The reminders with a fixed clock: exactly the mails the rules list, to the unit's leader,
never two in a week; nothing once the action is done."""

import itertools
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from tests.dialogue.test_dialogue import add
from trivsel.dialogue import services
from trivsel.dialogue.models import Action
from trivsel.dialogue.nudges import send_nudges
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")


def test_the_reminders_of_spring(
    released: Measurement,
    org: dict[str, Unit],
    settings: Any,
) -> None:
    settings.LANGUAGE_CODE = "en"
    released.results_release_at = datetime(2026, 3, 2, 10, tzinfo=CPH)
    released.dialogue_deadline = None  # the window: 28 days, to 30 March
    released.save()
    dialogue = services.dialogue_for(released, org["U1"])
    action = add(dialogue, title="Fast prioritering", due=date(2026, 4, 10),
                 status=Action.Status.IN_PROGRESS)  # fmt: skip
    dialogue.read_at = None
    dialogue.save()
    sent: list[tuple[date, list[str]]] = []
    bodies: list[str] = []
    day = date(2026, 3, 1)
    while day <= date(2026, 4, 30):
        if day == date(2026, 4, 26):
            owners = list(action.owners.all())
            services.update_action(
                action, None, owners, status=Action.Status.DONE, evaluation="Det virkede."
            )
        mail.outbox.clear()
        send_nudges(datetime(day.year, day.month, day.day, 7, tzinfo=CPH))
        for message in mail.outbox:
            if message.to == ["lise@testby.dk"]:
                sent.append((day, _kinds(str(message.body))))
                bodies.append(str(message.body))
        day += timedelta(days=1)
    assert sent == [
        (date(2026, 3, 5), ["read"]),
        (date(2026, 3, 16), ["plan"]),
        (date(2026, 3, 23), ["window"]),
        (date(2026, 4, 3), ["due"]),
        (date(2026, 4, 11), ["overdue"]),
        (date(2026, 4, 18), ["overdue"]),
        (date(2026, 4, 25), ["overdue"]),
    ]
    gaps = [(b[0] - a[0]).days for a, b in itertools.pairwise(sent)]
    assert min(gaps) >= 7  # never two in a week
    link = f"http://127.0.0.1:8000/dialogue/{released.pk}/U1/"
    assert bodies[0].startswith("Dear Lise Leder,") and link in bodies[0]


def _kinds(body: str) -> list[str]:
    found = []
    for kind, words in (("read", "is ready"), ("plan", "No dialogue meeting is planned"),
                        ("window", "should be held by"), ("due", "is due on"),
                        ("overdue", "was due on")):  # fmt: skip
        if words in body:
            found.append(kind)
    return found
