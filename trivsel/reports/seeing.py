"""Whose results a person may see: a measurement's results are for everyone in scope once
released, and for HR from the close; the measurements with results for a unit."""

from django.db.models import Exists, OuterRef
from django.http import HttpRequest

from trivsel.cycle.queries import open_measurements_with_rate, open_validations
from trivsel.measurements.models import Measurement, Participant
from trivsel.organisation.access import Capability, get_access
from trivsel.organisation.models import Unit
from trivsel.survey.models import Response


def may_see_results(request: HttpRequest, measurement: Measurement) -> bool:
    """Results are for everyone in scope once released; HR sees them from the close."""
    if measurement.state == Measurement.State.RELEASED:
        return True
    return measurement.state == Measurement.State.CLOSED and get_access(request).can_org_wide(
        Capability.MANAGE_MEASUREMENTS
    )


def may_see_overview(request: HttpRequest, measurement: Measurement) -> bool:
    """The heatmap shows the whole measurement's figures ("the whole organisation" row). For a
    main measurement that is the organisation; a pulse or follow-up covers some units only,
    so its heatmap is for those who may see every one of them (their leaders and those
    above, HR) — not for a leader elsewhere, to whom its top row would be another unit's
    results."""
    if not may_see_results(request, measurement):
        return False
    if measurement.kind == Measurement.Kind.MAIN:
        return True
    access = get_access(request)
    scope = [s.unit for s in measurement.scope.all()]
    return bool(scope) and all(access.can(Capability.VIEW_UNIT, unit) for unit in scope)


def reports_for(request: HttpRequest, unit: Unit) -> list[Measurement]:
    """The measurements that asked people in the unit or below and whose results this
    person may see, newest first (the report says so plainly where everything is hidden).
    From the frozen population, not the responses: a sealed response may sit at an
    ancestor (trivsel/survey/sealing.py)."""
    states = [Measurement.State.RELEASED]
    if get_access(request).can_org_wide(Capability.MANAGE_MEASUREMENTS):
        states.append(Measurement.State.CLOSED)
    asked = Participant.objects.filter(measurement=OuterRef("pk"), unit__path__startswith=unit.path)
    imported = Response.objects.filter(  # an imported earlier measurement has no population
        measurement=OuterRef("pk"), unit__path__startswith=unit.path
    )
    return list(
        Measurement.objects.filter(Exists(asked) | Exists(imported), state__in=states)
        .prefetch_related("scope__unit")
        .order_by("-closes_at")
    )


def unit_part(request: HttpRequest, unit: Unit) -> dict[str, object]:
    """The measurements part of a unit's page (trivsel/organisation/panels.py): lists to
    validate, open measurements with their response rate, reports."""
    return {
        "validations": open_validations(unit)
        if get_access(request).can(Capability.VALIDATE_LIST, unit)
        else [],
        "open_measurements": open_measurements_with_rate(unit),
        "reports": reports_for(request, unit),
    }
