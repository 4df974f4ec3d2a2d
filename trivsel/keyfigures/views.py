"""A unit's key figures: sickness absence month by month with the rolling twelve months and
the same month last year, the causes, headcount and FTE — each figure with its definition.
Through the one access check: those who may see the unit."""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from trivsel.keyfigures.charts import absence_chart, bar_chart, staff_chart
from trivsel.keyfigures.compute import revisable_from
from trivsel.keyfigures.figures import add_months, month_bounds
from trivsel.keyfigures.models import Cause, CauseCode, Spell, Upload
from trivsel.keyfigures.read import last_complete, organisation, series
from trivsel.organisation.access import Capability, get_access, org_view, unit_view
from trivsel.organisation.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@unit_view(Capability.VIEW_UNIT)
def unit_figures(request: HttpRequest, unit: Unit) -> HttpResponse:
    last = last_complete(timezone.localdate())  # the month under way is not a figure yet
    data = series(unit, last) if last else None
    rows = []
    if data is not None:
        for month in reversed(data.months[-13:]):
            rows.append({
                "month": month.month, "shown": month.shown,
                "percentage": month.percentage, "rolling": data.rolling(month.month),
                "last_year": data.last_year(month.month), "change": data.change(month.month),
                "days": data.days_per_fte(month.month),
                "headcount": month.figures.get("headcount"), "fte": month.figures.get("fte"),
                "plausible": data.plausible(month.month),
            })  # fmt: skip
    access = get_access(request)
    context: dict[str, object] = {
        "may_see_support": any(s.role in ("hr_admin", "leader") for s in access.scopes),
        "has_below": unit.children.filter(valid_to=None).exists(),
        "unit": unit, "rows": rows, "last": last, "chart": absence_chart(list(reversed(rows))),
        "staff_chart": staff_chart(list(reversed(rows))),
    }  # fmt: skip
    if data is not None and last is not None:
        causes = data.causes(last)
        bands = data.bands(last)
        band_labels = [_("1-14 days"), _("15-28 days"), _("More than 28 days")]
        cohort = data.cohort_turnover(last)
        whole, now = organisation(last), data.at(last)
        context.update({
            "summary": {
                "month": now.percentage if now else None,
                "year_to_date": data.year_to_date(last), "rolling": data.rolling(last),
                "days": data.days_per_fte(last),
                "organisation": whole.rolling(last) if whole and whole.unit != unit else None,
                "january": last.replace(month=1),
            },
            "first_of_year": add_months(last, -11),
            "causes_chart": bar_chart(causes, _("Absence by cause, twelve months"),
                                      _("dagsværk")),
            "bands_chart": bar_chart(list(zip(band_labels, bands or [], strict=False)),
                                     _("Sickness spells by length, twelve months"), decimals=0),
            "band_days_chart": bar_chart(
                list(zip(band_labels, [data.total(last, f"band_days:{b}") or 0.0
                                       for b in range(len(band_labels))], strict=True)),
                _("Sickness absence dagsværk by the spell's length, twelve months"),
                _("dagsværk")) if bands else "",
            "staff": {
                "hires": data.total(last, "hires"), "leavers": data.total(last, "leavers"),
                "turnover": data.turnover(last),
                "cohort": cohort[0] if cohort else None,
                "cohort_turnover": cohort[1] if cohort else None,
                "count_date": month_bounds(add_months(last, -12))[1] if cohort else None,
            },
        })  # fmt: skip
    return render(request, "keyfigures/unit.html", context)


DEFINITIONS = [
    (
        "sickness_absence_pct",
        gettext_lazy("Sickness absence (own illness + work injury) / possible dagsværk × 100"),
    ),
    ("fte", gettext_lazy("FTE in the month: employment fraction × share of the month employed")),
    (
        "possible_dagsvaerk",
        gettext_lazy("Possible dagsværk: scheduled working days × employment fraction"),
    ),
    (
        "absence_<cause>",
        gettext_lazy("Absence dagsværk (7.4 hours) by cause; scheduled working days only"),
    ),
    (
        "spells_band_<n>",
        gettext_lazy(
            "Spells of absence begun in the month, by length: 0 ≤ 14, 1 15-28, 2 > 28 calendar days"
        ),
    ),
    ("headcount", gettext_lazy("Employed at the end of the month")),
    (
        "people",
        gettext_lazy("Employed at some time in the month (the count the small-unit rule uses)"),
    ),
    (
        "leavers / hires",
        gettext_lazy(
            "Left / joined the organisation in the month (a move between units is neither)"
        ),
    ),
    (
        "cohort / cohort_gone",
        gettext_lazy(
            "Employed in the unit at the end of the month a year before / of them, employed "
            "nowhere in the organisation at the end of this month"
        ),
    ),
    (
        "(rule)",
        gettext_lazy(
            "Only units with at least 5 employees, and none where subtraction would expose fewer"
        ),
    ),
]


@org_view(None)
def export(request: HttpRequest) -> HttpResponse:
    """The stored monthly figures of the units this person may see, for Power BI: CSV, or
    XLSX (?format=xlsx) with the definitions on their own lines after the figures."""
    from trivsel.keyfigures.models import MonthFigure

    access = get_access(request)
    if not access.is_anybody:
        raise PermissionDenied
    if request.GET.get("definitions"):
        return _download([["column", "definition"],
                          *[[name, str(text)] for name, text in DEFINITIONS]],
                         request.GET.get("format"), "trivsel-keyfigures-definitions")  # fmt: skip
    last = last_complete(timezone.localdate())  # the month under way is no figure yet
    rows = (
        MonthFigure.objects.filter(shown=True, unit__in=access.visible_units(),
                                   month__lte=last or date.min)
        .select_related("unit").order_by("unit__path", "month")
    )  # fmt: skip
    causes = [cause.value for cause in Cause]
    header = ["unit_code", "unit", "month", "headcount", "fte", "possible_dagsvaerk",
              *[f"absence_{c}" for c in causes], "sickness_absence_pct",
              "spells_band_0", "spells_band_1", "spells_band_2", "leavers", "hires", "people",
              "cohort", "cohort_gone"]  # fmt: skip

    def lines() -> Iterator[Sequence[object]]:
        yield header
        for row in rows.iterator(chunk_size=2000):
            f = row.figures
            sick = f.get("absence:own_illness", 0) + f.get("absence:work_injury", 0)
            possible = f.get("possible", 0)
            yield [row.unit.code, row.unit.name, row.month.isoformat(), f.get("headcount"),
                   f.get("fte"), possible, *[f.get(f"absence:{c}", 0) for c in causes],
                   round(100 * sick / possible, 4) if possible else None,
                   f.get("band:0"), f.get("band:1"), f.get("band:2"), f.get("leavers"),
                   f.get("hires"), f.get("people"), f.get("cohort"),
                   f.get("cohort_gone")]  # fmt: skip

    return _download(lines(), request.GET.get("format"), "trivsel-keyfigures")


def _download(lines: Iterable[Sequence[object]], fmt: str | None, name: str) -> HttpResponse:
    """A table as Excel (`fmt` "xlsx") or as semicolon CSV with a byte-order mark: one
    table per file, so Power BI reads it as is (the definitions are a file of their own)."""
    from trivsel.core.exports import csv_row, table_xlsx

    if fmt == "xlsx":
        output = io.BytesIO()
        table_xlsx(lines, output, "Nøgletal")
        response = HttpResponse(output.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for line in lines:
        writer.writerow(csv_row(line))
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


MAX_UPLOAD = 200 * 2**20  # 45,000 people's year of spells is ~15 MB as CSV


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"), choices=Upload.Kind.choices,
                             widget=forms.RadioSelect)  # fmt: skip
    file = forms.FileField(label=gettext_lazy("File (CSV or Excel)"))
    period_from = forms.DateField(
        label=gettext_lazy("The period the file covers: from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    period_to = forms.DateField(
        label=gettext_lazy("to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Upload.Kind.ABSENCE:
            first, last = data.get("period_from"), data.get("period_to")
            if not first or not last:
                self.add_error(
                    "period_from",
                    gettext_lazy(
                        "Give the period the file covers: its spells replace those starting in it "
                        "for everyone."
                    ),
                )
            elif last < first:
                self.add_error("period_to", gettext_lazy("The period ends before it starts."))
        return data

    def clean_file(self) -> object:
        file = self.cleaned_data["file"]
        if file.size > MAX_UPLOAD:
            raise forms.ValidationError(gettext_lazy("The file is larger than 200 MB."))
        return file


class CauseCodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Cause code"), max_length=20)
    cause = forms.ChoiceField(label=gettext_lazy("Counts as"), choices=Cause.choices)


@org_view(Capability.MANAGE_ORGANISATION)
def uploads(request: HttpRequest) -> HttpResponse:
    """HR uploads employment, absence or monthly aggregates; the file is checked in the
    background and imported only when HR confirms what it writes and replaces."""
    from trivsel.keyfigures.importing import codes
    from trivsel.keyfigures.tasks import check_upload

    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if form.is_bound and form.is_valid():
        file = form.cleaned_data["file"]
        absence = form.cleaned_data["kind"] == Upload.Kind.ABSENCE
        upload = Upload.objects.create(
            kind=form.cleaned_data["kind"], filename=file.name[:255], data=file.read(),
            period_from=form.cleaned_data["period_from"] if absence else None,
            period_to=form.cleaned_data["period_to"] if absence else None,
            created_by=request.user if request.user.is_authenticated else None,
            heartbeat_at=timezone.now(),
        )  # fmt: skip
        transaction.on_commit(lambda: check_upload.enqueue(upload.pk))
        return redirect("keyfigures:upload", pk=upload.pk)
    labels = dict(Cause.choices)
    context = {
        "form": form, "code_form": CauseCodeForm(),
        "revisable_from": revisable_from(timezone.localdate()),
        "uploads": Upload.objects.defer("data").select_related("created_by")[:10],
        "codes": [(code, labels.get(cause, cause)) for code, cause in sorted(codes().items())],
    }  # fmt: skip
    return render(request, "keyfigures/uploads.html", context)


@org_view(Capability.MANAGE_ORGANISATION)
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Upload.objects.defer("data"), pk=pk)
    rows, replaced = item.summary.get("rows", 0), item.summary.get("replaced", 0)
    kept = [date.fromisoformat(day) for day in item.summary.get("kept", [])]
    # a partial or broken export replaces a whole period with a few rows: say so first
    shrinks = item.status == Upload.Status.READY and replaced >= 20 and replaced > 2 * rows
    period = [date.fromisoformat(day) if day else None
              for day in (item.summary.get("first"), item.summary.get("last"))]  # fmt: skip
    return render(request, "keyfigures/upload.html",
                  {"upload": item, "shrinks": shrinks, "period": period,
                   "kept": kept})  # fmt: skip


@require_POST
@org_view(Capability.MANAGE_ORGANISATION)
def upload_apply(request: HttpRequest, pk: int) -> HttpResponse:
    from trivsel.keyfigures.tasks import apply_upload

    claimed = Upload.objects.filter(pk=pk, status=Upload.Status.READY).update(
        status=Upload.Status.APPLYING, heartbeat_at=timezone.now()
    )
    if claimed:
        transaction.on_commit(lambda: apply_upload.enqueue(pk))
    return redirect("keyfigures:upload", pk=pk)


@require_POST
@org_view(Capability.MANAGE_ORGANISATION)
def upload_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """A checked file HR does not import: its bytes are dropped, and it cannot be imported
    later by mistake."""
    Upload.objects.filter(pk=pk, status=Upload.Status.READY).update(
        status=Upload.Status.CANCELLED, data=None, finished_at=timezone.now()
    )
    return redirect("keyfigures:uploads")


@require_POST
@org_view(Capability.MANAGE_ORGANISATION)
def recompute(request: HttpRequest) -> HttpResponse:
    """HR recomputes every month, also those older than the revisable ones whose figures
    have been shown: they change, and an export from before and one from after can be
    compared, so it is a decision of its own, confirmed and audited."""
    from trivsel.core.audit import record
    from trivsel.keyfigures.tasks import rebuild_figures

    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick that you know the figures already shown will change."))
        return redirect("keyfigures:uploads")
    record("key figures recomputed", "every month", "including months already shown")
    transaction.on_commit(lambda: rebuild_figures.enqueue(everything=True))
    messages.success(request, _("Every month is being computed again."))
    return redirect("keyfigures:uploads")


@require_POST
@org_view(Capability.MANAGE_ORGANISATION)
def cause_code(request: HttpRequest) -> HttpResponse:
    """Add a cause code or change what it counts as; the stored spells with that code
    follow, and the months are computed again."""
    from trivsel.core.audit import record
    from trivsel.keyfigures.importing import codes
    from trivsel.keyfigures.tasks import rebuild_figures

    form = CauseCodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a cause code and what it counts as."))
        return redirect("keyfigures:uploads")
    code, cause = form.cleaned_data["code"].strip(), form.cleaned_data["cause"]
    codes()
    with transaction.atomic():
        CauseCode.objects.update_or_create(code=code, defaults={"cause": cause})
        changed = Spell.objects.filter(code=code).exclude(cause=cause).update(cause=cause)
        record("cause code mapped", code, f"{cause}; {changed} spells")
        if changed:
            transaction.on_commit(rebuild_figures.enqueue)
    messages.success(request, _("The code %(code)s now counts as %(cause)s. The last months "
                                "are computed again; older months keep what they showed "
                                "until you compute every month again.")
                     % {"code": code, "cause": Cause(cause).label})  # fmt: skip
    return redirect("keyfigures:uploads")
