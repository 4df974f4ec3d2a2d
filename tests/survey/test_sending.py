"""Invitations and reminders: the right channel, never twice, reminders only to those
who have not answered."""

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trivsel.cycle.lifecycle import advance_by_clock, open_measurement
from trivsel.measurements.models import Measurement
from trivsel.survey import sending
from trivsel.survey.answering import submit
from trivsel.survey.models import STALE_AFTER, Invitation, SendJob
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


def test_a_crash_after_claiming_never_sends_a_second_copy(
    opened: Measurement, monkeypatch: Any
) -> None:
    class Boom(Exception):
        pass

    def fail(self: Any, messages: list[Any]) -> int:
        raise Boom

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", fail)
    with pytest.raises(Boom):
        run(opened, "invitations")
    monkeypatch.undo()
    job = run(opened, "invitations")  # the restarted worker
    assert job.done == 0 and mail.outbox == []  # claimed ones are not sent again


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
        response = clients["hr"].post(reverse("measurements:send", args=[opened.pk, "invitations"]))
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


def test_a_job_interrupted_by_a_dead_worker_can_be_started_again(
    clients: dict[str, Client], opened: Measurement, django_capture_on_commit_callbacks: Any
) -> None:
    # A worker claimed the first invitations and died: the job says "sending" for ever.
    dead = SendJob.objects.create(measurement=opened, kind="invitations", status="sending")
    first = Invitation.objects.filter(measurement=opened).order_by("pk")[:3]
    Invitation.objects.filter(pk__in=[i.pk for i in first]).update(
        invited_at=timezone.now(), channel="email"
    )
    url = reverse("measurements:send", args=[opened.pk, "invitations"])
    page = clients["hr"].post(url, follow=True).content.decode()
    assert "A sending job is already running" in page  # not yet stale
    SendJob.objects.filter(pk=dead.pk).update(updated_at=timezone.now() - STALE_AFTER * 2)
    detail = clients["hr"].get(reverse("measurements:detail", args=[opened.pk])).content.decode()
    assert "Interrupted: start it again" in detail
    # The clock notices the uninvited and starts a new job; the claimed three are not resent.
    with django_capture_on_commit_callbacks(execute=True):
        assert [o for _m, o in advance_by_clock()] == ["sending invitations"]
    assert len(mail.outbox) + len(MemorySmsGateway.outbox) == 5  # the 8 less the 3 claimed
    assert not Invitation.objects.filter(measurement=opened, invited_at=None).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert advance_by_clock() == []
