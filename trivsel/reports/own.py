"""What every employee finds on their front page: the open measurements they are invited
to and have not answered (reached through trivsel.survey's `survey:own`, never a token in
an address), and the released summary of their own unit's results.

The summary is the unit report's top only — response rate, indices and dimensions with
their comparisons — read through `unit_report`, so it holds nothing the anonymity rules
hid. No questions, comments or sub-units: those are for the unit's leader and TRIO, who
go through the dialogue meeting with everyone. Where the unit's results are hidden the
page says why, and names the nearest unit above whose results are shown (the answers
count there)."""

from dataclasses import dataclass, field

from django.http import HttpRequest

from trivsel.measurements.models import Measurement
from trivsel.organisation.access import Capability, get_access
from trivsel.organisation.models import Unit
from trivsel.reports.content import UnitReport, unit_report
from trivsel.reports.seeing import reports_for
from trivsel.results.models import Kind
from trivsel.results.read import figures


@dataclass
class OwnPart:
    unit: Unit
    surveys: list[Measurement] = field(default_factory=list)
    report: UnitReport | None = None  # the latest released measurement's, for the summary
    above: Unit | None = None  # where the unit's results are hidden: nearest shown above
    responsible: bool = False  # the person reads the unit's full report in their panel


def own_part(request: HttpRequest) -> OwnPart | None:
    """The person's own unit with their open surveys and its results summary; None for a
    login that is no (active) employee."""
    access = get_access(request)
    if access.member is None:
        return None
    unit = Unit.objects.get(pk=access.member.unit_id)
    part = OwnPart(unit, surveys=open_surveys(request))
    part.responsible = access.can(Capability.VIEW_UNIT, unit)
    if part.responsible or not access.can(Capability.VIEW_SUMMARY, unit):
        return part
    released = [  # the yearly results and their plan (a pulse or follow-up has no plan)
        m for m in reports_for(request, unit)
        if m.state == Measurement.State.RELEASED and m.kind == Measurement.Kind.MAIN
    ]  # fmt: skip
    if released:
        part.report = unit_report(released[0], unit)
        if not part.report.shown:
            part.above = nearest_shown_above(released[0], unit)
    return part


def open_surveys(request: HttpRequest) -> list[Measurement]:
    """Open measurements that invited this person and that they have not answered."""
    user = request.user
    if not user.is_authenticated:
        return []
    return list(
        Measurement.objects.filter(
            state=Measurement.State.OPEN,
            invitations__participant__employee__user=user,
            invitations__responded=False,
        ).order_by("closes_at")
    )


def nearest_shown_above(measurement: Measurement, unit: Unit) -> Unit | None:
    """The closest ancestor whose results (its number of respondents) are shown."""
    ancestors = unit.ancestor_ids()
    found = figures(measurement, ancestors, [Kind.RESPONDENTS])
    for pk in reversed(ancestors):
        if found.get(pk, Kind.RESPONDENTS) is not None:
            return Unit.objects.get(pk=pk)
    return None
