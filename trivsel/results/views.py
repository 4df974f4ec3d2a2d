"""HR's unit mapping: which earlier unit(s) each unit's results are compared with. Every
change rebuilds the stored results of closed measurements (see signals). And HR's button
that builds a measurement's results again."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trivsel.core.audit import record
from trivsel.measurements.models import Measurement
from trivsel.organisation.access import Capability, org_view
from trivsel.organisation.models import Unit
from trivsel.results import redaction
from trivsel.results.forms import MappingForm
from trivsel.results.models import UnitMapping
from trivsel.results.tasks import start_build


@org_view(Capability.MANAGE_MEASUREMENTS)
def mapping(request: HttpRequest) -> HttpResponse:
    form = MappingForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        line = UnitMapping.objects.create(
            unit=form.cleaned_data["unit"],
            previous_code=form.cleaned_data["previous_code"],
            note=form.cleaned_data["note"],
            created_by=request.user if request.user.is_authenticated else None,
        )
        record("unit mapping added", f"{line.unit.code} ← {line.previous_code}", line.note)
        return redirect("results:mapping")
    lines = list(UnitMapping.objects.select_related("unit"))
    names = dict(
        Unit.objects.filter(code__in=[line.previous_code for line in lines]).values_list(
            "code", "name"
        )
    )
    rows = [(line, names.get(line.previous_code, "")) for line in lines]
    return render(request, "results/mapping.html", {"form": form, "lines": rows})


@require_POST
@org_view(Capability.MANAGE_MEASUREMENTS)
def mapping_remove(request: HttpRequest, pk: int) -> HttpResponse:
    with transaction.atomic():
        line = get_object_or_404(UnitMapping.objects.select_related("unit"), pk=pk)
        line.delete()
        record("unit mapping removed", f"{line.unit.code} ← {line.previous_code}")
    return redirect("results:mapping")


@require_POST
@org_view(Capability.MANAGE_MEASUREMENTS)
def rebuild(request: HttpRequest, pk: int) -> HttpResponse:
    """Build a closed measurement's results again (in the background); back to the page
    the button was on."""
    measurement = get_object_or_404(Measurement, pk=pk)
    if measurement.state in (Measurement.State.CLOSED, Measurement.State.RELEASED):
        start_build(measurement)
        messages.success(request, _("The results are being built again."))
    else:
        messages.error(request, _("Results are built only for a closed measurement."))
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect("reports:overview", pk=measurement.pk)


COMMENTS_PER_PAGE = 50


@org_view(Capability.MANAGE_MEASUREMENTS)
def comments(request: HttpRequest, pk: int) -> HttpResponse:
    """HR reads a closed measurement's comments (text only, alphabetical, searchable) and
    removes or edits one that could identify a person (results/redaction.py)."""
    measurement = get_object_or_404(Measurement, pk=pk)
    if measurement.state not in redaction.OPEN_FOR_REDACTION:
        raise Http404
    search = request.GET.get("q", "")[:200]
    back = f"{request.path}?{urlencode({'q': search, 'page': request.GET.get('page', '1')})}"
    error, error_at = "", None
    if request.method == "POST":
        answer_id = request.POST.get("answer", "")
        if not answer_id.isdigit():
            return HttpResponseBadRequest()
        remove = "remove" in request.POST
        try:
            change = redaction.redact(
                measurement, int(answer_id), None if remove else request.POST.get("text", "")
            )
        except redaction.Refused as refusal:
            error, error_at = str(refusal), int(answer_id)
        else:
            done = (
                _("The comment was removed.") if change.removed else _("The comment was changed.")
            )
            if change.comments > 1:
                done += " " + _(
                    "%(count)s comments with exactly the same text changed with it."
                ) % {"count": change.comments}
            messages.success(request, done)
            return redirect(back)
    page = Paginator(redaction.comments(measurement, search), COMMENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "measurement": measurement, "page": page, "search": search, "error": error,
        "error_at": error_at, "removed_text": redaction.removed_text(),
    }  # fmt: skip
    return render(request, "results/comments.html", context, status=400 if error else 200)
