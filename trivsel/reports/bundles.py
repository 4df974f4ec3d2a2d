"""Making every unit's PDF for a measurement into one ZIP, in the background, with progress.
Only units whose report has results that may be shown get a PDF; the ZIP is written to a
temporary name and moved into place when complete, so a killed worker leaves no half file."""

import multiprocessing
import os
import zipfile
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from functools import partial

from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from trivsel.core.jobs import JobLine, beating, person, stale_before
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
from trivsel.reports.charts import report_context
from trivsel.reports.content import unit_report
from trivsel.reports.models import PdfBundle
from trivsel.reports.pdf import unit_report_pdf
from trivsel.results.read import units_shown

BATCH = 8  # PDFs per progress update


def report_html(measurement: Measurement, unit: Unit) -> str:
    report = unit_report(measurement, unit)
    return render_to_string("reports/unit_pdf.html", report_context(report, pdf=True))


LOOKAHEAD = 3  # PDFs waiting per worker: the next HTML is made while the workers render


@contextmanager
def _pool() -> Iterator[ProcessPoolExecutor | None]:
    """Processes that render HTML to PDF on every core (WeasyPrint's layout is pure CPU
    work; started fresh, they never touch the database). None on a single core."""
    workers = os.cpu_count() or 1
    if workers < 2:
        yield None
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


def render_pdfs(
    measurement: Measurement, units: list[Unit], on_pdf: Callable[[Unit, bytes], None]
) -> None:
    """Every given unit's PDF, handed to `on_pdf` in the units' order: this process makes
    each report's HTML (it reads the database) while the pool renders those before it. The
    bulk job and its benchmark both run exactly this."""
    with _pool() as pool:
        if pool is None:
            for unit in units:
                on_pdf(unit, unit_report_pdf(report_html(measurement, unit)))
            return
        ahead = LOOKAHEAD * (os.cpu_count() or 1)
        waiting: deque[tuple[Unit, Future[bytes]]] = deque()
        for unit in units:
            waiting.append((unit, pool.submit(unit_report_pdf, report_html(measurement, unit))))
            while len(waiting) > ahead:
                done_unit, future = waiting.popleft()
                on_pdf(done_unit, future.result())
        while waiting:
            done_unit, future = waiting.popleft()
            on_pdf(done_unit, future.result())


def units_with_results(bundle: PdfBundle) -> list[Unit]:
    return list(Unit.objects.filter(pk__in=units_shown(bundle.measurement)).order_by("path"))


def make_bundle(bundle: PdfBundle) -> None:
    """Safe to run again (as the clock does after a worker died): it starts over, and the
    ZIP appears only when complete."""
    units = units_with_results(bundle)
    rows = PdfBundle.objects.filter(pk=bundle.pk)
    rows.update(
        status=PdfBundle.Status.RUNNING, total=len(units), done=0, updated_at=timezone.now()
    )
    bundle.path.parent.mkdir(parents=True, exist_ok=True)
    part_file = bundle.path.with_suffix(".part")
    progress = {"done": 0}
    try:
        with (
            translation.override(bundle.language),
            zipfile.ZipFile(part_file, "w", compression=zipfile.ZIP_DEFLATED) as archive,
            beating(lambda: rows.update(done=progress["done"], updated_at=timezone.now())),
        ):

            def write(unit: Unit, pdf: bytes) -> None:
                archive.writestr(f"{unit.code}.pdf", pdf)
                progress["done"] += 1
                if progress["done"] % BATCH == 0:
                    rows.update(done=progress["done"], updated_at=timezone.now())

            render_pdfs(bundle.measurement, units, write)
        os.replace(part_file, bundle.path)
    except Exception as error:  # the job says what went wrong; nothing half-made is kept
        part_file.unlink(missing_ok=True)
        rows.update(status=PdfBundle.Status.FAILED, error=str(error)[:2000])
        raise
    rows.update(status=PdfBundle.Status.DONE, done=len(units), updated_at=timezone.now())


def recover_bundles() -> list[str]:
    """Bundles whose worker died (running, no heartbeat for a while): the half-written ZIP
    is removed and the bundle made again from the start."""
    recovered = []
    stale = PdfBundle.objects.filter(status=PdfBundle.Status.RUNNING, updated_at__lt=stale_before())
    for bundle in stale:
        claimed = PdfBundle.objects.filter(
            pk=bundle.pk, status=PdfBundle.Status.RUNNING, updated_at__lt=stale_before()
        ).update(
            status=PdfBundle.Status.QUEUED, done=0, restarts=F("restarts") + 1,
            updated_at=timezone.now(),
        )  # fmt: skip
        if not claimed:
            continue
        bundle.path.with_suffix(".part").unlink(missing_ok=True)
        transaction.on_commit(partial(make_bundle_task.enqueue, bundle.pk))
        recovered.append(f"PDF bundle {bundle.pk}: its worker stopped; made again")
    return recovered


@task()
def make_bundle_task(bundle_id: int) -> None:
    make_bundle(PdfBundle.objects.select_related("measurement").get(pk=bundle_id))


def bundle_lines(count: int) -> list[JobLine]:
    """The recent PDF bundles, for HR's page of background jobs."""
    bundles = PdfBundle.objects.select_related("measurement", "created_by")
    return [
        JobLine(
            gettext("Every unit's PDF"), bundle.measurement.name, bundle.get_status_display(),
            bundle.status in (PdfBundle.Status.QUEUED, PdfBundle.Status.RUNNING), bundle.done,
            bundle.total, bundle.created_at, bundle.updated_at, bundle.restarts, bundle.error,
            person(bundle.created_by),
            reverse("reports:pdfs", args=[bundle.measurement_id]),
        )
        for bundle in bundles[:count]
    ]  # fmt: skip
