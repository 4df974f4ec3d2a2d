"""The incident register's pages: register, read (only those who may: trivsel.apv.access),
follow up, mark the EASY report, and the counts per unit and quarter."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.apv import access as incident_access
from trivsel.apv import services, statistics
from trivsel.apv.forms import FollowUpForm, IncidentForm, QuarterForm, ReportedForm
from trivsel.apv.models import Incident
from trivsel.organisation.access import get_access, org_view


def _readable(request: HttpRequest, pk: int) -> Incident:
    incident = (
        incident_access.readable(get_access(request), request.user)
        .select_related("unit", "registered_by")
        .filter(pk=pk)
        .first()
    )
    if incident is None:
        raise Http404
    return incident


@org_view(None)
def incident_list(request: HttpRequest) -> HttpResponse:
    access = get_access(request)
    found = list(
        incident_access.readable(access, request.user).select_related("unit", "registered_by")[:500]
    )
    today = timezone.localdate()
    rows = [(i, services.deadline(i, today), services.needs_easy(i, today)) for i in found]
    rows.sort(key=lambda row: (not row[2], row[1] or today, -row[0].pk))
    context = {
        "rows": rows, "may_register": incident_access.register_units(access).exists(),
        "may_count": incident_access.statistics_units(access).exists(),
    }  # fmt: skip
    return render(request, "apv/incidents.html", context)


@org_view(None)
def incident_new(request: HttpRequest) -> HttpResponse:
    access = get_access(request)
    units = incident_access.register_units(access)
    if not units.exists():
        raise PermissionDenied
    own = access.member.unit_id if access.member else None
    form = IncidentForm(request.POST or None, units=units, initial={"unit": own})
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "unit"}
        try:
            incident = services.register(form.cleaned_data["unit"], request.user, **fields)
        except services.Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The incident is registered. Your leader can see it."))
            return redirect("apv:incident", pk=incident.pk)
    return render(request, "apv/incident_new.html", {"form": form},
                  status=400 if form.is_bound else 200)  # fmt: skip


@org_view(None)
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _readable(request, pk)
    access = get_access(request)
    leads = incident_access.follows_up(access, incident)
    follow = FollowUpForm(initial={"follow_up": incident.follow_up,
                                   "amo_informed": incident.amo_informed,
                                   "last_absence": incident.last_absence})  # fmt: skip
    reported = ReportedForm(initial={"reported_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if not leads:
            raise PermissionDenied
        try:
            if "reported" in request.POST:
                reported = ReportedForm(request.POST)
                if reported.is_valid():
                    services.mark_reported(incident, request.user,
                                           reported.cleaned_data["reported_on"])  # fmt: skip
                    messages.success(request, _("Marked as reported to EASY."))
                    return redirect("apv:incident", pk=pk)
            else:
                follow = FollowUpForm(request.POST)
                if follow.is_valid():
                    data = follow.cleaned_data
                    services.follow_up(incident, request.user, data["follow_up"],
                                       data["amo_informed"], data["last_absence"])  # fmt: skip
                    messages.success(request, _("The follow-up is saved."))
                    return redirect("apv:incident", pk=pk)
        except services.Refused as refusal:
            messages.error(request, str(refusal))
        status = 400
    today = timezone.localdate()
    context = {
        "incident": incident, "leads": leads, "follow": follow, "reported": reported,
        "deadline": services.deadline(incident, today),
        "needs_easy": services.needs_easy(incident, today),
        "absence_days": services.absence_days(incident, today),
    }  # fmt: skip
    return render(request, "apv/incident.html", context, status=status)


@org_view(None)
def incident_statistics(request: HttpRequest) -> HttpResponse:
    access = get_access(request)
    units = list(incident_access.statistics_units(access).order_by("path")[:2000])
    if not units:
        raise PermissionDenied
    year, quarter = statistics.quarter_of(timezone.localdate())
    form = QuarterForm(request.GET or None, initial={"year": year, "quarter": quarter})
    if form.is_bound and form.is_valid():
        year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
    trend_quarters = []
    y, q = year, quarter
    for _step in range(4):
        trend_quarters.append((y, q))
        y, q = (y, q - 1) if q > 1 else (y - 1, 4)
    top = units[0]
    trend = [((y, q), statistics.counts(y, q, [top])[0].total) for y, q in reversed(trend_quarters)]
    context = {
        "form": form, "year": year, "quarter": quarter, "top": top, "trend": trend,
        "rows": statistics.counts(year, quarter, units),
        "kinds": Incident.Kind.choices, "sources": Incident.Source.choices,
        "k": settings.RESULTS_MIN_GROUP,
    }  # fmt: skip
    return render(request, "apv/statistics.html", context)
