"""Retention with a fixed clock: past its period each class of personal data is gone, before
it the data is still there; the clock runs every rule each round."""

import io
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from trivsel.core.models import LoginFailure
from trivsel.core.retention import run_retention
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import ImportJob, Unit
from trivsel.survey.models import Answer, KioskAttempt, Response

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)


def test_sessions_sign_in_failures_and_kiosk_codes(db: None) -> None:
    now = timezone.now()
    for expiry in (now - DAY, now + DAY):
        store = SessionStore()
        store.create()
        Session.objects.filter(session_key=store.session_key).update(expire_date=expiry)
    LoginFailure.objects.create(
        username="a", address="1.1.1.1", at=now - DAY - timedelta(minutes=1)
    )
    LoginFailure.objects.create(
        username="b", address="1.1.1.1", at=now - DAY + timedelta(minutes=1)
    )
    KioskAttempt.objects.create(client="x", at=now - DAY - timedelta(minutes=1))
    KioskAttempt.objects.create(client="y", at=now - DAY + timedelta(minutes=1))
    list(run_retention(now))
    assert Session.objects.filter(expire_date__gt=now).count() == 1 and Session.objects.count() == 1
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["b"]
    assert list(KioskAttempt.objects.values_list("client", flat=True)) == ["y"]


def test_mail_files_and_sms_lines_after_the_period(tmp_path: Path, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    settings.SMS_LOG_FILE = str(tmp_path / "sms.log")
    settings.RETAIN_MESSAGE_FILES_DAYS = 30
    now = timezone.now()
    (tmp_path / "mail").mkdir()
    old, new = tmp_path / "mail" / "old.log", tmp_path / "mail" / "new.log"
    for path, age in ((old, 31), (new, 29)):
        path.write_text("To: a@example.dk\n\nhttps://trivsel.example.dk/s/token/\n")
        stamp = (now - timedelta(days=age)).timestamp()
        os.utime(path, (stamp, stamp))
    lines = [  # HR's texts may span lines: a message's later lines go with it
        f"{(now - timedelta(days=31)).isoformat(timespec='seconds')} SMS to +4512345678: old\n",
        "Dit personlige link: https://trivsel.example.dk/s/SECRETTOKEN/\n",
        f"{(now - timedelta(days=29)).isoformat(timespec='seconds')} SMS to +4587654321: new\n",
        "Dit personlige link: https://trivsel.example.dk/s/NEWTOKEN/\n",
    ]
    Path(settings.SMS_LOG_FILE).write_text("".join(lines), encoding="utf-8")
    said = list(run_retention(now))
    assert not old.exists() and new.exists()
    assert Path(settings.SMS_LOG_FILE).read_text(encoding="utf-8") == "".join(lines[2:])
    assert "retention: mail files: 1 deleted" in said and "retention: SMS log: 2 deleted" in said


def test_import_files_after_the_period_and_an_unapplied_import_expires(
    db: None, settings: Any
) -> None:
    settings.RETAIN_IMPORT_FILES_DAYS = 30
    now = timezone.now()
    done = ImportJob.Status.DONE
    done_old = ImportJob.objects.create(
        status=done, units_data=b"x", employees_data=b"y", finished_at=now - timedelta(days=31)
    )
    done_new = ImportJob.objects.create(
        status=done, employees_data=b"y", finished_at=now - timedelta(days=29)
    )
    waiting = ImportJob.objects.create(status=ImportJob.Status.READY, employees_data=b"y")
    ImportJob.objects.filter(pk=waiting.pk).update(created_at=now - timedelta(days=31))
    list(run_retention(now))
    done_old.refresh_from_db()
    done_new.refresh_from_db()
    waiting.refresh_from_db()
    assert done_old.units_data is None and done_old.employees_data is None
    assert done_old.status == ImportJob.Status.DONE  # the record of what changed stays
    assert done_new.employees_data is not None and bytes(done_new.employees_data) == b"y"
    assert waiting.employees_data is None and waiting.status == ImportJob.Status.FAILED
    assert "30" in waiting.message


def test_raw_responses_three_years_after_close_and_the_clock_runs_it(
    measurement: Measurement, settings: Any
) -> None:
    settings.RETAIN_RESPONSES_DAYS = 3 * 365
    now = timezone.now()
    unit = Unit.objects.get(code="SO")
    response = Response.objects.create(measurement=measurement, unit=unit, submitted=True)
    Answer.objects.create(response=response, item_version_id=_any_item(), value=3)
    Measurement.objects.filter(pk=measurement.pk).update(
        state=Measurement.State.RELEASED, closes_at=now - timedelta(days=3 * 365 - 1)
    )
    list(run_retention(now))
    assert Response.objects.count() == 1  # a day before: still there
    Measurement.objects.filter(pk=measurement.pk).update(
        closes_at=now - timedelta(days=3 * 365 + 1)
    )
    out = io.StringIO()
    call_command("advance_measurements", stdout=out)
    assert not Response.objects.exists() and not Answer.objects.exists()
    assert "retention: raw responses: 1 deleted" in out.getvalue()


def _any_item() -> int:
    from trivsel.instruments.models import ItemVersion

    version = ItemVersion.objects.filter(scale__isnull=False).first()
    assert version is not None
    return int(version.pk)


def test_the_admin_site_s_change_log_goes_with_the_audit_log_s_period(
    db: None, settings: Any
) -> None:
    from django.contrib.admin.models import ADDITION, LogEntry
    from django.contrib.auth.models import User

    settings.RETAIN_AUDIT_DAYS = 365
    root = User.objects.create_superuser("root", password="x")
    now = timezone.now()
    for age in (366, 364):
        entry = LogEntry.objects.create(
            user=root, object_repr="Hanne HR (1001)", action_flag=ADDITION
        )
        LogEntry.objects.filter(pk=entry.pk).update(action_time=now - timedelta(days=age))
    said = list(run_retention(now))
    assert LogEntry.objects.count() == 1
    assert "retention: admin change log: 1 deleted" in said
