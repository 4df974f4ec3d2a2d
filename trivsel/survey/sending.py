"""Sending invitations and reminders. A run claims a batch in the database, then sends its
messages one by one, each confirmed (invited_at or reminded_at set) in its own statement as
it leaves. A worker killed at any moment therefore loses nobody: the clock releases the
dead run's claims and queues the job again (`recover_send_jobs`); the only message that
can arrive twice is the one that was leaving when the worker died, and the job counts it
as possibly doubled."""

import logging
import uuid

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from trivsel.core.jobs import Heartbeat
from trivsel.measurements.models import Measurement
from trivsel.survey.models import Invitation, SendJob
from trivsel.survey.sms import gateway
from trivsel.survey.texts import Composer

logger = logging.getLogger(__name__)
BATCH = 500
Kind = SendJob.Kind


def link(invitation: Invitation) -> str:
    return f"{settings.SITE_URL}/s/{invitation.token}/"


def targets(job: SendJob) -> QuerySet[Invitation]:
    """Who this job has still to send a message, not taken by a run (of any job)."""
    invitations = Invitation.objects.filter(measurement_id=job.measurement_id, claimed_by="")
    if job.kind == Kind.INVITATIONS:
        return invitations.filter(invited_at=None)
    return invitations.filter(
        Q(reminded_at=None) | Q(reminded_at__lt=job.created_at),
        responded=False,
        channel__in=["email", "sms"],
    )


def _claim(job: SendJob) -> list[Invitation]:
    """Take the next batch for this run, in its own transaction, and return it. Nothing is
    marked as sent yet: that happens message by message (`_confirm`)."""
    with transaction.atomic():
        batch = list(
            targets(job)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("participant__employee")
            .order_by("pk")[:BATCH]
        )
        for invitation in batch:
            invitation.claimed_by = job.run
            if job.kind == Kind.INVITATIONS:
                employee = invitation.participant.employee
                invitation.channel = (
                    "email" if employee.email else "sms" if employee.mobile else "letter"
                )
        Invitation.objects.bulk_update(batch, ["claimed_by", "channel"])
    return batch


class LostClaim(Exception):
    """The clock judged this run dead and released its invitations: another run sends them."""


def _confirm(job: SendJob, invitation: Invitation) -> None:
    """The message has left: say so, and let go of the claim (one statement, committed at
    once, so that a worker killed after it never sends this message again)."""
    claimed = Invitation.objects.filter(pk=invitation.pk, claimed_by=job.run)
    now = timezone.now()
    if job.kind == Kind.INVITATIONS:
        updated = claimed.update(invited_at=now, claimed_by="")
    else:
        updated = claimed.update(reminded_at=now, reminders=F("reminders") + 1, claimed_by="")
    if not updated:
        raise LostClaim


def run_send_job(job: SendJob) -> SendJob:
    """Send the job's messages one by one, each confirmed as it leaves. Safe to run again
    (as the clock does after a worker died): what has left is never sent again, and only
    the message that was leaving when a worker died can arrive twice."""
    job.run = uuid.uuid4().hex
    job.status = SendJob.Status.SENDING
    job.total = job.done + targets(job).count()
    job.save(update_fields=["run", "status", "total", "updated_at"])
    counts = ("done", "by_email", "by_sms", "need_letter")
    alive = Heartbeat(lambda: job.save(update_fields=[*counts, "updated_at"]))
    composer = Composer(
        job.measurement, "invitation" if job.kind == Kind.INVITATIONS else "reminder"
    )
    connection, sms = get_connection(), gateway()  # made once, used for every message
    connection.open()
    try:
        while batch := _claim(job):
            for invitation in batch:
                employee = invitation.participant.employee
                text = composer.message(employee.name.split(" ")[0], link(invitation))
                if invitation.channel == "email":
                    connection.send_messages(
                        [EmailMessage(text.subject, text.body, to=[employee.email])]
                    )
                    job.by_email += 1
                elif invitation.channel == "sms":
                    sms.send([(employee.mobile, text.sms)])
                    job.by_sms += 1
                else:
                    job.need_letter += 1
                _confirm(job, invitation)
                job.done += 1
                alive()
            alive(force=True)
    except LostClaim:
        logger.warning("Send job %s: this run's invitations were taken over; it stops", job.pk)
        return job
    except BaseException:
        # The message that failed did not leave: this run's unsent invitations go back, for
        # the next run (HR's or the clock's).
        Invitation.objects.filter(claimed_by=job.run).update(claimed_by="")
        job.save(update_fields=[*counts, "updated_at"])
        raise
    finally:
        connection.close()
    job.status = SendJob.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=[*counts, "status", "finished_at", "updated_at"])
    return job


def running_job(measurement: Measurement) -> SendJob | None:
    """The sending job that is really under way for this measurement, if any."""
    unfinished = SendJob.objects.filter(
        measurement=measurement, status__in=[SendJob.Status.QUEUED, SendJob.Status.SENDING]
    )
    return next((job for job in unfinished if job.is_running), None)
