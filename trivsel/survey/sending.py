"""Sending invitations and reminders. Each batch is claimed in the database (the
invitation is marked) before its messages leave, so a worker that crashes or restarts
never sends anyone a second copy: at most once, and a new job picks up the rest."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from trivsel.measurements.models import Measurement
from trivsel.survey.models import Invitation, SendJob
from trivsel.survey.sms import gateway

logger = logging.getLogger(__name__)
BATCH = 500
Kind = SendJob.Kind


def link(invitation: Invitation) -> str:
    return f"{settings.SITE_URL}/s/{invitation.token}/"


def targets(job: SendJob) -> QuerySet[Invitation]:
    invitations = Invitation.objects.filter(measurement_id=job.measurement_id)
    if job.kind == Kind.INVITATIONS:
        return invitations.filter(invited_at=None)
    return invitations.filter(
        Q(reminded_at=None) | Q(reminded_at__lt=job.created_at),
        responded=False,
        channel__in=["email", "sms"],
    )


def _texts(job: SendJob, invitation: Invitation, name: str) -> tuple[str, str, str]:
    """Subject, e-mail body and SMS text, in Danish with English below."""
    measurement = job.measurement
    values = {
        "name": name,
        "measurement": measurement.name,
        "link": link(invitation),
        "closes": timezone.localtime(measurement.closes_at).strftime("%d.%m.%Y %H:%M"),
    }
    parts = []
    for language in ("da", "en"):
        with translation.override(language):
            if job.kind == Kind.INVITATIONS:
                parts.append(
                    _(
                        "Dear %(name)s,\n\nYou are invited to answer %(measurement)s. Your "
                        "answers are anonymous. The survey is open until %(closes)s.\n\n"
                        "Your personal link: %(link)s\n\nDo not pass the link on: it is yours."
                    )
                    % values
                )
            else:
                parts.append(
                    _(
                        "Dear %(name)s,\n\nA reminder: %(measurement)s is open until "
                        "%(closes)s. If you have already answered, thank you, and please "
                        "ignore this message.\n\nYour personal link: %(link)s"
                    )
                    % values
                )
    with translation.override("da"):
        subject = measurement.name
        sms = _("%(measurement)s: your personal link %(link)s") % values
    return subject, "\n\n---\n\n".join(parts), sms


def _claim(job: SendJob) -> list[Invitation]:
    """Mark the next batch as sent, in its own transaction, and return it."""
    now = timezone.now()
    with transaction.atomic():
        batch = list(
            targets(job)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("participant__employee")
            .order_by("pk")[:BATCH]
        )
        for invitation in batch:
            employee = invitation.participant.employee
            if job.kind == Kind.INVITATIONS:
                invitation.invited_at = now
                invitation.channel = (
                    "email" if employee.email else "sms" if employee.mobile else "letter"
                )
            else:
                invitation.reminded_at = now
                invitation.reminders += 1
        Invitation.objects.bulk_update(batch, ["invited_at", "channel", "reminded_at", "reminders"])
    return batch


def run_send_job(job: SendJob) -> SendJob:
    job.status = SendJob.Status.SENDING
    job.total = targets(job).count()
    job.save(update_fields=["status", "total", "updated_at"])
    connection = get_connection()
    while batch := _claim(job):
        emails, texts = [], []
        for invitation in batch:
            employee = invitation.participant.employee
            subject, body, sms = _texts(job, invitation, employee.name.split(" ")[0])
            if invitation.channel == "email":
                emails.append(EmailMessage(subject, body, to=[employee.email]))
            elif invitation.channel == "sms":
                texts.append((employee.mobile, sms))
        connection.send_messages(emails)
        if texts:
            gateway().send(texts)
        job.done += len(batch)
        job.by_email += len(emails)
        job.by_sms += len(texts)
        job.need_letter += sum(1 for invitation in batch if invitation.channel == "letter")
        job.save(update_fields=["done", "by_email", "by_sms", "need_letter", "updated_at"])
    job.status = SendJob.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at", "updated_at"])
    return job


def running_job(measurement: Measurement) -> SendJob | None:
    """The sending job that is really under way for this measurement, if any."""
    unfinished = SendJob.objects.filter(
        measurement=measurement, status__in=[SendJob.Status.QUEUED, SendJob.Status.SENDING]
    )
    return next((job for job in unfinished if job.is_running), None)
