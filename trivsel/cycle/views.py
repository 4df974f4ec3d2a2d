import io
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from trivsel.core.audit import record
from trivsel.core.exports import xlsx_row
from trivsel.core.jobs import recent_jobs
from trivsel.cycle import followups, lifecycle
from trivsel.cycle import pulses as pulse_service
from trivsel.cycle.curve import curve_svg
from trivsel.cycle.forms import (
    FatigueForm,
    FollowUpForm,
    MeasurementForm,
    MessageTextsForm,
    PulseTemplateForm,
    ValidationForm,
)
from trivsel.cycle.queries import consequences
from trivsel.engine.stats import shown
from trivsel.measurements.models import FatigueCap, Measurement, PulseTemplate, UnitValidation
from trivsel.organisation.access import Capability, get_access, org_view, unit_view
from trivsel.organisation.models import Role, Unit
from trivsel.results.build import previous_measurement
from trivsel.survey import rates, texts
from trivsel.survey.letters import needs_letter, render_letters
from trivsel.survey.models import SendJob
from trivsel.survey.sending import running_job
from trivsel.survey.tasks import start_send_job

MANAGE = Capability.MANAGE_MEASUREMENTS
ACTIONS: dict[str, Callable[[Measurement], object]] = {
    "start_validation": lifecycle.start_validation,
    "open": lifecycle.open_measurement,
    "close": lifecycle.close_measurement,
    "release": lifecycle.release_results,
}


@org_view(MANAGE)
def measurement_list(request: HttpRequest) -> HttpResponse:
    form = MeasurementForm(request.POST) if request.method == "POST" else MeasurementForm()
    if form.is_bound and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "units"}
        user = request.user if isinstance(request.user, User) else None
        measurement = lifecycle.create_measurement(
            units=form.cleaned_data["units"], created_by=user, **fields
        )
        return redirect("measurements:detail", pk=measurement.pk)
    measurements = Measurement.objects.select_related("questionnaire")
    return render(request, "measurements/list.html", {"form": form, "measurements": measurements})


@org_view(MANAGE)
def measurement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    measurement = get_object_or_404(Measurement.objects.select_related("questionnaire"), pk=pk)
    validations = UnitValidation.objects.filter(measurement=measurement).select_related(
        "unit", "answered_by"
    )
    counts = validations.aggregate(
        total=Count("pk"),
        confirmed=Count("pk", filter=Q(status=UnitValidation.Status.CONFIRMED)),
        corrections=Count("pk", filter=Q(status=UnitValidation.Status.CORRECTIONS)),
    )
    return render(
        request,
        "measurements/detail.html",
        {
            "measurement": measurement,
            "scope": measurement.scope.select_related("unit"),
            "population": lifecycle.population(measurement).count()
            if measurement.state in (Measurement.State.DRAFT, Measurement.State.VALIDATION)
            else measurement.participants.count(),
            "counts": counts,
            "pending": validations.filter(status=UnitValidation.Status.PENDING).order_by(
                "unit__path"
            ),
            "corrections": validations.filter(status=UnitValidation.Status.CORRECTIONS).order_by(
                "handled", "unit__path"
            ),
            "actions": [a for a in ACTIONS if _allowed(measurement, a)],
            "send_jobs": SendJob.objects.filter(measurement=measurement)[:10],
            "result_roots": [s.unit for s in measurement.scope.select_related("unit")],
            "need_letters": needs_letter(measurement).count()
            if measurement.state == Measurement.State.OPEN
            else 0,
        },
    )


@org_view(MANAGE)
def measurement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft: its name, questionnaire, units and timeline."""
    measurement = get_object_or_404(Measurement, pk=pk)
    if measurement.state != Measurement.State.DRAFT:
        messages.error(request, _("Only a draft can be changed; this measurement has started."))
        return redirect("measurements:detail", pk=pk)
    codes = " ".join(s.unit.code for s in measurement.scope.select_related("unit"))
    form = (
        MeasurementForm(request.POST, instance=measurement)
        if request.method == "POST"
        else MeasurementForm(instance=measurement, initial={"units": codes})
    )
    if form.is_bound and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "units"}
        try:
            lifecycle.update_draft(measurement, units=form.cleaned_data["units"], **fields)
        except lifecycle.TransitionRefused as refused:
            messages.error(request, str(refused))
        return redirect("measurements:detail", pk=pk)
    return render(request, "measurements/edit.html", {"form": form, "measurement": measurement})


@require_POST
@org_view(MANAGE)
def measurement_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a draft, after a page that asks."""
    measurement = get_object_or_404(Measurement, pk=pk)
    if request.POST.get("confirmed") != "yes":
        return render(request, "measurements/delete.html", {"measurement": measurement})
    try:
        lifecycle.delete_draft(measurement)
    except lifecycle.TransitionRefused as refused:
        messages.error(request, str(refused))
        return redirect("measurements:detail", pk=pk)
    messages.success(request, _("The draft %(name)s was deleted.") % {"name": measurement.name})
    return redirect("measurements:list")


@org_view(MANAGE)
def background_jobs(request: HttpRequest) -> HttpResponse:
    """Every kind of background job in one list: what, status, progress, heartbeat, who."""
    return render(request, "measurements/jobs.html", {"jobs": recent_jobs()})


@org_view(MANAGE)
def message_texts(request: HttpRequest, pk: int) -> HttpResponse:
    """HR's invitation, reminder and SMS texts for a measurement: edit, preview, and send the
    invitation to oneself as a test."""
    measurement = get_object_or_404(Measurement, pk=pk)
    editable = measurement.state not in (Measurement.State.CLOSED, Measurement.State.RELEASED)
    current = {kind: {lang: texts.text_of(measurement, kind, lang) for lang in texts.LANGUAGES}
               for kind in texts.KINDS}  # fmt: skip
    data = request.POST if request.method == "POST" and editable else None
    form = MessageTextsForm(data, defaults=current, initial={"contact": measurement.contact})
    if form.is_bound and form.is_valid():
        measurement.message_texts = {
            kind: {
                lang: form.cleaned_data[f"{kind}_{lang}"]
                for lang in texts.LANGUAGES
                if form.cleaned_data.get(f"{kind}_{lang}", "").strip()
                and form.cleaned_data[f"{kind}_{lang}"]
                != texts.default_text(kind, lang, measurement.kind)
            }
            for kind in texts.KINDS
        }
        measurement.contact = form.cleaned_data["contact"]
        measurement.save(update_fields=["message_texts", "contact"])
        if "test" in request.POST:
            sent_to = _send_test(request, measurement)
            if sent_to:
                messages.success(
                    request, _("A test invitation was sent to %(address)s.") % {"address": sent_to}
                )
            else:
                messages.error(request, _("Your user has no e-mail address to send a test to."))
        else:
            messages.success(request, _("The texts are saved."))
        return redirect("measurements:texts", pk=pk)
    user = request.user
    name = (user.get_short_name() or user.get_username()) if user.is_authenticated else ""
    example = texts.Composer(measurement, "invitation").message(name, _example_link())
    reminder = texts.Composer(measurement, "reminder").message(name, _example_link())
    return render(
        request,
        "measurements/texts.html",
        {
            "measurement": measurement, "form": form, "editable": editable,
            "example": example, "reminder": reminder, "placeholders": texts.PLACEHOLDERS,
        },
    )  # fmt: skip


def _example_link() -> str:
    return f"{settings.SITE_URL}/s/EKSEMPEL/"


def _send_test(request: HttpRequest, measurement: Measurement) -> str:
    """The invitation as a participant gets it, to the user's own e-mail (an example link)."""
    address = getattr(request.user, "email", "")
    if not address:
        return ""
    name = request.user.get_short_name() or request.user.get_username()  # type: ignore[union-attr]
    text = texts.Composer(measurement, "invitation").message(name, _example_link())
    send_mail(
        _("[Test] %(subject)s") % {"subject": text.subject},
        text.body + "\n\n---\nSMS: " + text.sms,
        None,
        [address],
    )
    return str(address)


def _allowed(measurement: Measurement, action: str) -> bool:
    targets = {
        "start_validation": "validation",
        "open": "open",
        "close": "closed",
        "release": "released",
    }
    return targets[action] in lifecycle.ALLOWED[Measurement.State(measurement.state)]


CONFIRM_TITLES = {
    "start_validation": gettext_lazy("Start the validation of the lists now?"),
    "open": gettext_lazy("Open for answers now?"),
    "close": gettext_lazy("Close now?"),
    "release": gettext_lazy("Release the results now?"),
    "invitations": gettext_lazy("Send the invitations now?"),
    "reminders": gettext_lazy("Send a reminder now?"),
}
CONFIRM_BUTTONS = {
    "start_validation": gettext_lazy("Yes, start the validation"),
    "open": gettext_lazy("Yes, open for answers"),
    "close": gettext_lazy("Yes, close now"),
    "release": gettext_lazy("Yes, release the results"),
    "invitations": gettext_lazy("Yes, send the invitations"),
    "reminders": gettext_lazy("Yes, send the reminder"),
}


def _confirm(request: HttpRequest, measurement: Measurement, action: str) -> HttpResponse:
    """The page that says what a step will do, in numbers, before it is done."""
    return render(
        request,
        "measurements/confirm.html",
        {
            "measurement": measurement,
            "title": CONFIRM_TITLES[action],
            "button": CONFIRM_BUTTONS[action],
            "lines": consequences(measurement, action),
            "irreversible": action in ("open", "close", "release"),
            "url": request.path,
        },
    )


@require_POST
@org_view(MANAGE)
def measurement_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    measurement = get_object_or_404(Measurement, pk=pk)
    if action not in ACTIONS:
        raise Http404
    if request.POST.get("confirmed") != "yes":
        return _confirm(request, measurement, action)
    try:
        ACTIONS[action](measurement)
    except lifecycle.TransitionRefused as refused:
        messages.error(request, str(refused))
    return redirect("measurements:detail", pk=pk)


@require_POST
@org_view(MANAGE)
def correction_handled(request: HttpRequest, pk: int, validation: int) -> HttpResponse:
    UnitValidation.objects.filter(pk=validation, measurement_id=pk).update(handled=True)
    return redirect("measurements:detail", pk=pk)


@unit_view(Capability.VALIDATE_LIST)
def validate_unit(request: HttpRequest, unit: Unit, pk: int) -> HttpResponse:
    validation = get_object_or_404(
        UnitValidation.objects.select_related("measurement"), measurement_id=pk, unit=unit
    )
    form = ValidationForm(request.POST) if request.method == "POST" else ValidationForm()
    if form.is_bound and form.is_valid():
        corrections = "" if "confirm" in request.POST else form.cleaned_data["corrections"]
        if "confirm" not in request.POST and not corrections.strip():
            form.add_error("corrections", ValidationForm.base_fields["corrections"].help_text)
        else:
            try:
                lifecycle.answer_validation(validation, request.user, corrections)
            except lifecycle.TransitionRefused as refused:
                messages.error(request, str(refused))
            return redirect("organisation:unit", code=unit.code)
    return render(
        request,
        "measurements/validate.html",
        {
            "unit": unit,
            "validation": validation,
            "employees": unit.employees.filter(is_active=True),
            "form": form,
            "show_contacts": get_access(request).can(Capability.VIEW_CONTACTS, unit),
        },
    )


@org_view(None)
def response_rates(request: HttpRequest, pk: int) -> HttpResponse:
    """Counts only, for the units the person may see. 404 when they see none of them."""
    measurement = get_object_or_404(Measurement, pk=pk)
    if measurement.state in (Measurement.State.DRAFT, Measurement.State.VALIDATION):
        raise Http404
    access = get_access(request)
    in_population = Unit.objects.filter(
        pk__in=measurement.participants.values("unit_id")
    ).values_list("path", flat=True)
    prefixes = {
        path[: i + 1] for path in in_population for i, char in enumerate(path) if char == "/"
    }
    visible = [
        u
        for u in access.visible_units().only("id", "code", "name", "path", "parent_id")
        if u.path in prefixes
    ]
    if not visible:
        raise Http404
    try:
        levels = min(max(int(request.GET.get("levels", RATE_LEVELS)), 1), 12)
    except ValueError:
        levels = RATE_LEVELS
    sort = request.GET.get("sort", "")
    sort = sort if sort in ("rate", "name") else ""
    opened = frozenset(request.GET.getlist("open"))
    closed = frozenset(request.GET.getlist("closed"))
    rows = rates.rate_tree(measurement, visible, levels, sort, opened, closed)
    if request.GET.get("format") == "xlsx":
        return _rates_xlsx(measurement, rows)
    curve = rates.answers_per_day(measurement) if access.can_org_wide(MANAGE) else []
    chart = ""
    if curve:  # HR: this year's curve against last year's, by day since opening
        before = previous_measurement(measurement)  # the one its results compare with
        days = (measurement.closes_at - measurement.opens_at).days
        chart = curve_svg(
            rates.cumulative_rate(measurement),
            rates.cumulative_rate(before) if before is not None else [],
            days, measurement.name, before.name if before is not None else "",
        )  # fmt: skip
    return render(
        request, "measurements/rates.html",
        {"measurement": measurement, "rows": rows, "curve": curve, "levels": levels,
         "level_choices": range(1, 9), "sort": sort, "query": request.GET.urlencode(),
         "min_group": settings.RESULTS_MIN_GROUP, "chart": chart,
         "tree": _with_toggles(request, rows), "opened": sorted(opened), "closed": sorted(closed)},
    )  # fmt: skip


def _with_toggles(
    request: HttpRequest, rows: list[rates.RateRow]
) -> list[tuple[rates.RateRow, str]]:
    """Each row with the address that shows or hides its units below ("" for a unit with
    none): the tree opens and closes without JavaScript, and the address keeps what is
    open, so it can be shared."""
    result = []
    for row in rows:
        if not row.has_children:
            result.append((row, ""))
            continue
        query = request.GET.copy()
        query.pop("format", None)
        code = row.unit.code
        for name in ("open", "closed"):
            query.setlist(name, [c for c in query.getlist(name) if c != code])
        query.appendlist("closed" if row.expanded else "open", code)
        result.append((row, f"?{query.urlencode()}#unit-{code}"))
    return result


RATE_LEVELS = 3  # levels shown at first: a municipality's 3,000 units are not one list


def _rates_xlsx(measurement: Measurement, rows: list[rates.RateRow]) -> HttpResponse:
    """Exactly the rows shown, as numbers Excel can compute with (text cells never formulas)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(_("Response rates"))[:31])
    sheet.freeze_panes = "A2"
    header = [_("Level"), _("Unit"), _("Code"), _("Invited"), _("Answered"), _("Rate (%)"),
              _("Invited, with everything below"), _("Answered, with everything below"),
              _("Rate with everything below (%)")]  # fmt: skip
    sheet.append(xlsx_row(sheet, header))
    for row in rows:
        cells: list[object] = [row.level + 1, "  " * row.level + row.unit.name, row.unit.code]
        for rate in (row.own, row.subtree):
            percent = rate.percent
            rounded = None if percent is None else shown(percent)  # as the page rounds it
            cells += [rate.invited, rate.answered, None if rounded is None else int(rounded)]
        sheet.append(xlsx_row(sheet, cells))
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="svarprocenter-{measurement.pk}.xlsx"'
    return response


@require_POST
@org_view(MANAGE)
def send_messages(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    measurement = get_object_or_404(Measurement, pk=pk)
    if kind not in SendJob.Kind.values:
        raise Http404
    if measurement.state != Measurement.State.OPEN:
        messages.error(request, _("Invitations and reminders are sent only while it is open."))
    elif running_job(measurement) is not None:
        messages.warning(request, _("A sending job is already running."))
    elif request.POST.get("confirmed") != "yes":
        return _confirm(request, measurement, kind)
    else:
        start_send_job(measurement, kind, request.user)
    return redirect("measurements:detail", pk=pk)


@org_view(MANAGE)
def letters(request: HttpRequest, pk: int) -> HttpResponse:
    """A PDF with one letter per person who has neither e-mail nor mobile (answered or not:
    the letters must not tell who has answered); optionally only for one unit and
    everything below it."""
    measurement = get_object_or_404(Measurement, pk=pk)
    if measurement.state != Measurement.State.OPEN:
        messages.error(request, _("Letters are printed only while the measurement is open."))
        return redirect("measurements:detail", pk=pk)
    invitations = needs_letter(measurement)
    code = request.GET.get("unit", "").strip()
    if code:
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            messages.error(
                request, _("There is no unit with the code “%(code)s”.") % {"code": code}
            )
            return redirect("measurements:detail", pk=pk)
        invitations = invitations.filter(participant__unit__path__startswith=unit.path)
    if not invitations.exists():
        messages.info(request, _("Nobody here needs a letter."))
        return redirect("measurements:detail", pk=pk)
    suffix = f"-{code}" if code else ""
    return HttpResponse(
        render_letters(measurement, invitations),
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="letters-{pk}{suffix}.pdf"'},
    )


@org_view(MANAGE)
def fatigue_cap(request: HttpRequest) -> HttpResponse:
    """HR's limit on surveys per person: a pulse does not invite those already asked this
    many times within these days."""
    cap = FatigueCap.current()
    form = FatigueForm(request.POST or None, instance=cap)
    if request.method == "POST" and form.is_valid():
        before = f"{cap.most}/{cap.days}" if cap.pk else "2/30"
        saved = form.save()
        record("settings changed", "survey fatigue cap", f"{before} → {saved.most}/{saved.days}")
        messages.success(request, _("The limit is saved."))
        return redirect("measurements:fatigue")
    return render(request, "measurements/fatigue.html", {"form": form},
                  status=400 if form.is_bound else 200)  # fmt: skip


@org_view(MANAGE)
def pulses(request: HttpRequest) -> HttpResponse:
    """Every follow-up and pulse measurement in the organisation: who started it, where,
    when, where it is, and its response rate (withheld where the anonymity rules say so)."""
    found = (
        Measurement.objects.exclude(kind=Measurement.Kind.MAIN)
        .select_related("created_by")
        .prefetch_related("scope__unit")
        .order_by("-opens_at", "-pk")
    )
    rows = []
    for measurement in found:
        scope = [s.unit for s in measurement.scope.all()]
        rate = rates.subtree_rate(measurement, scope[0]) if len(scope) == 1 else None
        rows.append((measurement, scope, rate))
    return render(request, "measurements/pulses.html", {"rows": rows})


@org_view(MANAGE)
def follow_up_new(request: HttpRequest) -> HttpResponse:
    """HR plans a follow-up measurement: first the baseline, then the units, the themes to
    follow up and the forward-looking questions, and the timeline."""
    choices = followups.baselines()
    baseline = choices.filter(pk=request.GET.get("baseline") or 0).first()
    if baseline is None:
        return render(request, "measurements/follow_up.html", {"baselines": choices})
    themes = followups.themes(baseline)
    forward = followups.forward_questions()
    today = timezone.localdate()
    year = today.year + (1 if today.month > 3 else 0)  # the coming March
    initial = {
        "name": _("Follow-up, March %(year)s") % {"year": year},
        "forward": [v.pk for v in forward if v.item.key == "followup.expectation"],
    }
    form = FollowUpForm(
        request.POST or None, initial=initial,
        theme_choices=[(t.dimension.key, ngettext("%(name)s (%(count)s question)",
                                                  "%(name)s (%(count)s questions)",
                                                  len(t.versions))
                        % {"name": t.name, "count": len(t.versions)}) for t in themes],
        forward_questions=forward,
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            measurement = followups.create_follow_up(
                baseline=baseline, units=data["units"], theme_keys=data["themes"],
                forward=list(data["forward"]), name=data["name"], opens_at=data["opens_at"],
                first_reminder_at=data["first_reminder_at"], closes_at=data["closes_at"],
                results_release_at=data["results_release_at"],
                dialogue_deadline=data["dialogue_deadline"], user=request.user,
            )  # fmt: skip
        except lifecycle.TransitionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The follow-up is planned. The clock opens it."))
            return redirect("measurements:detail", pk=measurement.pk)
    context = {"baseline": baseline, "form": form, "baselines": choices, "themes": themes}
    return render(request, "measurements/follow_up.html", context,
                  status=400 if form.is_bound else 200)  # fmt: skip


@org_view(MANAGE)
def pulse_templates(request: HttpRequest) -> HttpResponse:
    """HR's pulse templates: leaders start pulses from these."""
    form = PulseTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        template = form.save(commit=False)
        template.created_by = request.user if isinstance(request.user, User) else None
        template.save()
        form.save_m2m()
        messages.success(request, _("The template is saved."))
        return redirect("measurements:pulse_templates")
    templates = PulseTemplate.objects.prefetch_related("items__item")
    return render(request, "measurements/pulse_templates.html",
                  {"form": form, "templates": templates},
                  status=400 if form.is_bound else 200)  # fmt: skip


def _leader_units(request: HttpRequest) -> "QuerySet[Unit]":
    """The units a person may start a pulse for: their own as leader (or HR's) and below."""
    access = get_access(request)
    condition = Q(pk__in=[])
    for scope in access.scopes:
        if scope.role in (Role.LEADER, Role.HR_ADMIN):
            condition |= Q(path__startswith=scope.path)
    return Unit.objects.filter(condition, valid_to=None).select_related("parent").order_by("path")


@org_view(None)
def pulse_start(request: HttpRequest) -> HttpResponse:
    """A leader starts a pulse from a template for their unit or one below it; first the
    page says how many would be asked (and how many the fatigue cap leaves out)."""
    units = _leader_units(request)
    if not units.exists():
        raise PermissionDenied
    templates = PulseTemplate.objects.all()
    chosen_unit = chosen_template = seen = None
    error = ""
    if request.method == "POST":
        code = request.POST.get("unit", "")
        chosen_unit = units.filter(code=code).first()
        if chosen_unit is None:
            raise Http404  # not one of this person's units
        chosen_template = templates.filter(pk=request.POST.get("template") or 0).first()
        if chosen_template is None:
            error = _("Choose a template.")
        else:
            seen = pulse_service.preview(chosen_unit)
            if "start" not in request.POST:
                error = pulse_service.refusal(seen, chosen_unit)
            else:
                try:
                    measurement = pulse_service.start_pulse(
                        chosen_template, chosen_unit, request.user
                    )
                except lifecycle.TransitionRefused as refusal:
                    error = str(refusal)
                else:
                    closes = date_format(timezone.localtime(measurement.closes_at))
                    text = _(
                        "The pulse is started: %(count)s people are invited, and the report "
                        "comes when it closes on %(date)s."
                    )
                    messages.success(request, text % {"count": seen.asked, "date": closes})
                    return redirect("home")
    context = {
        "units": units, "templates": templates, "unit": chosen_unit,
        "template": chosen_template, "preview": seen, "error": error,
        "min_group": settings.RESULTS_MIN_GROUP,
        "questions": list(chosen_template.items.all()) if chosen_template else [],
        "also_open": pulse_service.open_main_measurements(chosen_unit) if chosen_unit else [],
        "closes": timezone.localdate() + timedelta(days=chosen_template.days_open)
        if chosen_template else None,
    }  # fmt: skip
    return render(request, "measurements/pulse_start.html", context,
                  status=400 if error else 200)  # fmt: skip
