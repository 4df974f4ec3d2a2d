import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from trivsel.measurements.models import Measurement
from trivsel.survey.models import SendJob
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


def start_send_job(measurement: Measurement, kind: str) -> SendJob:
    """A sending job, queued to start once the current transaction commits."""
    job = SendJob.objects.create(measurement=measurement, kind=kind)
    transaction.on_commit(lambda: send_job.enqueue(job.pk))
    return job
