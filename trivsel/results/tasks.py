"""The results build as a tracked background job (`models.Build`): queued when a measurement
closes, when HR asks for a rebuild or when the unit mapping changes; running with the step
it is on; done, or failed with the error (a failed rebuild keeps the last good results)."""

import logging
from functools import partial

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django_tasks import task

from trivsel.core.jobs import JobLine, beating, stale_before
from trivsel.measurements.models import Measurement
from trivsel.results.build import build_results, seal_after_build
from trivsel.results.models import Build

logger = logging.getLogger(__name__)
ERROR_LENGTH = 2000


def start_build(measurement: Measurement) -> Build:
    """Queue a build of a closed (or released) measurement's results; if one is already
    waiting, that one will do (a running build may have read the data before a change, so
    a new one is queued behind it)."""
    with transaction.atomic():
        build, _created = Build.objects.select_for_update().get_or_create(measurement=measurement)
        if build.status == Build.Status.QUEUED and build.queued_at is not None:
            return build
        build.status, build.step, build.error = Build.Status.QUEUED, "", ""
        build.queued_at = timezone.now()
        build.save(update_fields=["status", "step", "error", "queued_at"])
        transaction.on_commit(lambda: build_results_task.enqueue(measurement.pk))
    return build


@task()
def build_results_task(measurement_id: int) -> int:
    """Build a measurement's stored results (safe to run again), then seal its responses if
    that has not been done (trivsel/survey/sealing.py): the figures are computed from the
    full attributes, which the seal then generalises. A failure is recorded on the build
    (and logged), not raised: the measurement's page says so and HR can start it again."""
    measurement = Measurement.objects.filter(pk=measurement_id).first()
    if measurement is None:
        return 0
    builds = Build.objects.filter(measurement=measurement)

    def on_step(step: str) -> None:
        builds.update(step=step)

    Build.objects.update_or_create(
        measurement=measurement,
        defaults={"status": Build.Status.RUNNING, "step": "", "error": "",
                  "started_at": timezone.now(), "finished_at": None,
                  "heartbeat_at": timezone.now()},
    )  # fmt: skip
    try:
        with beating(lambda: builds.update(heartbeat_at=timezone.now())):
            rows = build_results(measurement, on_step)
    except Exception as error:
        logger.exception("Building the results of measurement %s failed", measurement_id)
        builds.update(
            status=Build.Status.FAILED, step="", finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}"[:ERROR_LENGTH],
        )  # fmt: skip
        return 0
    try:
        seal_after_build(measurement)
    except Exception:  # the results are readable; the clock seals later (lifecycle)
        logger.exception("Sealing the responses of measurement %s failed", measurement_id)
    return rows


def rebuild_after_mapping_change() -> None:
    """HR changed the unit mapping: every measurement with results is built again (in the
    background), since any of them may compare with an earlier one through it."""
    for measurement in Measurement.objects.filter(
        state__in=[Measurement.State.CLOSED, Measurement.State.RELEASED]
    ):
        start_build(measurement)


def recover_builds() -> list[str]:
    """Builds whose worker died (running, no heartbeat for a while): queued again. A build
    is one transaction, so a killed one left the last good results in place."""
    recovered = []
    stale = Build.objects.filter(status=Build.Status.RUNNING, heartbeat_at__lt=stale_before())
    for build in stale.select_related("measurement"):
        with transaction.atomic():
            claimed = Build.objects.filter(
                pk=build.pk, status=Build.Status.RUNNING, heartbeat_at__lt=stale_before()
            ).update(
                status=Build.Status.QUEUED, step="", queued_at=timezone.now(),
                restarts=F("restarts") + 1,
            )  # fmt: skip
            if claimed:
                transaction.on_commit(partial(build_results_task.enqueue, build.measurement_id))
        if claimed:
            recovered.append(
                f"results build of measurement {build.measurement_id}: its worker stopped; "
                "queued again"
            )
    return recovered


def build_lines(count: int) -> list[JobLine]:
    """The recent results builds, for HR's page of background jobs."""
    builds = Build.objects.select_related("measurement").order_by("-queued_at", "-pk")
    return [
        JobLine(
            gettext("Results"), build.measurement.name,
            build.get_status_display() + (f": {build.get_step_display()}" if build.step else ""),
            build.pending, None, None, build.started_at or build.queued_at,
            build.heartbeat_at, build.restarts, build.error, "",
            reverse("measurements:detail", args=[build.measurement_id]),
        )
        for build in builds[:count]
    ]  # fmt: skip
