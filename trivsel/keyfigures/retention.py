"""The key-figure uploads' retention rule (registered with core.retention; run by the
clock): an upload's file is health data, dropped as soon as it is imported or refused
(trivsel.keyfigures.tasks). One checked but never confirmed is dropped
RETAIN_IMPORT_FILES_DAYS after it was uploaded, and then says so; the upload's summary
stays as the record."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from trivsel.keyfigures.models import Upload

EXPIRED = _("The file was deleted %(days)s days after it was uploaded; upload it again.")


def old_upload_files(now: datetime) -> int:
    cutoff = now - timedelta(days=settings.RETAIN_IMPORT_FILES_DAYS)
    waiting = Upload.objects.filter(data__isnull=False, created_at__lt=cutoff,
                                    status=Upload.Status.READY)  # fmt: skip
    message = str(EXPIRED) % {"days": settings.RETAIN_IMPORT_FILES_DAYS}
    count = waiting.update(data=None, status=Upload.Status.FAILED, message=message,
                           finished_at=now)  # fmt: skip
    # a file left behind by anything else that ended (it should hold none)
    return count + Upload.objects.filter(data__isnull=False, finished_at__lt=cutoff).update(
        data=None
    )
