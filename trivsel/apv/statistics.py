"""Incident counts per unit (with everything below it) and quarter, by kind and by from
whom, under the same anonymity rule as the results: no count of 1 to k − 1, and no set of
1 to k − 1 incidents that the shown counts would let someone work out (a unit's total less
its sub-units', a kind less the others, one breakdown against the other). See `decide`."""

from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.conf import settings
from django.db.models import Count

from trivsel.apv.models import Incident
from trivsel.engine.compute import with_organisation
from trivsel.engine.suppression import visible_many
from trivsel.organisation.models import Unit

KINDS = [kind.value for kind in Incident.Kind]
SOURCES = [source.value for source in Incident.Source]
METRICS = ["all", *[f"kind:{k}" for k in KINDS], *[f"source:{s}" for s in SOURCES]]


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * (quarter - 1) + 1, 1)
    end = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return start, end


@dataclass
class UnitCounts:
    unit: Unit
    total: int | None  # None: not shown
    kinds: dict[str, int | None] = field(default_factory=dict)
    sources: dict[str, int | None] = field(default_factory=dict)


def decide(own: np.ndarray, parents: list[int], k: int, cross: np.ndarray) -> np.ndarray:
    """Which counts may be shown: `own` is units × METRICS (each unit's own incidents, not
    its sub-units'), `cross` units × kinds × sources (the same, by kind and source together);
    `parents` each unit's parent index (-1: a top unit). Returns units × METRICS flags for
    the units' subtree counts.

    The totals follow the results' suppression (k and the differencing rules) over the tree.
    The shown units then cut the incidents into remainders: each shown unit's incidents less
    those of the shown units below it (the engine keeps every remainder at none or at least
    k). A unit shows its kinds only if every remainder inside it has each kind none or at
    least k, and its sources only if every remainder inside it has each kind-and-source
    cell none or at least k. Every shown count is then a sum of such blocks, so whatever
    the combination, no set of 1 to k − 1 incidents can be worked out (the property test
    checks it against the exact audit). Pure."""
    units = len(parents)
    tree = with_organisation(parents)
    counts = np.zeros((units + 1, 1, 1), dtype=np.int64)
    counts[:units, 0, 0] = own[:, 0]
    seen = visible_many(counts, tree, np.array([k]))
    shown = np.zeros((units, len(METRICS)), dtype=bool)
    shown[:, 0] = seen.subtree[:units, 0, 1]
    # each unit's remainder: the nearest shown unit at or above it (-1: none)
    owner = np.full(units, -1)
    for unit in range(units):
        at = unit
        while at >= 0 and not shown[at, 0]:
            at = parents[at]
        owner[unit] = at
    blocks = np.zeros((units, *cross.shape[1:]), dtype=np.int64)
    for unit in range(units):
        if owner[unit] >= 0:
            blocks[owner[unit]] += cross[unit]
    by_kind = blocks.sum(axis=2)
    small_kind: np.ndarray = np.asarray(((by_kind > 0) & (by_kind < k)).any(axis=1))
    small_cell: np.ndarray = np.asarray(((blocks > 0) & (blocks < k)).any(axis=(1, 2)))
    # a shown unit's breakdown covers the remainders of the shown units below it too
    bad_kind, bad_cell = small_kind.copy(), small_cell.copy()
    for unit in sorted(range(units), key=lambda u: -_depth(parents, u)):
        parent = parents[unit]
        if parent >= 0:
            bad_kind[parent] |= bad_kind[unit]
            bad_cell[parent] |= bad_cell[unit]
    for unit in range(units):
        if shown[unit, 0]:
            shown[unit, 1 : 1 + len(KINDS)] = not bad_kind[unit]
            shown[unit, 1 + len(KINDS) :] = not bad_cell[unit]
    return shown


def _depth(parents: list[int], unit: int) -> int:
    depth = 0
    while parents[unit] >= 0:
        unit, depth = parents[unit], depth + 1
    return depth


def counts(year: int, quarter: int, units: list[Unit]) -> list[UnitCounts]:
    """The shown counts of the quarter for these units (each with everything below it),
    decided over the whole organisation's tree."""
    start, end = quarter_bounds(year, quarter)
    return counts_between(start, end, units)


def counts_between(start: date, end: date, units: list[Unit]) -> list[UnitCounts]:
    """The shown counts of incidents from `start` up to (not including) `end`."""
    tree_units = list(Unit.objects.filter(valid_to=None).order_by("path"))
    at = {unit.pk: number for number, unit in enumerate(tree_units)}
    parents = [at.get(unit.parent_id, -1) if unit.parent_id else -1 for unit in tree_units]
    own = np.zeros((len(tree_units), len(METRICS)), dtype=np.int64)
    cross = np.zeros((len(tree_units), len(KINDS), len(SOURCES)), dtype=np.int64)
    rows = (
        Incident.objects.filter(occurred_on__gte=start, occurred_on__lt=end, unit_id__in=at)
        .values("unit_id", "kind", "source")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        place = at[row["unit_id"]]
        for metric in ("all", f"kind:{row['kind']}", f"source:{row['source']}"):
            own[place, METRICS.index(metric)] += row["n"]
        cross[place, KINDS.index(row["kind"]), SOURCES.index(row["source"])] += row["n"]
    shown = decide(own, parents, settings.RESULTS_MIN_GROUP, cross)
    padded = np.vstack([own, np.zeros((1, len(METRICS)), dtype=np.int64)])  # the organisation
    totals = with_organisation(parents).subtree_totals(padded)[: len(parents)]
    result = []
    for unit in units:
        number = at.get(unit.pk)
        if number is None:
            continue
        values = {
            metric: int(totals[number, m]) if shown[number, m] else None
            for m, metric in enumerate(METRICS)
        }
        result.append(UnitCounts(
            unit, values["all"], {k_: values[f"kind:{k_}"] for k_ in KINDS},
            {s: values[f"source:{s}"] for s in SOURCES},
        ))  # fmt: skip
    return result
