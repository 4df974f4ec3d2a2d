"""Background work of the organisation app. A task gets only the job's id; the job row
carries status, step and messages, which the import page shows."""

import logging
from functools import partial

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from trivsel.core.audit import actor_of, record
from trivsel.core.jobs import JobLine, beating, person, stale_before
from trivsel.organisation.importing.plan import Plan
from trivsel.organisation.importing.problems import ImportRejected
from trivsel.organisation.importing.service import (
    MassChange,
    MassChangesNotConfirmed,
    PreparedImport,
    UploadedFile,
    apply_import,
    prepare_import,
)
from trivsel.organisation.models import ImportJob

logger = logging.getLogger(__name__)
Status = ImportJob.Status


def _files(job: ImportJob) -> tuple[UploadedFile | None, UploadedFile | None]:
    units = UploadedFile(job.units_filename, bytes(job.units_data)) if job.units_data else None
    employees = (
        UploadedFile(job.employees_filename, bytes(job.employees_data))
        if job.employees_data
        else None
    )
    return units, employees


def _prepare(job: ImportJob) -> PreparedImport | None:
    def progress(step: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(step=step, heartbeat_at=timezone.now())

    try:
        with beating(lambda: ImportJob.objects.filter(pk=job.pk).update(
            heartbeat_at=timezone.now()
        )):  # fmt: skip
            return prepare_import(*_files(job), progress=progress)
    except ImportRejected as rejected:
        job.status = Status.INVALID
        job.problems = [problem.as_dict() for problem in rejected.problems]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "problems", "finished_at"])
        return None


@task()
def check_import_job(job_id: int) -> None:
    """Validate the files and store the preview of changes."""
    job = ImportJob.objects.get(pk=job_id)
    job.status = Status.CHECKING
    job.save(update_fields=["status"])
    try:
        prepared = _prepare(job)
    except Exception:
        logger.exception("Import job %s failed while checking", job_id)
        _fail(job, _("An unexpected error stopped the check. Nothing was changed."))
        raise
    if prepared is not None:
        job.status = Status.READY
        job.plan = prepared.plan.as_dict()
        job.mass_changes = [change.as_dict() for change in prepared.mass_changes]
        job.step = 3
        job.save(update_fields=["status", "plan", "mass_changes", "step"])


@task()
def apply_import_job(job_id: int) -> None:
    """Apply a previewed import, unless the register changed since the preview."""
    job = ImportJob.objects.get(pk=job_id)
    try:
        prepared = _prepare(job)
        if prepared is None:
            return
        if job.plan is None or prepared.plan != Plan.from_dict(job.plan):
            _fail(
                job,
                _(
                    "The organisation has changed since the preview, so nothing was applied. "
                    "Upload the files again to see the changes as they are now."
                ),
            )
            return
        ImportJob.objects.filter(pk=job.pk).update(step=4)
        confirmed = [MassChange(**change) for change in job.confirmed_mass_changes]
        try:
            apply_import(prepared, confirmed)
        except MassChangesNotConfirmed:  # the apply page asks for the numbers first
            _fail(job, _("The large changes were not confirmed, so nothing was applied."))
            return
    except Exception:
        logger.exception("Import job %s failed while applying", job_id)
        _fail(job, _("An unexpected error stopped the import. Nothing was changed."))
        raise
    job.status = Status.DONE
    job.step = ImportJob.STEPS
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "step", "finished_at"])
    files = ", ".join(name for name in (job.units_filename, job.employees_filename) if name)
    record("import applied", f"import {job.pk}", files, actor=actor_of(job.created_by))


def _fail(job: ImportJob, message: str) -> None:
    job.status = Status.FAILED
    job.message = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "finished_at"])


def recover_imports() -> list[str]:
    """Imports whose worker died while checking or applying (no heartbeat for a while):
    queued again. Applying is one transaction, so nothing half-applied was kept."""
    recovered = []
    stale = ImportJob.objects.filter(
        status__in=[Status.CHECKING, Status.APPLYING], heartbeat_at__lt=stale_before()
    ).only("pk", "status")
    for job in stale:
        claimed = ImportJob.objects.filter(
            pk=job.pk, status=job.status, heartbeat_at__lt=stale_before()
        ).update(heartbeat_at=timezone.now(), restarts=F("restarts") + 1)
        if not claimed:
            continue
        again = check_import_job if job.status == Status.CHECKING else apply_import_job
        transaction.on_commit(partial(again.enqueue, job.pk))
        recovered.append(f"import {job.pk} ({job.status}): its worker stopped; started again")
    return recovered


def import_lines(count: int) -> list[JobLine]:
    """The recent imports, for HR's page of background jobs."""
    jobs = ImportJob.objects.defer("units_data", "employees_data").select_related("created_by")
    return [
        JobLine(
            _("Import"), " ".join(filter(None, [job.units_filename, job.employees_filename])),
            job.get_status_display(), job.is_running, job.step, ImportJob.STEPS, job.created_at,
            job.heartbeat_at, job.restarts, job.message,
            person(job.created_by),
            reverse("organisation:import_job", args=[job.pk]),
        )
        for job in jobs[:count]
    ]  # fmt: skip
