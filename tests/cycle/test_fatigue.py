"""Survey fatigue with a fixed clock: a pulse does not invite a person already asked the cap's
number of times (by any kind of measurement) within its days; HR sets the cap on its page
(audited); the leader's one-question pulse says when too few would remain."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from trivsel.core.models import AuditEntry
from trivsel.cycle.lifecycle import create_measurement, open_measurement
from trivsel.instruments.models import Questionnaire
from trivsel.measurements.fatigue import at_cap, excluded
from trivsel.measurements.models import FatigueCap, Measurement, Participant
from trivsel.organisation.models import Employee, Unit

pytestmark = pytest.mark.django_db
CPH = ZoneInfo("Europe/Copenhagen")


def opened(unit: Unit, questionnaire: Questionnaire, at: datetime, kind: str) -> Measurement:
    measurement = create_measurement(
        units=[unit], name=f"{kind} {at:%d.%m}", kind=kind, questionnaire=questionnaire,
        validation_starts=at, opens_at=at, closes_at=at + timedelta(days=7),
        results_release_at=at + timedelta(days=7),
    )  # fmt: skip
    open_measurement(measurement)
    return measurement


def test_at_cap_is_the_rule() -> None:
    assert at_cap({1: 2, 2: 1, 3: 3}, 2) == {1, 3}
    assert at_cap({}, 2) == set()


def test_a_pulse_leaves_out_those_asked_twice_in_30_days(
    org: dict[str, Unit], questionnaire: Questionnaire, monkeypatch: Any
) -> None:
    """U2's two people (Sune, Bo) were in a main measurement of the whole area 20 days ago
    and in a pulse of U2 10 days ago: a new pulse of Område Nord invites the others only.
    40 days on, the first has left the window and they are invited again."""
    from django.utils import timezone

    start = datetime(2026, 3, 1, 9, tzinfo=CPH)
    clock = {"now": start}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    opened(org["SO-N"], questionnaire, start, Measurement.Kind.MAIN)
    clock["now"] = start + timedelta(days=10)
    opened(org["U2"], questionnaire, clock["now"], Measurement.Kind.PULSE)
    clock["now"] = start + timedelta(days=20)
    pulse = opened(org["SO-N"], questionnaire, clock["now"], Measurement.Kind.PULSE)
    asked = set(Participant.objects.filter(measurement=pulse).values_list(
        "employee__number", flat=True))  # fmt: skip
    assert asked == {"1002", "1003", "1004", "1005", "1006"}  # not 1007 and 1008 (U2)
    # A main measurement is HR's: it invites everyone, whatever the cap.
    main = opened(org["SO-N"], questionnaire, clock["now"], Measurement.Kind.MAIN)
    assert Participant.objects.filter(measurement=main).count() == 7
    clock["now"] = start + timedelta(days=45)
    sune = Employee.objects.get(number="1007").pk
    assert sune not in excluded([sune], clock["now"])  # only the pulse of day 10 is left


def test_hr_sets_the_cap_and_it_is_audited(clients: dict[str, Client]) -> None:
    url = reverse("measurements:fatigue")
    page = clients["hr"].get(url)
    assert page.status_code == 200 and 'value="2"' in page.content.decode()
    bad = clients["hr"].post(url, {"most": "0", "days": "400"})
    assert bad.status_code == 400 and "Choose 1 to 20 surveys." in bad.content.decode()
    assert clients["hr"].post(url, {"most": "3", "days": "60"}).status_code == 302
    cap = FatigueCap.current()
    assert (cap.most, cap.days) == (3, 60)
    entry = AuditEntry.objects.get(action="settings changed", target="survey fatigue cap")
    assert entry.detail == "2/30 → 3/60"
    for persona in ("unit_leader", "area_chief", "trio", "outsider"):
        assert clients[persona].get(url).status_code == 403, persona


def test_hr_sees_every_follow_up_and_pulse_with_who_where_and_the_rate(
    org: dict[str, Unit], questionnaire: Questionnaire, clients: dict[str, Client],
    users: dict[str, Any],
) -> None:  # fmt: skip
    from django.utils import timezone

    pulse = opened(org["SO-N"], questionnaire, timezone.now(), Measurement.Kind.PULSE)
    Measurement.objects.filter(pk=pulse.pk).update(created_by=users["area_chief"])
    opened(org["SO"], questionnaire, timezone.now(), Measurement.Kind.MAIN)
    page = clients["hr"].get(reverse("measurements:pulses"))
    html = page.content.decode()
    assert page.status_code == 200 and pulse.name in html and "area_chief" in html
    assert "Område Nord" in html and "main " not in html.split("<tbody>")[1]
    assert "– (7)" in html  # 7 invited; how many answered is withheld below 5 answers
    for persona in ("unit_leader", "area_chief", "trio", "outsider"):
        assert clients[persona].get(reverse("measurements:pulses")).status_code == 403


def test_when_a_person_may_be_asked_again() -> None:
    from trivsel.measurements.fatigue import free_from

    day = datetime(2026, 3, 1, 9, tzinfo=CPH)
    # asked on day 0 and day 15 with a cap of 2 in 30: free when day 0 leaves the window
    assert free_from([day + timedelta(days=15), day], 2, 30) == day + timedelta(days=30)
    # three times: free when two of them have left it
    three = [day, day + timedelta(days=5), day + timedelta(days=15)]
    assert free_from(three, 2, 30) == day + timedelta(days=35)
    assert free_from([day], 2, 30) == day  # under the cap already


def test_a_leader_refused_by_the_cap_is_told_from_when(
    org: dict[str, Unit], questionnaire: Questionnaire, monkeypatch: Any
) -> None:
    """Område Nord's 7 were asked on day 0 and day 10: with 2 in 30 days a pulse is possible
    from day 30, when day 0 leaves the window."""
    from django.utils import timezone
    from django.utils.formats import date_format

    from trivsel.cycle.pulses import preview, refusal

    start = datetime(2026, 3, 1, 9, tzinfo=CPH)
    clock = {"now": start}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    opened(org["SO-N"], questionnaire, start, Measurement.Kind.MAIN)
    clock["now"] = start + timedelta(days=10)
    opened(org["SO-N"], questionnaire, clock["now"], Measurement.Kind.MAIN)
    clock["now"] = start + timedelta(days=12)
    seen = preview(org["SO-N"], clock["now"])
    assert seen.asked == 0 and not seen.possible
    why = refusal(seen, org["SO-N"])
    assert "0 of 7 people in Område Nord would be asked" in why
    assert f"A pulse can be started from {date_format((start + timedelta(days=30)).date())}." in why
