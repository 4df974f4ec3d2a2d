"""The import's retention rule (registered with core.retention; run by the clock): the HR
files kept with an import job are deleted RETAIN_IMPORT_FILES_DAYS after it ended, or after
it was started if it never ended (it can then no longer be applied, and says so). What was
changed (the job's plan and status) is kept as the record of the import."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from trivsel.organisation.models import ImportJob

EXPIRED = _("The files were deleted %(days)s days after they were uploaded; upload them again.")


def old_import_files(now: datetime) -> int:
    cutoff = now - timedelta(days=settings.RETAIN_IMPORT_FILES_DAYS)
    with_files = ImportJob.objects.filter(
        Q(units_data__isnull=False) | Q(employees_data__isnull=False)
    )
    ended = with_files.filter(finished_at__lt=cutoff)
    count = ended.update(units_data=None, employees_data=None)
    waiting = with_files.filter(
        finished_at=None, created_at__lt=cutoff, status__in=[ImportJob.Status.READY,
        ImportJob.Status.INVALID, ImportJob.Status.QUEUED],
    )  # fmt: skip
    message = str(EXPIRED) % {"days": settings.RETAIN_IMPORT_FILES_DAYS}
    count += waiting.update(
        units_data=None, employees_data=None, status=ImportJob.Status.FAILED,
        message=message, finished_at=now,
    )  # fmt: skip
    return count
