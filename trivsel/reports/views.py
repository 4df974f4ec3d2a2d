import tempfile
from collections.abc import Iterator

from django.db import transaction
from django.db.models import Q
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language

from trivsel.measurements.models import Measurement
from trivsel.organisation.access import Capability, get_access, org_view, unit_view
from trivsel.organisation.models import Unit
from trivsel.reports.bundles import make_bundle_task
from trivsel.reports.charts import report_context
from trivsel.reports.comments import comment_page
from trivsel.reports.content import unit_report
from trivsel.reports.csvfile import all_units_csv
from trivsel.reports.dashboard import panels
from trivsel.reports.forms import LEVELS, OverviewForm, OverviewQuery
from trivsel.reports.models import PdfBundle
from trivsel.reports.overview import Overview, overview
from trivsel.reports.overview_html import headers, organisation_row, unit_options, unit_rows
from trivsel.reports.overview_xlsx import overview_xlsx
from trivsel.reports.own import own_part
from trivsel.reports.pdf import unit_report_pdf
from trivsel.reports.sections import heads, tails
from trivsel.reports.seeing import may_see_overview, may_see_results
from trivsel.reports.xlsx import all_units_xlsx, unit_report_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@org_view(None)
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: the person's own unit (open surveys, its results summary), the units
    they are responsible for and what is happening in them."""
    context = {"panels": panels(request), "own": own_part(request)}
    return render(request, "reports/dashboard.html", context)


def _with_results(request: HttpRequest, pk: int) -> Measurement:
    """The measurement, if this person may see its results (404 otherwise)."""
    measurement = get_object_or_404(Measurement, pk=pk)
    if not may_see_results(request, measurement):
        raise Http404
    return measurement


def _report_context(
    request: HttpRequest, unit: Unit, pk: int, pdf: bool = False
) -> dict[str, object]:
    measurement = _with_results(request, pk)
    context = report_context(unit_report(measurement, unit), pdf)
    context["heads"] = heads(measurement, unit, get_access(request))
    context["tails"] = tails(measurement, unit, get_access(request))
    return context


@unit_view(Capability.VIEW_UNIT)
def unit_report_page(request: HttpRequest, unit: Unit, pk: int) -> HttpResponse:
    context = _report_context(request, unit, pk)
    report = context["report"]
    context["comments"] = comment_page(report.comments, request.GET)  # type: ignore[attr-defined]
    access = get_access(request)  # link only the units below this person may open
    context["openable"] = {
        sub.unit.pk
        for sub in report.subunits  # type: ignore[attr-defined]
        if access.can(Capability.VIEW_UNIT, sub.unit)
    }
    return render(request, "reports/unit.html", context)


@unit_view(Capability.VIEW_UNIT)
def unit_report_pdf_download(request: HttpRequest, unit: Unit, pk: int) -> HttpResponse:
    context = _report_context(request, unit, pk, pdf=True)
    data = unit_report_pdf(render_to_string("reports/unit_pdf.html", context, request))
    response = HttpResponse(data, content_type="application/pdf")
    measurement = context["report"].measurement  # type: ignore[attr-defined]
    response["Content-Disposition"] = f'attachment; filename="{_filename(measurement, unit)}.pdf"'
    return response


@unit_view(Capability.VIEW_UNIT)
def unit_report_xlsx_download(request: HttpRequest, unit: Unit, pk: int) -> HttpResponse:
    measurement = _with_results(request, pk)
    data = unit_report_xlsx(unit_report(measurement, unit))
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(measurement, unit)}.xlsx"'
    return response


def _filename(measurement: Measurement, unit: Unit) -> str:
    return f"trivsel-{measurement.pk}-{_safe(unit.code)}"


def _safe(code: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in code)


def _overview(request: HttpRequest, pk: int) -> tuple[Overview, OverviewQuery]:
    """The heatmap of the units this person may see (or one subtree of them, ?unit=), down
    to a chosen number of levels, siblings sorted by a chosen column: for the page and the
    Excel file alike."""
    measurement = get_object_or_404(Measurement, pk=pk)
    access = get_access(request)
    if not access.is_anybody or not may_see_overview(request, measurement):
        raise Http404
    query = OverviewForm.query(request.GET)
    visible = access.visible_units_q()
    top = None
    if query.unit:
        top = Unit.objects.filter(visible, code__in=query.codes()).order_by("depth").first()
        if top is None:
            raise Http404
        visible &= Q(path__startswith=top.path)
        depth = top.depth
    else:
        depths = Unit.objects.filter(visible).order_by("depth").values_list("depth", flat=True)
        depth = depths.first() or 0
    data = overview(measurement, visible, depth + query.levels - 1, query.sort, top)
    return data, query


@org_view(None)
def overview_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The heatmap, with a unit picker among the units this person may see."""
    data, query = _overview(request, pk)
    code = data.top.code if data.top else ""
    visible = get_access(request).visible_units_q()
    ancestors = (
        list(Unit.objects.filter(visible, id__in=data.top.ancestor_ids()).order_by("depth"))
        if data.top
        else []
    )
    return render(
        request,
        "reports/overview.html",
        {
            "overview": data,
            "levels": query.levels,
            "level_choices": LEVELS,
            "query": query.as_query(code),
            "unsorted_query": query.as_query(code, sort=False),
            "headers": headers(data, query.as_query(code, sort=False)),
            "unit_options": unit_options(
                Unit.objects.filter(visible).order_by("path").values_list("name", "code")
            ),
            "ancestors": ancestors,
            "organisation_row": organisation_row(data),
            "unit_rows": unit_rows(data),
        },
    )


@org_view(None)
def overview_xlsx_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The heatmap as it is shown (same rows, order and columns) as an Excel workbook."""
    data, _query = _overview(request, pk)
    response = HttpResponse(
        overview_xlsx(data),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"trivsel-{pk}-heatmap" + (f"-{_safe(data.top.code)}" if data.top else "")
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@org_view(Capability.MANAGE_MEASUREMENTS)
def pdf_bundles(request: HttpRequest, pk: int) -> HttpResponse:
    """HR: make every unit's PDF in the background; progress, then one ZIP to download."""
    measurement = get_object_or_404(Measurement, pk=pk)
    if not may_see_results(request, measurement):
        raise Http404
    if request.method == "POST":
        bundle = PdfBundle.objects.create(
            measurement=measurement,
            language=get_language() or "da",
            created_by=request.user if request.user.is_authenticated else None,
        )
        transaction.on_commit(lambda: make_bundle_task.enqueue(bundle.pk))
        return redirect("reports:pdfs", pk=measurement.pk)
    bundles = list(PdfBundle.objects.filter(measurement=measurement)[:5])
    running = any(b.status in (PdfBundle.Status.QUEUED, PdfBundle.Status.RUNNING) for b in bundles)
    return render(
        request,
        "reports/pdfs.html",
        {"measurement": measurement, "bundles": bundles, "running": running},
    )


@org_view(Capability.MANAGE_MEASUREMENTS)
def pdf_bundle_download(request: HttpRequest, bundle: int) -> HttpResponse:
    found = get_object_or_404(PdfBundle, pk=bundle, status=PdfBundle.Status.DONE)
    if not found.path.exists():
        raise Http404
    response: HttpResponse = FileResponse(  # type: ignore[assignment]
        found.path.open("rb"), as_attachment=True, filename=f"trivsel-{found.measurement_id}.zip"
    )
    return response


@org_view(Capability.MANAGE_MEASUREMENTS)
def all_units_xlsx_download(request: HttpRequest, pk: int) -> HttpResponse:
    """HR: every shown figure of every unit, one row each, as one Excel table."""
    measurement = _with_results(request, pk)
    output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it; on disk: tens of MB)
    all_units_xlsx(measurement, output)
    output.seek(0)
    response: HttpResponse = FileResponse(  # type: ignore[assignment]
        output, as_attachment=True, filename=f"trivsel-{pk}-all-units.xlsx", content_type=XLSX
    )
    return response


@org_view(Capability.MANAGE_MEASUREMENTS)
def all_units_csv_download(request: HttpRequest, pk: int) -> HttpResponse:
    """HR: the same table as CSV, streamed (see reports/csvfile.py for the format)."""
    measurement = _with_results(request, pk)
    language = get_language() or "da"

    def lines() -> Iterator[str]:  # written after the view returns: in the request's language
        with translation.override(language):
            yield from all_units_csv(measurement)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="trivsel-{pk}-all-units.csv"'
    return response  # type: ignore[return-value]
