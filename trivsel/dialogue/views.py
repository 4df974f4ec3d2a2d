"""The dialogue pages: a unit's dialogue (steps, focus areas, actions, history), an action's
form, the plan as the staff see it (printable), and the overview for HR and the line above.
Thin: reads here, writes in services.py, rules in rules.py, who-may in access.py."""

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trivsel.dialogue import question, services
from trivsel.dialogue.access import is_member, visible_actions, visible_actions_of, works_on
from trivsel.dialogue.effects import effects
from trivsel.dialogue.forms import ActionForm, DescribeForm, FocusForm, HeldForm, PlanForm
from trivsel.dialogue.models import Action, Dialogue, FocusArea
from trivsel.dialogue.rules import OPEN_STATUSES, is_overdue, proposals
from trivsel.dialogue.suggestions import find, for_dimension
from trivsel.instruments.models import Dimension, localised
from trivsel.measurements.models import Measurement
from trivsel.organisation.access import Capability, get_access, get_unit_for
from trivsel.organisation.models import Employee, Unit
from trivsel.results.models import Kind
from trivsel.results.read import figures


def _released(pk: int) -> Measurement:
    measurement = get_object_or_404(Measurement, pk=pk)
    if measurement.state != Measurement.State.RELEASED:
        raise Http404
    return measurement


def _dimensions(measurement: Measurement, unit: Unit | None) -> list[dict[str, Any]]:
    """The dimensions shown for `unit` (the results unit), with names, scores and the change
    since the previous measurement; in the report's order of names."""
    if unit is None:
        return []
    found = figures(measurement, [unit], kinds=[Kind.DIMENSION])
    known = {d.key: d for d in Dimension.objects.filter(key__in=found.metrics(Kind.DIMENSION))}
    rows = []
    for figure in found:
        dimension = known.get(figure.metric)
        if figure.unit_id != unit.pk or dimension is None or figure.score is None:
            continue
        previous = figure.versus.get("previous")
        rows.append({
            "key": figure.metric, "name": localised(dimension.names), "score": figure.score,
            # a change only where the report flags it (significant and large enough)
            "change": previous.difference if previous and previous.flagged else None,
            "higher_is_better": dimension.higher_is_better,
            "on_100": dimension.rule == "mean",  # a sum (such as 0-16) is not ranked
        })  # fmt: skip
    return sorted(rows, key=lambda row: row["name"])


def _focus_choices(dialogue: Dialogue, dimensions: list[dict[str, Any]]) -> list[tuple[str, str]]:
    names = {row["key"]: row["name"] for row in dimensions}
    chosen = [f.metric for f in dialogue.focus_areas.all()]
    others = [key for key in names if key not in chosen]
    return [(key, names.get(key, key)) for key in [*chosen, *others]]


@login_required
def dialogue_page(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    measurement = _released(pk)
    unit = get_unit_for(request, code, Capability.VIEW_UNIT)
    access = get_access(request)
    worker = works_on(access, unit)
    dialogue = services.dialogue_for(measurement, unit)
    results_unit = services.results_unit(measurement, unit)
    dimensions = _dimensions(measurement, results_unit)
    if request.method == "POST":
        if not worker:
            raise PermissionDenied
        done = _step(request, dialogue, dimensions)
        if done is not None:
            return done
    return render(request, "dialogue/dialogue.html",
                  _context(request, dialogue, results_unit, dimensions, worker),
                  status=400 if request.method == "POST" else 200)  # fmt: skip


def _step(
    request: HttpRequest, dialogue: Dialogue, dimensions: list[dict[str, Any]]
) -> HttpResponse | None:
    """One step of the dialogue, by the posted `step`; a redirect when it is done, None (and
    the reason as a message) when refused."""
    step, user = request.POST.get("step", ""), request.user
    try:
        if step == "read":
            services.mark_read(dialogue, user)
        elif step == "plan":
            form = PlanForm(request.POST)
            if not form.is_valid():
                raise services.Refused(_("Give the meeting's date."))
            services.plan_meeting(dialogue, user, form.cleaned_data["meeting_on"])
        elif step == "held":
            held = HeldForm(request.POST)
            if not held.is_valid():
                raise services.Refused(
                    _("Give the date the meeting was held and how many took part.")
                )
            services.hold_meeting(dialogue, user, **held.cleaned_data)
        elif step == "focus":
            focus = FocusForm(request.POST, choices=_focus_choices(dialogue, dimensions))
            if not focus.is_valid() or not 1 <= len(focus.cleaned_data["metrics"]) <= 3:
                # shown at the choices, which keep what was ticked
                request.focus_posted = set(request.POST.getlist("metrics"))  # type: ignore[attr-defined]
                request.focus_error = _("Choose one, two or three focus areas.")  # type: ignore[attr-defined]
                return None
            names = {row["key"]: row["name"] for row in dimensions}
            services.choose_focus(dialogue, user, focus.cleaned_data["metrics"], names)
        elif step == "describe":
            area = get_object_or_404(FocusArea, dialogue=dialogue, pk=request.POST.get("focus"))
            described = DescribeForm(request.POST)
            if not described.is_valid():
                raise services.Refused(_("The texts are too long (at most 5,000 characters)."))
            services.describe_focus(area, user, **described.cleaned_data)
        elif step == "comment":
            services.add_comment(dialogue, user, request.POST.get("comment", ""))
        elif step == "agree":
            services.agree_plan(dialogue, user)
        elif step == "follow_up":
            services.follow_up(dialogue, user, request.POST.get("comment", ""))
        else:
            raise services.Refused(_("Unknown step."))
    except services.Refused as refusal:
        messages.error(request, str(refusal))
        return None
    messages.success(request, _("Saved."))
    return redirect(request.path)


def _context(
    request: HttpRequest, dialogue: Dialogue, results_unit: Unit | None,
    dimensions: list[dict[str, Any]], worker: bool,
) -> dict[str, Any]:  # fmt: skip
    access = get_access(request)
    today = timezone.localdate()
    names = {row["key"]: row["name"] for row in dimensions}
    ranked = [row for row in dimensions if row["on_100"]]
    proposed = proposals(
        {row["key"]: row["score"] for row in ranked},
        {row["key"]: row["change"] for row in ranked if row["change"] is not None},
        {row["key"]: row["higher_is_better"] for row in dimensions},
    )
    areas = list(dialogue.focus_areas.all())
    actions = visible_actions(access, dialogue)
    previous, earlier = effects(dialogue.measurement, dialogue.unit)
    carried = visible_actions_of(access, list(
        Action.objects.filter(unit=dialogue.unit, status__in=OPEN_STATUSES)
        .exclude(dialogue__unit=dialogue.unit).select_related("dialogue__unit", "dialogue")
    ))  # fmt: skip
    shown_earlier = {a.pk for a in visible_actions_of(access, [e.action for e in earlier])}
    return {
        "dialogue": dialogue, "unit": dialogue.unit, "measurement": dialogue.measurement,
        "worker": worker, "results_unit": results_unit,
        "from_parent": results_unit is not None and results_unit != dialogue.unit,
        "report_visible": results_unit is not None
        and access.can(Capability.VIEW_UNIT, results_unit),
        "steps": _steps(dialogue), "past_window": today > dialogue.window_ends
        and dialogue.held_on is None,
        "proposals": [(p, names.get(p.metric, p.metric)) for p in proposed],
        "focus_options": _focus_options(
            dimensions, proposed,
            getattr(request, "focus_posted", None) or {a.metric for a in areas},
        ),
        "focus_error": getattr(request, "focus_error", ""),
        "dimensions": dimensions,
        "focus_form": FocusForm(choices=_focus_choices(dialogue, dimensions),
                                initial={"metrics": [a.metric for a in areas]}),
        "areas": [
            (area, names.get(area.metric, area.metric),
             DescribeForm(initial={"works": area.works, "change": area.change}),
             for_dimension(area.metric))
            for area in areas
        ],
        "plan_form": PlanForm(initial={"meeting_on": dialogue.meeting_on}),
        "held_form": HeldForm(initial={
            "held_on": dialogue.held_on or dialogue.meeting_on,
            "participants": dialogue.participants, "amr_present": dialogue.amr_present,
            "tr_present": dialogue.tr_present, "minutes": dialogue.minutes,
        }),
        "actions": [(a, names.get(a.metric, a.metric), is_overdue(a.due, a.status, today))
                    for a in actions],
        "previous": previous,
        "carried": [(a, names.get(a.metric, a.metric), is_overdue(a.due, a.status, today))
                    for a in carried],
        "effects": [e for e in earlier if e.action.pk in shown_earlier],
        "history": _history(dialogue, worker, access.role_on(dialogue.unit) is not None),
    }  # fmt: skip


def _focus_options(
    dimensions: list[dict[str, Any]], proposed: list[Any], chosen: set[str]
) -> tuple[list[tuple[str, str, str, bool]], list[tuple[str, str, str, bool]]]:
    """The proposed dimensions (key, name, reason, checked) first, and the others."""
    names = {row["key"]: row["name"] for row in dimensions}
    reasons = {p.metric: p.reason for p in proposed}
    first = [(p.metric, names[p.metric], p.reason, p.metric in chosen) for p in proposed
             if p.metric in names]  # fmt: skip
    rest = [(row["key"], row["name"], "", row["key"] in chosen) for row in dimensions
            if row["key"] not in reasons]  # fmt: skip
    return first, rest


def _history(dialogue: Dialogue, worker: bool, sees: bool) -> list[Any]:
    """The last 50 changes: all for the leader and TRIO; for HR and the line above not those
    of actions kept to the TRIO."""
    if not (worker or sees):
        return []
    changes = dialogue.changes.select_related("action")
    if not worker:
        changes = changes.exclude(action__visibility=Action.Visibility.TRIO)
    return list(changes[:50])


def _steps(dialogue: Dialogue) -> list[tuple[str, bool, bool]]:
    """(label, done, current) for each state, in order."""
    states = list(Dialogue.State)
    at = [s.value for s in states].index(dialogue.state)
    return [(str(s.label), i <= at, i == at) for i, s in enumerate(states)]


def _owners(unit: Unit) -> "Any":
    """Who can own an action: the unit's own people and its TRIO."""
    return (
        Employee.objects.filter(is_active=True)
        .filter(Q(unit=unit) | Q(trio_roles__unit=unit))
        .distinct()
        .order_by("-is_leader", "name")
    )


@login_required
def action_new(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    measurement = _released(pk)
    unit = get_unit_for(request, code, Capability.VIEW_UNIT)
    if not works_on(get_access(request), unit):
        raise PermissionDenied
    dialogue = services.dialogue_for(measurement, unit)
    dimensions = _dimensions(measurement, services.results_unit(measurement, unit))
    initial: dict[str, Any] = {"metric": request.GET.get("metric", "")}
    suggestion = find(request.GET.get("suggestion", ""))
    if suggestion is not None:
        initial |= {"title": suggestion.title, "description": suggestion.description,
                    "metric": suggestion.dimension, "suggestion": suggestion.key}  # fmt: skip
    return _action_form(request, dialogue, None, dimensions, initial)


@login_required
def action_edit(request: HttpRequest, action_pk: int) -> HttpResponse:
    action = get_object_or_404(Action.objects.select_related("dialogue__measurement"), pk=action_pk)
    access = get_access(request)
    if access.role_on(action.unit) is None:
        raise Http404
    if not works_on(access, action.unit):
        # HR and the leaders above read it (unless it is kept to the TRIO)
        if action.visibility == Action.Visibility.TRIO:
            raise Http404
        names = {d.key: localised(d.names) for d in Dimension.objects.filter(key=action.metric)}
        return render(request, "dialogue/action.html", {
            "action": action, "dialogue": action.dialogue, "unit": action.unit,
            "focus": names.get(action.metric, action.metric),
            "ask_from": question.askable_from(action), "today": timezone.localdate(),
        })  # fmt: skip
    dimensions = _dimensions(
        action.dialogue.measurement,
        services.results_unit(action.dialogue.measurement, action.dialogue.unit),
    )
    return _action_form(request, action.dialogue, action, dimensions, {})


def _action_form(
    request: HttpRequest, dialogue: Dialogue, action: Action | None,
    dimensions: list[dict[str, Any]], initial: dict[str, Any],
) -> HttpResponse:  # fmt: skip
    chosen = [f.metric for f in dialogue.focus_areas.all()]
    choices = [c for c in _focus_choices(dialogue, dimensions) if not chosen or c[0] in chosen]
    if action is not None and action.metric not in dict(choices):
        choices.append((action.metric, action.metric))
    unit = action.unit if action is not None else dialogue.unit  # moved: its unit now
    form = ActionForm(
        request.POST or None, instance=action, initial=initial, owners=_owners(unit),
        focus_choices=[("", "—"), *choices],
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in ActionForm.Meta.fields
                  if name != "owners"}  # fmt: skip
        owners = list(form.cleaned_data["owners"])
        try:
            if action is None:
                services.add_action(dialogue, request.user, owners, **fields)
            else:  # the form has already set its values on `action`: compare with the stored
                stored = Action.objects.get(pk=action.pk)
                services.update_action(stored, request.user, owners, **fields)
        except services.Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The action is saved."))
            if action is not None and action.unit_id != dialogue.unit_id:
                return redirect("dialogue:action", action.pk)  # carried over to another unit
            return redirect("dialogue:dialogue", dialogue.measurement_id, dialogue.unit.code)
    context = {"form": form, "dialogue": dialogue, "action": action, "unit": unit,
               "ask_from": question.askable_from(action) if action else None,
               "today": timezone.localdate()}  # fmt: skip
    return render(request, "dialogue/action_form.html", context,
                  status=400 if form.is_bound else 200)  # fmt: skip


@login_required
def plan_page(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The agreed plan as the staff see it: one printable page."""
    measurement = _released(pk)
    access = get_access(request)
    unit = Unit.objects.filter(code=code).first()
    if unit is None or (access.role_on(unit) is None and not is_member(access, unit)):
        raise Http404
    dialogue = Dialogue.objects.filter(measurement=measurement, unit=unit).first()
    actions = visible_actions(access, dialogue) if dialogue is not None else []
    shown = [a for a in actions if a.status != Action.Status.CANCELLED
             and a.visibility == Action.Visibility.UNIT]  # fmt: skip
    areas = list(dialogue.focus_areas.all()) if dialogue is not None else []
    names = {d.key: localised(d.names) for d in Dimension.objects.all()}
    context = {
        "measurement": measurement, "unit": unit, "dialogue": dialogue,
        "agreed": dialogue is not None and dialogue.agreed_at is not None,
        "actions": [(a, names.get(a.metric, a.metric)) for a in shown],
        "areas": [(a, names.get(a.metric, a.metric)) for a in areas],
        "today": date.today(),
    }  # fmt: skip
    return render(request, "dialogue/plan.html", context)


@require_POST
@login_required
def ask_unit(request: HttpRequest, action_pk: int) -> HttpResponse:
    """The leader or TRIO asks the unit whether a done action made a difference."""
    action = get_object_or_404(Action.objects.select_related("unit", "dialogue"), pk=action_pk)
    access = get_access(request)
    if access.role_on(action.unit) is None:
        raise Http404
    if not works_on(access, action.unit):
        raise PermissionDenied
    try:
        measurement = question.ask(action, request.user)
    except services.Refused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("The unit is asked from now until %(date)s; the answers are shown when it closes.")
            % {"date": date_format(timezone.localtime(measurement.closes_at), "DATE_FORMAT")},
        )
    return redirect("dialogue:action", action.pk)
