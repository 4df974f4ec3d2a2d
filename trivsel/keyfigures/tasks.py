"""Background work of the key figures: checking an uploaded file (every problem, or what it
would write and replace) and importing it with every month it covers computed again, in
one transaction. A task gets only the upload's id; a killed worker's upload is found by its
stopped heartbeat and queued again (nothing half-imported was kept)."""

import logging
from collections.abc import Callable
from functools import partial

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from trivsel.core.audit import actor_of, record
from trivsel.core.jobs import JobLine, beating, person, stale_before
from trivsel.keyfigures.compute import rebuild
from trivsel.keyfigures.importing import (
    Result,
    import_absence,
    import_aggregates,
    import_employment,
)
from trivsel.keyfigures.models import Upload

logger = logging.getLogger(__name__)
Status = Upload.Status
READERS: dict[str, Callable[..., Result]] = {
    Upload.Kind.EMPLOYMENT: import_employment,
    Upload.Kind.ABSENCE: import_absence,
    Upload.Kind.AGGREGATES: import_aggregates,
}


def _summary(result: Result) -> dict[str, object]:
    return {
        "rows": result.written, "replaced": result.replaced,
        "first": result.first.isoformat() if result.first else None,
        "last": result.last.isoformat() if result.last else None,
    }  # fmt: skip


def _run(upload: Upload, dry_run: bool) -> Result:
    def beat() -> None:
        Upload.objects.filter(pk=upload.pk).update(heartbeat_at=timezone.now())

    beat()
    extra = {}
    if upload.kind == Upload.Kind.ABSENCE and upload.period_from and upload.period_to:
        extra["period"] = (upload.period_from, upload.period_to)
    with beating(beat):
        return READERS[upload.kind](bytes(upload.data or b""), upload.filename, dry_run,
                                    **extra)  # fmt: skip


def _end(upload: Upload, status: str, **fields: object) -> None:
    """Finish the upload; a refused or imported file's bytes are dropped (health data)."""
    fields = {"status": status, "finished_at": timezone.now(), **fields}
    if status != Status.READY:
        fields["data"] = None
    Upload.objects.filter(pk=upload.pk).update(**fields)


@task()
def check_upload(upload_id: int) -> None:
    """Read and validate the file without writing anything: its problems, or the rows it
    would write, the rows of the same period it would replace and the period."""
    upload = Upload.objects.get(pk=upload_id)
    try:
        result = _run(upload, dry_run=True)
    except Exception:
        logger.exception("Key-figure upload %s failed while checking", upload_id)
        _end(upload, Status.FAILED, message=_("An unexpected error stopped the check. "
                                              "Nothing was changed."))  # fmt: skip
        raise
    if result.problems:
        _end(upload, Status.INVALID, problems=[p.as_dict() for p in result.problems])
    else:
        _end(upload, Status.READY, summary=_summary(result))


@task()
def apply_upload(upload_id: int) -> None:
    """Import the checked file and compute again every month the data covers, in one
    transaction: a failure keeps the figures as they were."""
    upload = Upload.objects.get(pk=upload_id)
    try:
        with transaction.atomic():
            result = _run(upload, dry_run=False)
            if result.problems:  # the register changed since the check (an employee gone)
                _end(upload, Status.INVALID, problems=[p.as_dict() for p in result.problems])
                return
            rebuilt = rebuild()
    except Exception:
        logger.exception("Key-figure upload %s failed while importing", upload_id)
        _end(upload, Status.FAILED, message=_("An unexpected error stopped the import. "
                                              "Nothing was changed."))  # fmt: skip
        raise
    kept = [month.isoformat() for month in rebuilt.kept]
    _end(upload, Status.DONE, summary={**_summary(result), "shown": rebuilt.shown,
                                       "kept": [kept[0], kept[-1]] if kept else []})  # fmt: skip
    record("key figures imported", f"upload {upload.pk}", f"{upload.kind} {upload.filename}",
           actor=actor_of(upload.created_by))  # fmt: skip


@task()
def rebuild_figures(everything: bool = False) -> None:
    """The revisable months computed again (after a cause code's mapping changed), or
    every month when HR chose to recompute them all."""
    rebuild(everything=everything)


def recover_uploads() -> list[str]:
    """Uploads whose worker died while checking or importing: queued again."""
    recovered = []
    stale = Upload.objects.filter(status__in=[Status.CHECKING, Status.APPLYING],
                                  heartbeat_at__lt=stale_before()).only("pk", "status")  # fmt: skip
    for upload in stale:
        claimed = Upload.objects.filter(
            pk=upload.pk, status=upload.status, heartbeat_at__lt=stale_before()
        ).update(heartbeat_at=timezone.now(), restarts=F("restarts") + 1)
        if not claimed:
            continue
        again = check_upload if upload.status == Status.CHECKING else apply_upload
        transaction.on_commit(partial(again.enqueue, upload.pk))
        recovered.append(f"key-figure upload {upload.pk} ({upload.status}): started again")
    return recovered


def upload_lines(count: int) -> list[JobLine]:
    """The recent key-figure uploads, for HR's page of background jobs."""
    uploads = Upload.objects.defer("data").select_related("created_by")[:count]
    return [
        JobLine(_("Key figures"), upload.filename, upload.get_status_display(),
                upload.is_running, None, None, upload.created_at, upload.heartbeat_at,
                upload.restarts, upload.message, person(upload.created_by),
                reverse("keyfigures:upload", args=[upload.pk]))
        for upload in uploads
    ]  # fmt: skip
