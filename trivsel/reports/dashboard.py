"""The landing page after login: each unit the person is responsible for (or a member of
TRIO for), with what is happening in it now: lists to validate, the live response rate of
open measurements (counts only), the reports of released ones with the sub-units' reports,
and the next date in each measurement's timeline."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trivsel.cycle.queries import open_measurements_with_rate, open_validations
from trivsel.measurements.models import Measurement, ScopeUnit, UnitValidation
from trivsel.organisation.access import Capability, get_access
from trivsel.organisation.models import Unit
from trivsel.reports.seeing import reports_for
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
    reports: list[Measurement] = field(default_factory=list)
    children: list[Unit] = field(default_factory=list)
    upcoming: list[Next] = field(default_factory=list)


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
        panel.reports = reports_for(request, unit)
        if panel.reports and access.can(Capability.VIEW_CONTACTS, unit):  # leaders and HR
            panel.children = list(unit.children.filter(valid_to=None).order_by("code"))
        panel.upcoming = upcoming(unit)
        result.append(panel)
    return result


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
