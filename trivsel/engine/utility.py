"""What the suppression costs, for `bench_suppression` (pure, no ORM): how many units of
each size are shown, why each hidden unit is hidden (the cell it would give away beside,
and how many people that leaves), whether a smaller shown cell could have been hidden
instead, and the share of figures hidden by the differencing rules.

Only the subtree totals are examined here (what every report shows); the organisation's
job-group slices are counted separately."""

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from trivsel.engine.suppression import PROTECTS, TOO_FEW, Visibility, remainders
from trivsel.engine.tree import Tree

Flags = NDArray[np.bool_]
Counts = NDArray[np.int64]


@dataclass(frozen=True)
class Conflict:
    """Showing `unit` would leave `left` people (1..k-1) in `at`'s remainder: `at` minus
    the shown cells right below it (`below`)."""

    at: int
    left: int
    below: tuple[int, ...]


@dataclass(frozen=True)
class Explanation:
    unit: int
    conflicts: list[Conflict]
    instead: int | None  # a smaller shown cell whose hiding would have done: avoidable


@dataclass
class Summary:
    sizes: dict[int, tuple[int, int]] = field(default_factory=dict)  # bar -> (units, shown)
    hidden: list[Explanation] = field(default_factory=list)  # hidden units at or above a size
    avoidable: int = 0  # hidden cells (any metric) a smaller shown cell could have replaced
    protected_cells: int = 0  # cells hidden by the differencing rules, every metric
    eligible_cells: int = 0  # cells with at least k answers, every metric
    group_slices: tuple[int, int] = (0, 0)  # the organisation's group slices: eligible, shown


def maximal_shown_below(unit: int, shown: Flags, tree: Tree) -> list[int]:
    """The shown cells right below `unit`: shown descendants with no shown cell between."""
    found, stack = [], list(tree.children(unit))
    while stack:
        child = int(stack.pop())
        if shown[child]:
            found.append(child)
        else:
            stack.extend(tree.children(child).tolist())
    return found


def conflicts(shown: Flags, totals: Counts, k: int, tree: Tree) -> list[Conflict]:
    left = remainders(shown, totals, tree)
    bad = np.flatnonzero(shown & (left >= 1) & (left < k))
    return [
        Conflict(int(c), int(left[c]), tuple(maximal_shown_below(int(c), shown, tree))) for c in bad
    ]


def explain(unit: int, shown: Flags, totals: Counts, k: int, tree: Tree) -> Explanation:
    """Why a unit hidden to protect others is needed hidden: what showing it would leave,
    and (the oracle for "no avoidable hiding") any smaller shown cell whose hiding instead
    would leave nothing small."""
    again = shown.copy()
    again[unit] = True
    found = conflicts(again, totals, k, tree)
    if not found:
        return Explanation(unit, [], unit)  # not needed at all
    # A conflict at c is resolved only by hiding c or one of the shown cells right below c.
    candidates = {c.at for c in found} | {b for c in found for b in c.below}
    for other in sorted(candidates - {unit}, key=lambda u: totals[u]):
        if totals[other] >= totals[unit]:
            break
        swapped = again.copy()
        swapped[other] = False
        if not conflicts(swapped, totals, k, tree):
            return Explanation(unit, found, other)
    return Explanation(unit, found, None)


def summarise(
    seen: Visibility, tree: Tree, k: list[int], bars: tuple[int, ...] = (5, 20, 100),
    explain_from: int = 20, metrics: list[int] | None = None,
) -> Summary:  # fmt: skip
    """seen: `visible_many`'s outcome (metric 0: respondents); k per metric. Units exclude
    the organisation (the last unit, the virtual root). `metrics`: which to check for
    avoidable hiding (default all)."""
    summary = Summary()
    real = np.arange(len(tree) - 1)
    people = seen.subtree_n[:, 0, -1]
    shown = seen.subtree[:, 0, -1]
    for bar in bars:
        at = real[people[real] >= bar]
        summary.sizes[bar] = (len(at), int(shown[at].sum()))
    for unit in real[(people[real] >= explain_from) & ~shown[real]]:
        summary.hidden.append(explain(int(unit), shown, people, k[0], tree))
    totals = seen.subtree_n[:, :, -1]
    summary.eligible_cells = int(sum((totals[:, m] >= k[m]).sum() for m in range(len(k))))
    summary.protected_cells = int((seen.reason == PROTECTS).sum())
    for metric in range(len(k)) if metrics is None else metrics:
        flags = seen.subtree[:, metric, -1]
        for unit in np.flatnonzero(seen.reason[:, metric] == PROTECTS):
            if explain(int(unit), flags, totals[:, metric], k[metric], tree).instead is not None:
                summary.avoidable += 1
    root = len(tree) - 1
    slices = seen.subtree_n.shape[2] - 1
    eligible = int((seen.group_reason != TOO_FEW).sum())
    summary.group_slices = (eligible, int(seen.subtree[root, :, :slices].sum()))
    return summary
