import csv
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trivsel.core.audit import ACTIONS
from trivsel.core.exports import csv_row
from trivsel.core.models import AuditEntry
from trivsel.organisation.access import Capability, get_access, org_view, unit_view
from trivsel.organisation.browse import tree_items
from trivsel.organisation.forms import ImportForm
from trivsel.organisation.importing.display import SECTION_TITLES, describe
from trivsel.organisation.importing.plan import Plan
from trivsel.organisation.importing.service import MassChange
from trivsel.organisation.models import Employee, ImportJob, TrioMember, Unit
from trivsel.organisation.panels import unit_parts
from trivsel.organisation.tasks import apply_import_job, check_import_job

PLAN_DETAIL_LIMIT = 200


@org_view(None)
def tree(request: HttpRequest) -> HttpResponse:
    access = get_access(request)
    query = request.GET.get("q", "").strip()
    units = access.visible_units().filter(valid_to=None)
    if query:
        matches = units.filter(Q(name__icontains=query) | Q(code__iexact=query))[:100]
        return render(request, "organisation/search.html", {"query": query, "units": matches})
    unit_list = list(units.only("id", "code", "name", "kind", "parent_id", "path"))
    counts = dict(
        Employee.objects.filter(is_active=True, unit__in=[u.id for u in unit_list])
        .values_list("unit_id")
        .annotate(count=Count("id"))
        .values_list("unit_id", "count")
    )
    return render(
        request, "organisation/tree.html", {"items": tree_items(unit_list, counts, open_levels=2)}
    )


@unit_view(Capability.VIEW_UNIT)
def unit_detail(request: HttpRequest, unit: Unit) -> HttpResponse:
    access = get_access(request)
    ancestors = [(a, access.role_on(a) is not None) for a in unit.ancestors()]
    children = list(
        unit.children.filter(valid_to=None).annotate(
            people=Count("employees", filter=Q(employees__is_active=True))
        )
    )
    employees = unit.employees.filter(is_active=True)
    page = Paginator(employees, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "organisation/unit.html",
        {
            "unit": unit,
            "ancestors": ancestors,
            "children": [(child, access.role_on(child) is not None) for child in children],
            "leaders": employees.filter(is_leader=True),
            "trio": TrioMember.objects.filter(unit=unit, employee__is_active=True).select_related(
                "employee"
            ),
            "page": page,
            "employee_count": page.paginator.count,
            "show_contacts": access.can(Capability.VIEW_CONTACTS, unit),
            "role": access.role_on(unit),
            **unit_parts(request, unit),  # open measurements, validations, reports
        },
    )


@org_view(Capability.MANAGE_ORGANISATION)
def import_start(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if form.is_bound and form.is_valid():
        units, employees = form.cleaned_data["units"], form.cleaned_data["employees"]
        job = ImportJob.objects.create(
            created_by=request.user if request.user.is_authenticated else None,
            units_filename=units.name if units else "",
            units_data=units.read() if units else None,
            employees_filename=employees.name if employees else "",
            employees_data=employees.read() if employees else None,
        )
        transaction.on_commit(lambda: check_import_job.enqueue(job.pk))
        return redirect("organisation:import_job", pk=job.pk)
    jobs = ImportJob.objects.defer("units_data", "employees_data")[:10]
    return render(request, "organisation/import_start.html", {"form": form, "jobs": jobs})


@org_view(Capability.MANAGE_ORGANISATION)
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob.objects.defer("units_data", "employees_data"), pk=pk)
    plan = Plan.from_dict(job.plan) if job.plan else None
    sections = []
    if plan is not None:
        for key, items in plan.as_dict().items():
            sections.append(
                {"title": SECTION_TITLES[key], "count": len(items),
                 "lines": [describe(key, item) for item in items[:PLAN_DETAIL_LIMIT]],
                 "more": max(0, len(items) - PLAN_DETAIL_LIMIT)}
            )  # fmt: skip
    return render(
        request,
        "organisation/import_job.html",
        {
            "job": job,
            "sections": sections,
            "plan_is_empty": plan is not None and plan.is_empty,
            "mass_changes": [MassChange(**change) for change in job.mass_changes],
        },
    )


def mass_changes_confirmed(changes: list[dict[str, object]], data: Any) -> bool:
    """Every large change's number typed in its own field (`confirm_<what>`), exactly."""
    return all(
        str(data.get(f"confirm_{change['what']}", "")).strip() == str(change["count"])
        for change in changes
    )


@require_POST
@org_view(Capability.MANAGE_ORGANISATION)
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob.objects.only("pk", "status", "mass_changes"), pk=pk)
    if not mass_changes_confirmed(job.mass_changes, request.POST):
        messages.error(
            request,
            _("Type the numbers of the large changes exactly as shown to confirm them."),
        )
        return redirect("organisation:import_job", pk=pk)
    # The conditional update makes a double click apply once.
    claimed = ImportJob.objects.filter(pk=pk, status=ImportJob.Status.READY).update(
        status=ImportJob.Status.APPLYING, confirmed_mass_changes=job.mass_changes
    )
    if claimed:
        transaction.on_commit(lambda: apply_import_job.enqueue(pk))
    else:
        messages.warning(request, _("This import is not waiting to be applied."))
    return redirect("organisation:import_job", pk=pk)


@org_view(Capability.MANAGE_ORGANISATION)
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log for HR: filter by action, person and dates; export what is shown as
    CSV. Read-only: the app offers no way to change or delete an entry."""
    entries = AuditEntry.objects.all()
    chosen = {
        name: request.GET.get(name, "").strip() for name in ("action", "who", "since", "until")
    }
    if chosen["action"] in ACTIONS:
        entries = entries.filter(action=chosen["action"])
    if chosen["who"]:
        entries = entries.filter(actor__icontains=chosen["who"])
    for name, lookup in (("since", "at__date__gte"), ("until", "at__date__lte")):
        try:
            day = parse_date(chosen[name]) if chosen[name] else None
        except ValueError:  # well-formed but no such day (2026-13-45): no filter
            day = None
        if day is not None:
            entries = entries.filter(**{lookup: day})
    if request.GET.get("format") == "csv":
        return _audit_csv(entries)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in chosen.items() if v})
    rows = [(entry, ACTIONS.get(entry.action, entry.action)) for entry in page]
    return render(
        request,
        "organisation/audit.html",
        {"page": page, "rows": rows, "actions": ACTIONS, "chosen": chosen, "query": query},
    )


def _audit_csv(entries: Any) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="trivsel-audit-log.csv"'
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Time"), _("Person"), _("Action"), _("Object"), _("Detail"), _("Address")])
    for entry in entries.iterator():
        label = ACTIONS.get(entry.action, entry.action)
        when = timezone.localtime(entry.at).isoformat(timespec="seconds")
        writer.writerow(
            csv_row([when, entry.actor, label, entry.target, entry.detail, entry.address])
        )
    return response
