"""The incident register: anyone in a unit registers an incident; the record is read by the
person who registered it, the unit's leader, its AMR and HR — a leader above, a sibling
unit's leader, a colleague and an outsider get 404; the leader follows up; an injury with
absence shows the EASY deadline until it is marked reported; counts per quarter are shown
only when they give no one away."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import signed_in
from trivsel.apv.models import Incident
from trivsel.apv.services import deadline
from trivsel.core.models import AuditEntry
from trivsel.organisation.models import Employee, Unit

pytestmark = pytest.mark.django_db


def login_for(number: str, username: str) -> Client:
    user = User.objects.create_user(username, password="pw")
    Employee.objects.filter(number=number).update(user=user)
    client: Client = signed_in(Client(), user)
    return client


@pytest.fixture
def more(clients: dict[str, Client]) -> dict[str, Client]:
    """Karl in U1, Tove in U1's team, Sune who leads U2 (a sibling of U1)."""
    return clients | {
        "colleague": login_for("1005", "kollega"),
        "team": login_for("1006", "tove"),
        "sibling_leader": login_for("1007", "naboleder"),
    }


def register(client: Client, **fields: Any) -> Any:
    today = timezone.localdate()
    data = {
        "unit": Unit.objects.get(code="U1").pk, "occurred_on": today - timedelta(days=2),
        "kind": "threats", "source": "citizen",
        "description": "En borger truede med at slå, da vi afviste at give mere medicin.",
    } | fields  # fmt: skip
    return client.post(reverse("apv:incident_new"), data)


def test_who_may_read_an_incident(more: dict[str, Client], org: dict[str, Unit]) -> None:
    today = timezone.localdate()
    injured = today - timedelta(days=3)
    done = register(more["colleague"], kind="violence", injury="on", occurred_on=injured,
                    first_absence=injured + timedelta(days=1))  # fmt: skip
    assert done.status_code == 302
    incident = Incident.objects.get()
    assert incident.unit == org["U1"] and incident.registered_by is not None
    assert incident.registered_by.username == "kollega"
    url = reverse("apv:incident", args=[incident.pk])
    for persona in ("colleague", "unit_leader", "trio", "hr"):
        page = more[persona].get(url)
        assert page.status_code == 200, persona
        assert "En borger truede" in page.content.decode()
    for persona in ("area_chief", "sibling_leader", "team", "outsider"):
        assert more[persona].get(url).status_code == 404, persona
        listing = more[persona].get(reverse("apv:incidents")).content.decode()
        assert url not in listing, persona
    assert more["anonymous"].get(url).status_code == 302  # to the login page
    # The audit names the record, never its description.
    entry = AuditEntry.objects.get(action="incident registered")
    assert "truede" not in entry.target + entry.detail


def test_the_leader_sees_the_easy_deadline_and_follows_up(
    more: dict[str, Client], settings: Any
) -> None:
    """Injury Monday 2 June 2025, absent from 3 June: report by 17 June 2025."""
    settings.EASY_ABSENCE_THRESHOLDS = [(date(2000, 1, 1), 1)]
    register(more["colleague"], kind="violence", injury="on", occurred_on="2025-06-02",
             first_absence="2025-06-03")  # fmt: skip
    incident = Incident.objects.get()
    assert deadline(incident) == date(2025, 6, 17)
    leader = more["unit_leader"]
    url = reverse("apv:incident", args=[incident.pk])
    page = leader.get(url).content.decode()
    assert "report it through EASY by 17 June 2025" in page
    listing = leader.get(reverse("apv:incidents")).content.decode()
    assert "Report by" in listing
    # the AMR reads it but does not follow it up
    assert more["trio"].post(url, {"follow_up": "x"}).status_code == 403
    saved = leader.post(url, {"follow_up": "Samtale med medarbejderen; ny procedure ved afslag.",
                              "amo_informed": "on", "last_absence": "2025-06-06"})  # fmt: skip
    assert saved.status_code == 302
    bad = leader.post(url, {"reported": "", "reported_on": "2025-05-01"})
    assert bad.status_code == 400 and Incident.objects.get().reported_to_easy_on is None
    leader.post(url, {"reported": "", "reported_on": "2025-06-10"})
    incident.refresh_from_db()
    assert incident.reported_to_easy_on == date(2025, 6, 10) and incident.amo_informed
    assert "Report by" not in leader.get(reverse("apv:incidents")).content.decode()


def test_the_proposed_threshold_is_a_dated_setting(more: dict[str, Client], settings: Any) -> None:
    settings.EASY_ABSENCE_THRESHOLDS = [(date(2000, 1, 1), 1), (date(2026, 7, 1), 3)]
    register(more["colleague"], injury="on", occurred_on="2026-07-06",
             first_absence="2026-07-07", last_absence="2026-07-08")  # fmt: skip
    assert deadline(Incident.objects.get()) is None  # two days: under the new threshold


def test_bad_input_says_what_and_changes_nothing(more: dict[str, Client]) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    future = register(more["colleague"], occurred_on=tomorrow)
    assert future.status_code == 400
    assert "cannot be in the future" in future.content.decode()
    before = register(more["colleague"], occurred_on="2025-06-02", first_absence="2025-06-02")
    assert "the day of the incident itself does not count" in before.content.decode()
    elsewhere = register(more["colleague"], unit=Unit.objects.get(code="U3").pk)
    assert elsewhere.status_code == 400  # not a unit Karl belongs to
    assert not Incident.objects.exists()


def test_counts_are_shown_only_when_they_give_no_one_away(
    more: dict[str, Client], org: dict[str, Unit]
) -> None:
    day = date(2025, 5, 12)
    for _ in range(6):
        Incident.objects.create(unit=org["U1"], occurred_on=day, kind="threats",
                                source="citizen", description="x")  # fmt: skip
    Incident.objects.create(unit=org["U2"], occurred_on=day, kind="violence",
                            source="citizen", description="x")  # fmt: skip
    page = more["area_chief"].get(reverse("apv:statistics"), {"year": 2025, "quarter": 2})
    assert page.status_code == 200
    rows = {row.unit.code: row for row in page.context["rows"]}
    # Område Nord holds 7: 6 in U1 and 1 in U2. Showing both 7 and 6 would give U2's one
    # away, so the smaller is hidden; and Område Nord's kinds (6 threats, 1 violence) too.
    assert rows["SO-N"].total == 7 and rows["U1"].total is None and rows["U2"].total is None
    assert set(rows["SO-N"].kinds.values()) == {None}
    # Twelve more threats in U2: now every remainder's kinds are none or at least 5.
    for _ in range(12):
        Incident.objects.create(unit=org["U2"], occurred_on=day, kind="threats",
                                source="citizen", description="x")  # fmt: skip
    Incident.objects.filter(unit=org["U2"], kind="violence").update(kind="threats")
    page = more["area_chief"].get(reverse("apv:statistics"), {"year": 2025, "quarter": 2})
    rows = {row.unit.code: row for row in page.context["rows"]}
    assert (rows["SO-N"].total, rows["U1"].total, rows["U2"].total) == (19, 6, 13)
    assert rows["U2"].kinds["threats"] == 13 and rows["U2"].kinds["violence"] == 0
    assert more["colleague"].get(reverse("apv:statistics")).status_code == 403
