"""The audit log: each audited action writes one entry with who, what, which object, when
and from where; the app cannot change or delete an entry; HR reads, filters and exports it;
nobody else sees it; entries past their retention are deleted by the clock."""

import io
from datetime import timedelta
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trivsel.core.audit import purge, record
from trivsel.core.models import AuditEntry
from trivsel.cycle.lifecycle import start_validation
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Role, RoleGrant, Unit

pytestmark = pytest.mark.django_db


def only(action: str) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(action=action))
    assert len(entries) == 1, [str(e) for e in AuditEntry.objects.all()]
    return entries[0]


def test_sign_in_and_failed_sign_in(db: None) -> None:
    User.objects.create_user("leder", password="rigtig-adgangskode-1")
    client = Client(REMOTE_ADDR="10.1.2.3")
    client.post("/login/", {"username": "leder", "password": "forkert"})
    client.post("/login/", {"username": "leder", "password": "rigtig-adgangskode-1"})
    failed, signed_in = only("sign-in failed"), only("sign-in")
    assert (failed.actor, failed.address, failed.user) == ("leder", "10.1.2.3", None)
    assert (signed_in.actor, signed_in.address) == ("leder", "10.1.2.3")
    assert signed_in.user is not None and signed_in.user.username == "leder"


def test_role_grants(users: dict[str, User], org: dict[str, Unit]) -> None:
    AuditEntry.objects.all()  # (the fixtures' own grants were recorded too)
    before = AuditEntry.objects.filter(action="role granted").count()
    grant = RoleGrant.objects.create(user=users["trio"], unit=org["SO"], role=Role.HR_ADMIN)
    assert AuditEntry.objects.filter(action="role granted").count() == before + 1
    grant.delete()
    assert "trio" in only("role removed").target and "SO" in only("role removed").target


def test_measurement_steps_by_hr_and_by_the_clock(
    clients: dict[str, Client], measurement: Measurement
) -> None:
    url = reverse("measurements:action", args=[measurement.pk, "start_validation"])
    clients["hr"].post(url, {"confirmed": "yes"})
    entry = only("measurement validation")
    assert entry.actor == "hr" and measurement.name in entry.target
    Measurement.objects.filter(pk=measurement.pk).update(
        opens_at=timezone.now() - timedelta(minutes=1)
    )
    call_command("advance_measurements", stdout=io.StringIO())
    assert only("measurement open").actor == "clock"


def test_every_download_and_mapping_change(
    clients: dict[str, Client], measurement: Measurement
) -> None:
    start_validation(measurement)
    hr = clients["hr"]
    response = hr.get(
        reverse("instruments:download", args=["questionnaire", measurement.questionnaire_id])
    )
    assert response.status_code == 200
    download = only("download")
    assert download.actor == "hr" and "questionnaire" in download.detail
    hr.post(reverse("results:mapping"), {"unit": "U1", "previous_code": "U2", "note": "fusion"})
    assert only("unit mapping added").target == "U1 ← U2"


def test_the_app_cannot_change_or_delete_an_entry(db: None) -> None:
    record("download", "/x/", "x.pdf")
    entry = AuditEntry.objects.get()
    entry.target = "something else"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(target="y")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry not in admin.site._registry
    assert AuditEntry.objects.get().target == "/x/"


def test_hr_reads_filters_and_exports_the_log_and_nobody_else_sees_it(
    clients: dict[str, Client], settings: Any
) -> None:
    record("download", "/reports/1/", "rapport.pdf")
    record("unit mapping added", "U1 ← U9")
    url = reverse("organisation:audit")
    for persona in ("area_chief", "unit_leader", "trio", "outsider"):
        assert clients[persona].get(url).status_code == 403, persona
    page = clients["hr"].get(url, {"action": "download"}).content.decode()
    assert "rapport.pdf" in page and "U1 ← U9" not in page
    exported = clients["hr"].get(url, {"format": "csv", "who": "system"}).content.decode()
    assert "rapport.pdf" in exported and "U1 ← U9" in exported


def test_entries_past_their_retention_are_deleted(db: None, settings: Any) -> None:
    settings.RETAIN_AUDIT_DAYS = 365
    record("download", "/old/")
    record("download", "/new/")
    now = timezone.now()
    from django.db import connection

    with connection.cursor() as cursor:  # the app itself cannot age an entry
        cursor.execute(
            f"UPDATE {AuditEntry._meta.db_table} SET at = %s WHERE target = %s",
            [now - timedelta(days=366), "/old/"],
        )
    assert purge(now) == 1
    assert list(AuditEntry.objects.values_list("target", flat=True)) == ["/new/"]


def test_a_changed_threshold_or_sign_in_setting_is_recorded_by_the_clock(
    db: None, settings: Any
) -> None:
    call_command("advance_measurements", stdout=io.StringIO())
    first = only("settings changed")
    assert first.actor == "clock" and "RESULTS_MIN_GROUP=5" in first.detail
    call_command("advance_measurements", stdout=io.StringIO())
    assert AuditEntry.objects.filter(action="settings changed").count() == 1  # nothing new
    settings.RESULTS_MIN_GROUP, settings.LOCAL_PASSWORDS = 4, False
    call_command("advance_measurements", stdout=io.StringIO())
    latest = AuditEntry.objects.filter(action="settings changed").latest("pk")
    assert latest.target == "RESULTS_MIN_GROUP 5→4, LOCAL_PASSWORDS True→False"
    assert "RESULTS_MIN_GROUP=4" in latest.detail.partition(" → ")[2]


def test_a_date_that_does_not_exist_filters_nothing(clients: dict[str, Client]) -> None:
    response = clients["hr"].get(reverse("organisation:audit"), {"since": "2026-13-45"})
    assert response.status_code == 200
