"""HR's unit mapping: which earlier unit(s) each unit's results are compared with. Every
change rebuilds the stored results of closed measurements (see signals)."""

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from trivsel.core.access import Capability, org_view
from trivsel.organisation.models import Unit
from trivsel.results.forms import MappingForm
from trivsel.results.models import UnitMapping


@org_view(Capability.MANAGE_MEASUREMENTS)
def mapping(request: HttpRequest) -> HttpResponse:
    form = MappingForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        UnitMapping.objects.create(
            unit=form.cleaned_data["unit"],
            previous_code=form.cleaned_data["previous_code"],
            note=form.cleaned_data["note"],
            created_by=request.user if request.user.is_authenticated else None,
        )
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
        get_object_or_404(UnitMapping, pk=pk).delete()
    return redirect("results:mapping")
