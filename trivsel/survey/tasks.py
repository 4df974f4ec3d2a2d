import logging

from django.utils import timezone
from django_tasks import task

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
