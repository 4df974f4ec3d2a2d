"""Response rates, counts only. A response counts once it is submitted; a half-finished
one does not count, and is deleted when the measurement closes.

Rates follow the anonymity rules of the results (docs/anonymity.md) on the counts of
those who have answered: a unit's rate (with everything below it) is shown only where at
least k have answered and no combination of shown rates leaves a group of 1..k-1 — a
3-person unit's "1 of 3 answered" is not shown, nor can it be worked out from its
parent's and its siblings'. At close the answered counts are the results' respondents,
and the same rule on the same counts shows exactly the units the reports show, so the
rates page and the reports cannot be combined either. A unit's own rate apart from its
sub-units is shown only for a unit without sub-units in the measurement (where it is the
same group)."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from trivsel.engine.suppression import visible_cells
from trivsel.engine.tree import Tree
from trivsel.measurements.models import AnswersPerDay, Measurement, Participant, Turnout
from trivsel.organisation.models import Unit
from trivsel.survey.models import Response


@dataclass(frozen=True)
class Rate:
    invited: int
    answered: int | None  # None: not shown (the anonymity rules)

    @property
    def percent(self) -> float | None:
        if not self.invited or self.answered is None:
            return None
        return 100 * self.answered / self.invited

    def hidden(self) -> "Rate":
        """The same rate with its answered count withheld (who was invited is no secret)."""
        return Rate(self.invited, None)


def roll_up(paths: dict[int, str], own: dict[int, tuple[int, int]]) -> dict[int, tuple[Rate, Rate]]:
    """Per unit: (its own people, it and everything below). `paths` holds the units'
    materialised paths; `own` their own (invited, answered)."""
    invited: Counter[int] = Counter()
    answered: Counter[int] = Counter()
    ids_by_path = {path: unit_id for unit_id, path in paths.items()}
    for unit_id, (unit_invited, unit_answered) in own.items():
        path = paths[unit_id]
        prefix = ""
        for segment in path.split("/")[:-1]:
            prefix += segment + "/"
            ancestor = ids_by_path.get(prefix)
            if ancestor is not None:
                invited[ancestor] += unit_invited
                answered[ancestor] += unit_answered
    return {
        unit_id: (Rate(*own.get(unit_id, (0, 0))), Rate(invited[unit_id], answered[unit_id]))
        for unit_id in paths
    }


def shown_rates(paths: dict[int, str], own: dict[int, tuple[int, int]], k: int) -> set[int]:
    """The units whose subtree rate may be shown: the results' suppression (`visible_cells`)
    on the answered counts. `paths` must hold every unit with participants and all of their
    ancestors."""
    ids = sorted(paths, key=lambda unit_id: paths[unit_id])
    at = {paths[unit_id]: number for number, unit_id in enumerate(ids)}
    top = len(ids)  # a virtual root above the real roots
    parents = []
    for unit_id in ids:
        parent_path = paths[unit_id].rsplit("/", 2)[0] + "/"
        parents.append(at.get(parent_path, top) if paths[unit_id].count("/") > 1 else top)
    counts = np.array([[own.get(unit_id, (0, 0))[1]] for unit_id in ids] + [[0]])
    seen = visible_cells(counts, Tree.from_parents([*parents, -1]), k)
    return {unit_id for number, unit_id in enumerate(ids) if seen.subtree[number, -1]}


def shown_unit_rates(
    paths: dict[int, str], own: dict[int, tuple[int, int]], k: int
) -> dict[int, tuple[Rate, Rate]]:
    """Per unit in `paths`: (its own rate, its rate with everything below), each with the
    answered count withheld where it may not be shown."""
    rolled = roll_up(paths, own)
    shown = shown_rates(paths, own, k)
    rates: dict[int, tuple[Rate, Rate]] = {}
    for unit_id, (own_rate, subtree) in rolled.items():
        ok = unit_id in shown
        leaf = own_rate == subtree  # nobody below it in the measurement
        rates[unit_id] = (own_rate if ok and leaf else own_rate.hidden(),
                          subtree if ok else subtree.hidden())  # fmt: skip
    return rates


def unit_rates(measurement: Measurement, units: Iterable[Unit]) -> list[tuple[Unit, Rate, Rate]]:
    """Own and subtree rates for the given units (those a person may see), in tree order;
    the answered count withheld where it may not be shown. Three queries, whatever the
    number of units."""
    visible = sorted(units, key=lambda unit: unit.path)
    rates = _rates(measurement, {u.id: u.path for u in visible})
    return [(unit, *rates[unit.id]) for unit in visible
            if unit.id in rates and rates[unit.id][1].invited]  # fmt: skip


def subtree_rate(measurement: Measurement, unit: Unit) -> Rate:
    """The unit's rate with everything below it (the answered count withheld where it may
    not be shown)."""
    rates = _rates(measurement, {unit.id: unit.path})
    return rates[unit.id][1] if unit.id in rates else Rate(0, 0)


def kept_at_close(measurement: Measurement) -> list[Turnout]:
    """What the rates keep when the invitations are deleted: every unit's rates as they may
    be shown — never a withheld count, so the stored counts tell no more than the page (a
    1-person unit's "1 of 1 answered" is not kept)."""
    paths, own = _live_counts(measurement)
    rates = shown_unit_rates(paths, own, settings.RESULTS_MIN_GROUP)
    return [
        Turnout(
            measurement=measurement, unit_id=unit_id, invited=own_rate.invited,
            answered=own_rate.answered, invited_below=subtree.invited,
            answered_below=subtree.answered,
        )
        for unit_id, (own_rate, subtree) in rates.items()
    ]  # fmt: skip


def _rates(measurement: Measurement, asked: dict[int, str]) -> dict[int, tuple[Rate, Rate]]:
    """The rates of the asked units (id -> path) and of every unit with participants."""
    if measurement.state in (Measurement.State.CLOSED, Measurement.State.RELEASED):
        kept = Turnout.objects.filter(measurement=measurement, unit_id__in=list(asked))
        return {
            t.unit_id: (Rate(t.invited, t.answered), Rate(t.invited_below, t.answered_below))
            for t in kept
        }
    paths, own = _live_counts(measurement)
    return shown_unit_rates(paths | asked, own, settings.RESULTS_MIN_GROUP)


def _live_counts(measurement: Measurement) -> tuple[dict[int, str], dict[int, tuple[int, int]]]:
    """Every unit with participants and all their ancestors (paths), and each unit's own
    (invited, answered), from the invitations (they exist until close). Two queries."""
    counts = (
        Participant.objects.filter(measurement=measurement)
        .values("unit_id", "unit__path")
        .annotate(invited=Count("pk"), answered=Count("pk", filter=Q(invitation__responded=True)))
    )
    own = {row["unit_id"]: (row["invited"], row["answered"]) for row in counts}
    paths = {row["unit_id"]: row["unit__path"] for row in counts}
    ancestors = {int(part) for path in paths.values() for part in path.split("/")[:-2]}
    missing = ancestors - set(paths)
    if missing:
        paths |= dict(Unit.objects.filter(pk__in=missing).values_list("pk", "path"))
    return paths, own


def answers_per_day(measurement: Measurement) -> list[tuple[date, int, int]]:
    """The response curve for the whole measurement: (day, submitted that day, submitted
    so far). From the responses while collection runs; from the counts kept at close
    afterwards (the responses keep no day then)."""
    if measurement.state in (Measurement.State.CLOSED, Measurement.State.RELEASED):
        days = list(
            AnswersPerDay.objects.filter(measurement=measurement).values_list("day", "count")
        )
    else:
        days = [
            (day, count)
            for day, count in Response.objects.filter(measurement=measurement, submitted=True)
            .values("submitted_on")
            .annotate(count=Count("pk"))
            .values_list("submitted_on", "count")
            if day is not None
        ]
    curve, total = [], 0
    for day, count in sorted(days):
        total += count
        curve.append((day, count, total))
    return curve


@dataclass(frozen=True)
class RateRow:
    unit: Unit
    own: Rate
    subtree: Rate
    level: int  # 0: a top unit of those shown
    has_children: bool
    expanded: bool = False  # its units below are shown


def rate_tree(
    measurement: Measurement, units: list[Unit], levels: int, sort: str = "",
    opened: frozenset[str] = frozenset(), closed: frozenset[str] = frozenset(),
) -> list[RateRow]:  # fmt: skip
    """The units as a tree, each under its parent, down to `levels` levels below the top,
    and further below the units (codes) in `opened`, but not below those in `closed`;
    siblings in the organisation's order, or by rate (the lowest first, a withheld rate
    last: its place must not hint at it) or by name."""
    by_id = {unit.pk: unit for unit in units}
    rates = {unit.pk: (own, subtree) for unit, own, subtree in unit_rates(measurement, units)}
    children: dict[int | None, list[Unit]] = {}
    for unit in sorted(units, key=lambda u: u.path):
        parent = unit.parent_id if unit.parent_id in by_id else None
        children.setdefault(parent, []).append(unit)

    def key(unit: Unit) -> tuple[object, ...]:
        if sort == "rate":
            percent = rates[unit.pk][1].percent
            return (percent is None, percent if percent is not None else 0, unit.path)
        if sort == "name":
            return (unit.name.lower(), unit.path)
        return (unit.path,)

    rows: list[RateRow] = []

    def walk(parent: int | None, level: int) -> None:
        for unit in sorted(children.get(parent, []), key=key):
            own, subtree = rates[unit.pk]
            below = bool(children.get(unit.pk))
            expanded = (
                below and unit.code not in closed and (level + 1 < levels or unit.code in opened)
            )
            rows.append(RateRow(unit, own, subtree, level, below, expanded))
            if expanded:
                walk(unit.pk, level + 1)

    walk(None, 0)
    return rows


def cumulative_rate(measurement: Measurement) -> list[tuple[int, float]]:
    """The share of participants who had answered (%), by day since collection opened: the
    curve HR compares with last year's."""
    invited = measurement.participants.count()
    if not invited:
        return []
    days = answers_per_day(measurement)
    # From the planned opening, or the first answer if HR opened it earlier.
    opened = min([timezone.localtime(measurement.opens_at).date(), *(d for d, _c, _t in days)])
    return [((day - opened).days, 100 * total / invited) for day, _count, total in days]
