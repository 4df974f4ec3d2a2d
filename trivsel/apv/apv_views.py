"""A unit's APV: one page to build it (the four elements, the sign-offs, the approval) for its
leader, AMR and HR; the approved APV to read for everyone in the unit, as a page, a PDF for
the staff room and a CSV for Arbejdstilsynet; HR's overview of every unit's APV status."""

import csv
import io
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trivsel.apv import access as apv_access
from trivsel.apv import apv_services as service
from trivsel.apv import statistics
from trivsel.apv.forms import DiscussionForm
from trivsel.apv.models import AnnualDiscussion, Apv, Factor, Problem, Signoff
from trivsel.apv.rules import approval_refusals, apv_status
from trivsel.core.audit import record as audit
from trivsel.core.exports import csv_row
from trivsel.dialogue.models import Action
from trivsel.dialogue.services import results_unit
from trivsel.keyfigures.report_tail import beside_results
from trivsel.measurements.models import Measurement
from trivsel.organisation.access import Capability, get_access, org_view, unit_view
from trivsel.organisation.models import Employee, Unit
from trivsel.reports.content import unit_report
from trivsel.reports.pdf import unit_report_pdf
from trivsel.reports.seeing import reports_for

# The bank's dimensions and exposure questions that speak to each psychosocial risk.
FACTOR_FIGURES = {
    "workload": ["demands", "burnout"],
    "demands": ["role_clarity"],
    "emotional": ["theme_citizens"],
    "offensive": ["apv.bullying", "apv.sexual_harassment"],
    "violence": ["apv.threats", "apv.violence"],
}
FACTOR_INCIDENTS = {"offensive": ["bullying", "sexual_harassment", "other"],
                    "violence": ["violence", "threats"]}  # fmt: skip


def reason_text(code: str) -> str:
    kind, _sep, detail = code.partition(":")
    if kind == "factor":
        return _("Mark “%(factor)s” relevant or not, and say why.") % {
            "factor": Factor.Key(detail).label
        }
    if kind == "plan":
        return _("The problem “%(title)s” needs an action with an owner and a due date.") % {
            "title": detail
        }
    if kind == "signoff":
        return _("%(role)s has not signed.") % {"role": Signoff.Role(detail).label}
    return {
        "survey": _("Link the measurement, or go through the physical checklist."),
        "walkthrough": _("Give the date of the walk-through."),
        "absence": _("Assess whether the working conditions contribute to sickness absence."),
        "approved": _("An approved APV is not changed: start a new one."),
        "measurement": _("Link a measurement first: its dialogue holds the actions."),
        "other unit": _("Only the unit's own actions can be linked."),
        "problem": _("Give the problem a title and a severity (1-3)."),
    }.get(kind, code)


def _figures(apv: Apv) -> dict[str, list[tuple[str, str]]]:
    """Per psychosocial risk, the shown results of the linked measurement that speak to it
    (a dimension's score, or the share exposed), and the unit's incidents of the last four
    quarters that may be shown."""
    found: dict[str, list[tuple[str, str]]] = {key: [] for key in Factor.Key.values}
    if apv.measurement is not None:
        shown_unit = results_unit(apv.measurement, apv.unit)
        if shown_unit is not None:
            report = unit_report(apv.measurement, shown_unit)
            note = "" if shown_unit == apv.unit else f" ({shown_unit.name})"
            for key, wanted in FACTOR_FIGURES.items():
                for figure in report.dimensions:
                    if figure.key in wanted and figure.score is not None:
                        found[key].append((figure.name + note, f"{figure.score}"))
                for offensive in report.offensive_kinds:
                    if offensive.exposure.key in wanted:
                        share = offensive.exposure.exposed
                        text = (
                            _("%(share)s %% exposed") % {"share": share}
                            if share is not None
                            else (offensive.exposure.why.text if offensive.exposure.why else "–")
                        )
                        found[key].append((offensive.name + note, text))
    # one count over the last four complete quarters (as the support view), not four
    # counts summed: a sum of hidden quarters would hide a total that may be shown
    year, quarter = statistics.quarter_of(timezone.localdate())
    this_quarter = statistics.quarter_bounds(year, quarter)[0]
    year_ago = this_quarter.replace(year=this_quarter.year - 1)
    totals: dict[str, int | None] = {}
    for row in statistics.counts_between(year_ago, this_quarter, [apv.unit]):
        totals = dict(row.kinds)
    for key, kinds in FACTOR_INCIDENTS.items():
        values = [totals.get(kind) for kind in kinds]
        shown = "–" if any(v is None for v in values) else str(sum(v or 0 for v in values))
        found[key].append((_("Registered incidents, last four quarters"), shown))
    return found


@unit_view(Capability.VIEW_UNIT)
def apv_unit(request: HttpRequest, unit: Unit) -> HttpResponse:
    access = get_access(request)
    worker = apv_access.works_on_apv(access, request.user, unit)
    apv = service.current(unit)
    if request.method == "POST":
        if not worker:
            raise PermissionDenied
        try:
            _act(request, unit, apv)
        except service.Refused as refusal:
            for reason in refusal.reasons:
                messages.error(request, reason_text(reason))
        return redirect("apv:unit", code=unit.code)
    if apv is None:
        measurements = [m for m in reports_for(request, unit)
                        if m.kind == Measurement.Kind.MAIN and m.state == "released"]  # fmt: skip
        return render(request, "apv/start.html", {
            "unit": unit, "worker": worker, "measurements": measurements,
            "discussions": _discussions(unit), "this_year": timezone.localdate().year,
        })  # fmt: skip
    refusals = approval_refusals(service.facts(apv)) if apv.state == "draft" else []
    actions = Action.objects.filter(unit=unit).exclude(status=Action.Status.CANCELLED)
    context = {
        "unit": unit, "apv": apv, "worker": worker, "figures": _figures(apv),
        "factors": list(apv.factors.all()), "checks": list(apv.checks.select_related("item")),
        "problems": list(apv.problems.prefetch_related("actions__owners")),
        "refusals": [reason_text(code) for code in refusals],
        "signoffs": list(apv.signoffs.all()),
        "roles": [r for r in Signoff.Role if (r.value in ("employer", "employee")) == apv.no_amo
                  and apv_access.may_sign(access, request.user, unit, r.value)],
        "status": status_of(apv, today=timezone.localdate()),
        "actions": list(actions), "owners": Employee.objects.filter(unit=unit, is_active=True),
        "severities": Problem._meta.get_field("severity").choices,
        "check_statuses": apv.checks.model.Status.choices,
        "discussions": _discussions(unit), "this_year": timezone.localdate().year,
        "sick_leave": beside_results(apv.measurement, unit, get_access(request)),
    }  # fmt: skip
    return render(request, "apv/apv.html", context)


def _discussions(unit: Unit) -> list[AnnualDiscussion]:
    return list(AnnualDiscussion.objects.filter(unit=unit)[:5])


def _act(request: HttpRequest, unit: Unit, apv: Apv | None) -> None:
    data = request.POST
    what = data.get("do", "")
    if what == "start":
        measurement = Measurement.objects.filter(pk=data.get("measurement") or 0).first()
        service.create(unit, measurement, request.user)
        return
    if apv is None:
        raise Http404
    if what == "survey":
        service.update(apv, walkthrough_on=_date(data.get("walkthrough_on")),
                       walkthrough_participants=data.get("walkthrough_participants", "").strip(),
                       no_amo=bool(data.get("no_amo")))  # fmt: skip
        for factor in apv.factors.all():
            relevant = data.get(f"relevant_{factor.key}", "")
            service.mark_factor(apv, factor.key, {"yes": True, "no": False}.get(relevant),
                                data.get(f"reason_{factor.key}", ""))  # fmt: skip
        for check in apv.checks.all():
            service.mark_check(apv, check.pk, data.get(f"check_{check.pk}", ""),
                               data.get(f"note_{check.pk}", ""))  # fmt: skip
    elif what == "absence":
        service.update(apv, absence_assessment=data.get("absence_assessment", "").strip())
    elif what == "problem":
        title = data.get("title", "").strip()
        severity = int(data.get("severity") or 0)
        if not title or severity not in (1, 2, 3):
            raise service.Refused(["problem"])
        service.add_problem(apv, title=title[:255], severity=severity,
                            nature=data.get("nature", ""), extent=data.get("extent", ""),
                            causes=data.get("causes", ""),
                            solved_at_once=bool(data.get("solved_at_once")))  # fmt: skip
    elif what == "action":
        problem = get_object_or_404(Problem, pk=data.get("problem") or 0, apv=apv)
        if data.get("existing"):
            service.link_action(problem, get_object_or_404(Action, pk=data["existing"]))
        else:
            owners = list(Employee.objects.filter(pk__in=data.getlist("owners"), unit=unit))
            due = _date(data.get("due"))
            if due is None or not owners or not data.get("title", "").strip():
                raise service.Refused(["plan:" + problem.title])
            service.add_problem_action(problem, request.user, owners, data["title"].strip(),
                                       due, data.get("metric") or "apv")  # fmt: skip
    elif what == "sign":
        role = data.get("role", "")
        if not apv_access.may_sign(get_access(request), request.user, unit, role):
            raise PermissionDenied
        service.sign(apv, request.user, role)
    elif what == "approve":
        service.approve(apv)
        messages.success(request, _("The APV is approved and published to the unit."))


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def status_of(apv: Apv | None, today: date) -> Any:
    if apv is None:
        return apv_status(None, False, False, today)
    approved = apv if apv.state == Apv.State.APPROVED else (
        Apv.objects.filter(unit=apv.unit, state=Apv.State.APPROVED).order_by("-approved_on").first()
    )  # fmt: skip
    return apv_status(
        approved.approved_on if approved else None, apv.state == Apv.State.DRAFT,
        bool(approved and approved.revision_needed), today,
    )  # fmt: skip


def _published(request: HttpRequest, pk: int) -> Apv:
    apv = get_object_or_404(Apv.objects.select_related("unit", "measurement"), pk=pk)
    if not apv_access.reads_apv(get_access(request), request.user, apv):
        raise Http404
    return apv


def _read_context(apv: Apv) -> dict[str, Any]:
    return {
        "apv": apv, "factors": list(apv.factors.all()),
        "checks": [c for c in apv.checks.select_related("item") if c.status],
        "problems": list(apv.problems.prefetch_related("actions__owners")),
        "signoffs": list(apv.signoffs.all()), "figures": _figures(apv),
    }  # fmt: skip


@org_view(None)
def apv_read(request: HttpRequest, pk: int) -> HttpResponse:
    apv = _published(request, pk)
    return render(request, "apv/read.html", _read_context(apv))


@org_view(None)
def apv_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    apv = _published(request, pk)
    html = render_to_string("apv/read_pdf.html", _read_context(apv), request)
    response = HttpResponse(unit_report_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="apv-{apv.unit.code}-{apv.pk}.pdf"'
    return response


@org_view(None)
def apv_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The APV's problems and action plan as CSV (for Arbejdstilsynet), one row per action."""
    apv = _published(request, pk)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("Unit"), _("Problem"), _("Severity"), _("Nature"), _("Extent"),
                     _("Causes"), _("Action"), _("Owners"), _("Due date"), _("Status"),
                     _("Evaluation")])  # fmt: skip
    for problem in apv.problems.prefetch_related("actions__owners"):
        actions: list[Action | None] = [*problem.actions.all()] or [None]
        for action in actions:
            writer.writerow(csv_row([
                apv.unit.name, problem.title, problem.severity, problem.nature, problem.extent,
                problem.causes, action.title if action else _("Solved at once")
                if problem.solved_at_once else "",
                ", ".join(o.name for o in action.owners.all()) if action else "",
                action.due.isoformat() if action else "",
                action.get_status_display() if action else "",
                action.evaluation if action else "",
            ]))  # fmt: skip
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="apv-{apv.unit.code}-{apv.pk}.csv"'
    return response


@org_view(None)
def apv_overview(request: HttpRequest) -> HttpResponse:
    """The APV status of every open unit this person may see (HR: all; a leader: their
    units and those below; TRIO: their unit), filterable, as a page or CSV."""
    access = get_access(request)
    if not access.is_anybody:
        raise PermissionDenied
    today = timezone.localdate()
    latest: dict[int, Apv] = {}
    drafts: set[int] = set()
    for apv in Apv.objects.order_by("approved_on"):
        if apv.state == Apv.State.DRAFT:
            drafts.add(apv.unit_id)
        else:
            latest[apv.unit_id] = apv
    rows = []
    wanted = request.GET.get("status", "")
    for unit in access.visible_units().filter(valid_to=None).order_by("path"):
        approved = latest.get(unit.pk)
        state = apv_status(approved.approved_on if approved else None, unit.pk in drafts,
                           bool(approved and approved.revision_needed), today)  # fmt: skip
        if wanted and state.status != wanted:
            continue
        rows.append((unit, state, approved))
    if request.GET.get("format") == "csv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow([_("Unit code"), _("Unit"), _("Status"), _("Approved"), _("Due")])
        for unit, state, approved in rows:
            writer.writerow(csv_row([unit.code, unit.name, STATUS_NAMES[state.status],
                                      approved.approved_on.isoformat()
                                      if approved and approved.approved_on else "",
                                      state.due.isoformat() if state.due else ""]))  # fmt: skip
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="apv-status.csv"'
        return response
    return render(request, "apv/overview.html", {
        "rows": rows[:3000], "more": max(0, len(rows) - 3000), "wanted": wanted,
        "statuses": list(STATUS_NAMES.items()),
    })  # fmt: skip


STATUS_NAMES = {
    "none": gettext_lazy("None"), "in_progress": gettext_lazy("In progress"),
    "approved": gettext_lazy("Approved"), "due_soon": gettext_lazy("Due soon"),
    "overdue": gettext_lazy("Overdue"), "revision_needed": gettext_lazy("Revision needed"),
}  # fmt: skip


@unit_view(Capability.VIEW_UNIT)
def discussion(request: HttpRequest, unit: Unit, year: int) -> HttpResponse:
    """The workplace's annual arbejdsmiljødrøftelse of a year: recorded by its leader, AMR
    or HR; read by those who see the unit."""
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise Http404
    worker = apv_access.works_on_apv(get_access(request), request.user, unit)
    record = AnnualDiscussion.objects.filter(unit=unit, year=year).first()
    form = DiscussionForm(request.POST or None, instance=record)
    if request.method == "POST":
        if not worker:
            raise PermissionDenied
        if form.is_valid():
            saved = form.save(commit=False)
            saved.unit, saved.year = unit, year
            saved.updated_by = request.user if request.user.is_authenticated else None
            saved.save()
            audit("annual discussion saved", f"unit {unit.code}", str(year))
            messages.success(request, _("The annual discussion is saved."))
            return redirect("apv:unit", code=unit.code)
    return render(request, "apv/discussion.html",
                  {"unit": unit, "year": year, "form": form, "worker": worker, "record": record},
                  status=400 if form.is_bound else 200)  # fmt: skip
