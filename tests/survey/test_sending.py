"""Invitations and reminders: the right channel, never twice, reminders only to those
who have not answered."""

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trivsel.core.jobs import recover_stale_jobs
from trivsel.cycle.lifecycle import advance_by_clock, open_measurement
from trivsel.measurements.models import Measurement
from trivsel.survey import sending
from trivsel.survey.answering import submit
from trivsel.survey.models import Invitation, SendJob
from trivsel.survey.sms import MemorySmsGateway

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(measurement: Measurement) -> Measurement:
    open_measurement(measurement)
    MemorySmsGateway.outbox.clear()
    return measurement


def run(measurement: Measurement, kind: str) -> SendJob:
    return sending.run_send_job(SendJob.objects.create(measurement=measurement, kind=kind))


def test_invitations_go_by_email_else_sms_else_letter(opened: Measurement) -> None:
    job = run(opened, "invitations")
    # In SO: Karl has no e-mail (SMS), Tove has neither mobile nor... Tove has e-mail.
    assert (job.total, job.done, job.by_email, job.by_sms, job.need_letter) == (8, 8, 7, 1, 0)
    assert len(mail.outbox) == 7
    message = mail.outbox[0]
    token = Invitation.objects.get(participant__employee__email=message.to[0]).token
    assert f"/s/{token}/" in message.body and "Kære" in message.body and "Dear" in message.body
    assert MemorySmsGateway.outbox == [("+4520000005", MemorySmsGateway.outbox[0][1])]
    assert "/s/" in MemorySmsGateway.outbox[0][1]


def test_a_second_run_sends_nothing_new(opened: Measurement) -> None:
    run(opened, "invitations")
    mail.outbox.clear()
    job = run(opened, "invitations")
    assert (job.total, job.done) == (0, 0) and mail.outbox == []


def test_a_failing_mail_server_loses_nobody(opened: Measurement, monkeypatch: Any) -> None:
    """The third e-mail fails: the job fails, the two sent stay sent, and the next run sends
    the other six: everyone exactly once."""

    class Boom(Exception):
        pass

    sent: list[str] = []
    original = EmailBackend.send_messages

    def flaky(self: Any, messages: list[Any]) -> int:
        if len(sent) == 2:
            raise Boom
        sent.extend(address for message in messages for address in message.to)
        return int(original(self, messages))

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", flaky)
    with pytest.raises(Boom):
        run(opened, "invitations")
    monkeypatch.undo()
    assert not Invitation.objects.exclude(claimed_by="").exists()  # nothing left claimed
    job = run(opened, "invitations")  # a new run (HR's button or the clock)
    addresses = [address for message in mail.outbox for address in message.to]
    assert len(addresses) == len(set(addresses)) == 7  # every e-mail once
    failed = SendJob.objects.order_by("pk").first()
    assert failed is not None and failed.done + job.done == 8  # (the task marks it failed)
    assert len(MemorySmsGateway.outbox) == 1
    assert not Invitation.objects.filter(measurement=opened, invited_at=None).exists()


def test_reminders_only_to_those_who_have_not_answered(opened: Measurement) -> None:
    run(opened, "invitations")
    submit(Invitation.objects.get(participant__employee__number="1003"), 0)
    mail.outbox.clear()
    job = SendJob.objects.create(measurement=opened, kind="reminders")
    sending.run_send_job(job)
    assert job.done == 7
    assert "lise@testby.dk" not in {address for m in mail.outbox for address in m.to}
    assert "reminder" in mail.outbox[0].body
    sending.run_send_job(job)  # the same job again, as after a restart: nobody twice
    assert job.done == 7 and len(mail.outbox) == 6  # 6 e-mails + 1 SMS
    assert run(opened, "reminders").done == 7  # a new reminder is a second reminder
    assert set(
        Invitation.objects.exclude(participant__employee__number="1003").values_list(
            "reminders", flat=True
        )
    ) == {2}


def test_hr_starts_sending_from_the_page(
    clients: dict[str, Client], opened: Measurement, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["hr"].post(
            reverse("measurements:send", args=[opened.pk, "invitations"]), {"confirmed": "yes"}
        )
    assert response.status_code == 302
    assert SendJob.objects.get().status == "done" and len(mail.outbox) == 7
    html = clients["hr"].get(reverse("measurements:detail", args=[opened.pk])).content.decode()
    assert "8/8" in html
    assert (
        clients["unit_leader"]
        .post(reverse("measurements:send", args=[opened.pk, "reminders"]))
        .status_code
        == 403
    )


def test_the_clock_restarts_a_job_whose_worker_died(
    clients: dict[str, Client], opened: Measurement, django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:  # fmt: skip
    """A worker died while sending: three messages confirmed, two claimed of which one may
    have left. The page says it is running until the heartbeat is stale; then the clock
    releases the claims and queues the job again, which sends the other five and counts one
    as possibly doubled. Nobody is left out; no person is needed."""
    dead = SendJob.objects.create(
        measurement=opened, kind="invitations", status="sending", run="dead", total=8, done=3
    )
    first = list(Invitation.objects.filter(measurement=opened).order_by("pk"))
    Invitation.objects.filter(pk__in=[i.pk for i in first[:3]]).update(
        invited_at=timezone.now(), channel="email"
    )
    Invitation.objects.filter(pk__in=[i.pk for i in first[3:5]]).update(claimed_by="dead")
    url = reverse("measurements:send", args=[opened.pk, "invitations"])
    page = clients["hr"].post(url, follow=True).content.decode()
    assert "A sending job is already running" in page  # not yet stale
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_stale_jobs() == []  # its heartbeat is recent
    SendJob.objects.filter(pk=dead.pk).update(
        updated_at=timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS + 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        out = io.StringIO()
        call_command("advance_measurements", stdout=out)  # the clock, as cron runs it
    assert f"send job {dead.pk}" in out.getvalue()
    dead.refresh_from_db()
    assert (dead.status, dead.done, dead.restarts, dead.possibly_doubled) == ("done", 8, 1, 1)
    assert len(mail.outbox) + len(MemorySmsGateway.outbox) == 5  # the 8 less the 3 confirmed
    assert not Invitation.objects.filter(measurement=opened, invited_at=None).exists()
    assert not Invitation.objects.exclude(claimed_by="").exists()
    detail = clients["hr"].get(reverse("measurements:detail", args=[opened.pk])).content.decode()
    assert "may have received it twice" in detail
    with django_capture_on_commit_callbacks(execute=True):
        assert advance_by_clock() == [] and recover_stale_jobs() == []


def test_hr_writes_the_invitation_text_previews_it_and_sends_a_test(
    clients: dict[str, Client], opened: Measurement, users: dict[str, Any]
) -> None:
    """The default text says what people need to trust it; HR's own text (Danish and
    English, placeholders checked) is what is sent; a test goes to HR only."""
    url = reverse("measurements:texts", args=[opened.pk])
    page = clients["hr"].get(url).content.decode()
    closes = timezone.localtime(opened.closes_at)
    assert "anonymous" in page and f"{closes:%H:%M}" in page and "/s/EKSEMPEL/" in page
    bad = {"invitation_da": "Hej {navn}, svar her: {link}", "contact": "Hanne, HR"}
    response = clients["hr"].post(url, bad)
    assert "Unknown placeholders: {navn}" in response.content.decode()
    opened.refresh_from_db()
    assert opened.message_texts == {} and opened.contact == ""
    good = {
        "invitation_da": "Hej {name}! Svar på {measurement} senest {closes}: {link} ({contact})",
        "sms_da": "{measurement}: {link}", "contact": "Hanne Hansen, HR, 7012 3456",
    }  # fmt: skip
    users["hr"].email = "hr@testby.dk"
    users["hr"].save()
    mail.outbox.clear()
    clients["hr"].post(url, good | {"test": "1"})
    opened.refresh_from_db()
    assert opened.message_texts["invitation"] == {"da": good["invitation_da"]}
    [test] = mail.outbox
    assert test.to == ["hr@testby.dk"] and "/s/EKSEMPEL/" in test.body
    assert "Hanne Hansen, HR, 7012 3456" in test.body and not MemorySmsGateway.outbox
    mail.outbox.clear()
    run(opened, "invitations")
    message = mail.outbox[0]
    assert message.body.startswith("Hej ") and "(Hanne Hansen, HR, 7012 3456)" in message.body
    assert "Dear" in message.body  # the English default below the Danish
    assert MemorySmsGateway.outbox[0][1].startswith(opened.name + ": ")
    for persona in ("area_chief", "unit_leader", "trio", "outsider"):
        assert clients[persona].get(url).status_code == 403
        assert clients[persona].post(url, good).status_code == 403
