import logging
from functools import partial
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django_tasks import task

from trivsel.core.jobs import JobLine, person, stale_before
from trivsel.measurements.models import Measurement
from trivsel.survey.models import Invitation, SendJob
from trivsel.survey.sending import run_send_job

logger = logging.getLogger(__name__)


@task()
def send_job(job_id: int) -> None:
    job = SendJob.objects.select_related("measurement").get(pk=job_id)
    try:
        run_send_job(job)
    except Exception as error:
        logger.exception("Send job %s failed", job_id)
        SendJob.objects.filter(pk=job_id).update(
            status=SendJob.Status.FAILED, message=str(error), finished_at=timezone.now()
        )
        raise


def start_send_job(measurement: Measurement, kind: str, by: Any = None) -> SendJob:
    """A sending job, queued to start once the current transaction commits; `by`: the
    user who started it (None: the clock)."""
    job = SendJob.objects.create(measurement=measurement, kind=kind, created_by=by)
    transaction.on_commit(lambda: send_job.enqueue(job.pk))
    return job


def recover_send_jobs() -> list[str]:
    """Sending jobs whose worker died: their unconfirmed invitations are released (one of
    them may have left: counted as possibly doubled) and the job is queued again."""
    recovered = []
    stale = SendJob.objects.filter(
        status__in=[SendJob.Status.QUEUED, SendJob.Status.SENDING],
        updated_at__lt=stale_before(),
    )
    for job in stale:
        with transaction.atomic():
            locked = SendJob.objects.select_for_update().get(pk=job.pk)
            if not locked.is_stale:
                continue  # it beat meanwhile
            released = 0
            if locked.run:
                released = Invitation.objects.filter(claimed_by=locked.run).update(claimed_by="")
            locked.possibly_doubled += 1 if released else 0
            locked.restarts += 1
            locked.run = ""
            locked.status = SendJob.Status.QUEUED
            locked.save(
                update_fields=["possibly_doubled", "restarts", "run", "status", "updated_at"]
            )
            transaction.on_commit(partial(send_job.enqueue, locked.pk))
        recovered.append(
            f"send job {job.pk} ({job.kind}, measurement {job.measurement_id}): restarted, "
            f"{released} unconfirmed message(s) to send again"
        )
    return recovered


def send_lines(count: int) -> list[JobLine]:
    """The recent sending jobs, for HR's page of background jobs."""
    jobs = SendJob.objects.select_related("measurement", "created_by")
    return [
        JobLine(
            gettext("Invitations and reminders"),
            f"{job.measurement.name}: {job.get_kind_display()}",
            job.get_status_display(), job.is_unfinished, job.done, job.total, job.created_at,
            job.updated_at, job.restarts, job.message,
            person(job.created_by),
            reverse("measurements:detail", args=[job.measurement_id]),
        )
        for job in jobs[:count]
    ]  # fmt: skip
