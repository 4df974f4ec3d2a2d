"""HR's and MED's overview of where the follow-up happens: for each department or area
below the person's units, how many units are in each step of the dialogue, how many are past
their deadline without a meeting, how many leaders have no agreed plan, and the actions by
status with the overdue ones; then the units that need a look. Counts only, so the same
read serves 3,000 units and 10,000 actions in a handful of queries."""

import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.core.exports import table_xlsx
from trivsel.dialogue.models import Action, Dialogue
from trivsel.dialogue.rules import OPEN_STATUSES
from trivsel.dialogue.services import window_end
from trivsel.dialogue.views import _released
from trivsel.measurements.models import Measurement, Participant
from trivsel.organisation.access import get_access
from trivsel.organisation.models import Unit

STATES = [state.value for state in Dialogue.State]
BEFORE_PLAN = frozenset(STATES[: STATES.index(Dialogue.State.AGREED)])
STATUSES = [status.value for status in Action.Status]
UNITS_LISTED = 200
UNIT_TABLE_MAX = 100  # each unit is listed with its step up to this many (or per department)


@dataclass
class Group:
    unit: Unit  # a department or area
    states: Counter[str] = field(default_factory=Counter)
    past_window: int = 0
    without_plan: int = 0
    actions: Counter[str] = field(default_factory=Counter)
    overdue: int = 0

    @property
    def units(self) -> int:
        return sum(self.states.values())

    @property
    def state_cells(self) -> list[int]:
        return [self.states[state] for state in STATES]

    @property
    def action_cells(self) -> list[int]:
        return [self.actions[status] for status in STATUSES]


@dataclass
class Overview:
    measurement: Measurement
    groups: list[Group]
    attention: list[tuple[Unit, str, bool]]  # unit, state, past the deadline
    attention_more: int
    departments: list[Unit]
    department: Unit | None
    units: list[tuple[Unit, str, bool]] = field(default_factory=list)  # when few enough


def build(measurement: Measurement, request: HttpRequest, department_code: str = "") -> Overview:
    access = get_access(request)
    today = timezone.localdate()
    units_with_people = Participant.objects.filter(measurement=measurement).values("unit_id")
    units = access.visible_units().filter(pk__in=units_with_people)
    departments = list(Unit.objects.filter(depth=1, pk__in=_ancestor_ids(units)).order_by("name"))
    department = next((d for d in departments if d.code == department_code), None)
    if department is not None:
        units = units.filter(path__startswith=department.path)
    units_list = list(
        units.select_related("parent")
        .only("pk", "code", "name", "path", "depth", "parent__name")
        .order_by("path")
    )
    list_units = department is not None or len(units_list) <= UNIT_TABLE_MAX
    dialogues = {
        row["unit_id"]: row
        for row in Dialogue.objects.filter(measurement=measurement, unit__in=units).values(
            "unit_id", "state", "window_ends", "held_on"
        )
    }
    default_end = window_end(measurement)
    heads = {u.pk: u for u in Unit.objects.filter(pk__in=_group_ids(units_list))}
    groups: dict[int, Group] = {}
    attention: list[tuple[Unit, str, bool]] = []
    listed: list[tuple[Unit, str, bool]] = []
    for unit in units_list:
        head = heads[_group_id(unit)]
        group = groups.setdefault(head.pk, Group(head))
        row = dialogues.get(unit.pk)
        state = row["state"] if row else Dialogue.State.RELEASED
        ends = row["window_ends"] if row else default_end
        past = today > ends and not (row and row["held_on"])
        group.states[state] += 1
        group.past_window += past
        group.without_plan += state in BEFORE_PLAN
        if past:
            attention.append((unit, str(Dialogue.State(state).label), past))
        if list_units:
            listed.append((unit, str(Dialogue.State(state).label), past))
    actions: Any = (
        Action.objects.filter(dialogue__measurement=measurement, unit__in=units)
        .values("unit__path", "status")
        .annotate(count=Count("pk"), overdue=Count("pk", filter=Q(due__lt=today,
                                                                  status__in=OPEN_STATUSES)))
    )  # fmt: skip
    by_path = {unit.path: unit for unit in units_list}
    for counted in actions:
        owner = by_path.get(counted["unit__path"])
        if owner is None:
            continue
        group = groups[heads[_group_id(owner)].pk]
        group.actions[counted["status"]] += counted["count"]
        group.overdue += counted["overdue"]
    ordered = sorted(groups.values(), key=lambda g: g.unit.path)
    return Overview(measurement, ordered, attention[:UNITS_LISTED],
                    max(0, len(attention) - UNITS_LISTED), departments, department,
                    listed)  # fmt: skip


def _ancestor_ids(units: Any) -> set[int]:
    found: set[int] = set()
    for path in units.values_list("path", flat=True):
        found.update(int(part) for part in path.split("/")[:-1])
    return found


def _group_id(unit: Unit) -> int:
    """The unit's area (depth 2), or the unit itself when it is higher up."""
    parts = [int(part) for part in unit.path.split("/")[:-1]]
    return parts[min(2, len(parts) - 1)]


def _group_ids(units: list[Unit]) -> set[int]:
    return {_group_id(unit) for unit in units}


@login_required
def overview_page(request: HttpRequest, pk: int) -> HttpResponse:
    measurement = _released(pk)
    if not get_access(request).is_anybody:
        return render(request, "403.html", status=403)
    overview = build(measurement, request, request.GET.get("department", ""))
    context = {"overview": overview, "states": list(Dialogue.State),
               "statuses": list(Action.Status)}  # fmt: skip
    return render(request, "dialogue/overview.html", context)


@login_required
def overview_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    measurement = _released(pk)
    if not get_access(request).is_anybody:
        return render(request, "403.html", status=403)
    overview = build(measurement, request, request.GET.get("department", ""))
    header: list[object] = [_("Department or area"), _("Code"), _("Units"),
              *[str(s.label) for s in Dialogue.State], _("Past the deadline without a meeting"),
              _("Without an agreed plan"), *[str(s.label) for s in Action.Status],
              _("Overdue actions")]  # fmt: skip
    rows: list[list[object]] = [header]
    for group in overview.groups:
        rows.append([group.unit.name, group.unit.code, group.units, *group.state_cells,
                     group.past_window, group.without_plan, *group.action_cells,
                     group.overdue])  # fmt: skip
    output = io.BytesIO()
    table_xlsx(rows, output, _("Dialogue"))
    response = HttpResponse(
        output.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="dialogue-{measurement.pk}.xlsx"'
    return response
