"""The landing page after login: each unit the person is responsible for (or a member of
TRIO for), with what is happening in it now: lists to validate, the live response rate of
open measurements (counts only), the reports of released ones with the sub-units' reports,
and the next date in each measurement's timeline."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from trivsel.cycle.queries import open_measurements_with_rate, open_validations
from trivsel.measurements.models import Measurement, ScopeUnit, UnitValidation
from trivsel.organisation.access import Capability, get_access
from trivsel.organisation.models import Unit
from trivsel.reports.sections import panel_lines
from trivsel.reports.seeing import may_see_overview, reports_for
from trivsel.survey.rates import Rate

EVENTS = (
    ("validation_starts", _("Validation of the lists starts")),
    ("opens_at", _("The questionnaire opens")),
    ("first_reminder_at", _("First reminder")),
    ("second_reminder_at", _("Second reminder")),
    ("closes_at", _("The questionnaire closes")),
    ("results_release_at", _("Results are released")),
    ("dialogue_deadline", _("Deadline for the dialogue meeting")),
)


@dataclass(frozen=True)
class Next:
    measurement: Measurement
    what: str
    when: datetime | date


@dataclass
class UnitPanel:
    unit: Unit
    role: str
    validations: list[UnitValidation] = field(default_factory=list)
    rates: list[tuple[Measurement, Rate]] = field(default_factory=list)
    # each with the unit whose report to open: this one, or for a pulse or follow-up of a
    # unit below it, that unit
    reports: list[tuple[Measurement, str, bool]] = field(default_factory=list)  # +heatmap?
    children: list[Unit] = field(default_factory=list)
    children_of: Measurement | None = None  # the latest main measurement, for the units below
    upcoming: list[Next] = field(default_factory=list)
    lines: SafeString = field(default_factory=lambda: mark_safe(""))  # added by apps above


def panels(request: HttpRequest) -> list[UnitPanel]:
    access = get_access(request)
    ids = list(dict.fromkeys(scope.unit_id for scope in access.scopes))
    units = {unit.pk: unit for unit in Unit.objects.filter(pk__in=ids, valid_to=None)}
    result = []
    for pk in ids:
        unit = units.get(pk)
        if unit is None:
            continue
        role = access.role_on(unit) or ""
        panel = UnitPanel(unit, role)
        if access.can(Capability.VALIDATE_LIST, unit):
            panel.validations = list(open_validations(unit))
        panel.rates = open_measurements_with_rate(unit)
        found = reports_for(request, unit)
        panel.reports = [
            (measurement, report_code(measurement, unit), may_see_overview(request, measurement))
            for measurement in found
        ]
        panel.children_of = next((m for m in found if m.kind == Measurement.Kind.MAIN), None)
        if panel.children_of and access.can(Capability.VIEW_CONTACTS, unit):  # leaders and HR
            panel.children = list(unit.children.filter(valid_to=None).order_by("code"))
        panel.upcoming = upcoming(unit)
        panel.lines = panel_lines(unit, access)
        result.append(panel)
    return result


def report_code(measurement: Measurement, unit: Unit) -> str:
    """The unit whose report of this measurement a panel for `unit` links to: the unit itself
    when the measurement covers it, else the one unit below it the measurement was for (a
    leader's pulse in one of an area chief's units)."""
    scope = [s.unit for s in measurement.scope.all()]
    if not scope or any(unit.path.startswith(s.path) for s in scope):
        return unit.code
    below = [s for s in scope if s.path.startswith(unit.path)]
    return below[0].code if len(below) == 1 else unit.code


def upcoming(unit: Unit, now: datetime | None = None) -> list[Next]:
    """The next date of each measurement not yet finished that covers the unit."""
    now = now or timezone.now()
    covering = ScopeUnit.objects.filter(
        measurement=OuterRef("pk"), unit_id__in=unit.ancestor_ids(), include_subtree=True
    )
    covering_self = ScopeUnit.objects.filter(measurement=OuterRef("pk"), unit=unit)
    found = []
    for measurement in Measurement.objects.filter(Exists(covering) | Exists(covering_self)).exclude(
        state=Measurement.State.DRAFT
    ):
        dates = []
        for name, label in EVENTS:
            when = getattr(measurement, name)
            if when is None:
                continue
            moment = when if isinstance(when, datetime) else None
            if (moment is not None and moment > now) or (moment is None and when >= now.date()):
                dates.append((when if moment is None else moment.date(), str(label), when))
        if dates:
            _day, what, when = min(dates, key=lambda entry: entry[0])
            found.append(Next(measurement, what, when))
    return found
