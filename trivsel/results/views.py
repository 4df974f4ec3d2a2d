"""HR's unit mapping: which earlier unit(s) each unit's results are compared with. Every
change rebuilds the stored results of closed measurements (see signals). And HR's button
that builds a measurement's results again."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trivsel.core.audit import record
from trivsel.measurements.models import Measurement
from trivsel.organisation.access import Capability, org_view
from trivsel.organisation.models import Unit
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
