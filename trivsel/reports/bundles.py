"""Making every unit's PDF for a measurement into one ZIP, in the background, with progress.
Only units whose report has results that may be shown get a PDF; the ZIP is written to a
temporary name and moved into place when complete, so a killed worker leaves no half file."""

import multiprocessing
import os
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from django.db.models import F
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

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


@contextmanager
def pdf_renderer() -> Iterator[Callable[[list[str]], Iterator[bytes]]]:
    """Render HTML to PDF on every core: WeasyPrint's layout is pure CPU work, so separate
    processes (started fresh, they never touch the database) render in parallel."""
    workers = os.cpu_count() or 1
    if workers < 2:
        yield lambda htmls: map(unit_report_pdf, htmls)
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield lambda htmls: pool.map(unit_report_pdf, htmls)


def units_with_results(bundle: PdfBundle) -> list[Unit]:
    return list(Unit.objects.filter(pk__in=units_shown(bundle.measurement)).order_by("path"))


def make_bundle(bundle: PdfBundle) -> None:
    units = units_with_results(bundle)
    PdfBundle.objects.filter(pk=bundle.pk).update(
        status=PdfBundle.Status.RUNNING, total=len(units), done=0
    )
    bundle.path.parent.mkdir(parents=True, exist_ok=True)
    partial = bundle.path.with_suffix(".part")
    try:
        with (
            translation.override(bundle.language),
            zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            for unit in units:
                report = unit_report(bundle.measurement, unit)
                html = render_to_string("reports/unit_pdf.html", report_context(report, pdf=True))
                archive.writestr(f"{unit.code}.pdf", unit_report_pdf(html))
                PdfBundle.objects.filter(pk=bundle.pk).update(done=F("done") + 1)
        os.replace(partial, bundle.path)
    except Exception as error:  # the job says what went wrong; nothing half-made is kept
        partial.unlink(missing_ok=True)
        PdfBundle.objects.filter(pk=bundle.pk).update(
            status=PdfBundle.Status.FAILED, error=str(error)[:2000]
        )
        raise
    PdfBundle.objects.filter(pk=bundle.pk).update(status=PdfBundle.Status.DONE)


@task()
def make_bundle_task(bundle_id: int) -> None:
    make_bundle(PdfBundle.objects.select_related("measurement").get(pk=bundle_id))
