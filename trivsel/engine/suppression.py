"""Which figures may be shown (PRODUCT.md, "Anonymity"; the proofs are in docs/anonymity.md):
pure, on respondent counts, for many metrics at once (respondents, each dimension, each
item: people skip questions, so each has its own counts).

What is published for one measurement, per metric:

- every unit's *subtree* (the unit with everything below it: what a report shows), and the
  whole organisation (the virtual root, the last unit of the tree), in total;
- the whole organisation per background group (job group). People without a group are
  counted in every total and never listed.

A unit's own respondents without its sub-units, and a group within a unit, are not
published: no page reads them, and every published cell adds combinations to protect.

The promise: no set of 1..k-1 respondents has an indicator in the span of the published
cells, so no count, sum, mean or share of such a set follows from any linear combination
of what is shown. For the published shape that is exactly:

1. *Totals (a laminar family).* For a shown subtree cell v, its remainder R(v) = v minus
   its maximal shown descendants is 0 or at least k. The remainders partition the people
   under shown cells, every shown cell is a sum of remainders, so the sets that can be
   derived from totals alone are exactly unions of remainders.
2. *Groups against totals.* With the remainders as blocks A and each shown group g of the
   organisation as B_g: no set of groups S leaves 1..k-1 people in
   (the blocks touching S) minus (the groups S), nor in (the groups S) minus (the blocks
   wholly made of S's people). These two shapes are every derivable set once (1) holds.

Which cell to hide (the one carrying least): a conflict in (1) at v is resolved by hiding v
or one of its maximal shown descendants whose own remainder is at least k (that joins v's
remainder), whichever has fewer respondents; units are taken deepest first, so a unit's
remainder is settled before its ancestors look at it. Cells hidden on the way that turn out
not to be needed are shown again. A conflict in (2) hides the smallest group slice in S
(a job-group slice goes before a unit's total).

Every hidden cell keeps its reason: fewer than k answered, or hidden to protect a smaller
group (with, where one exists, the shown unit that holds all but fewer than k of its
people). Hidden cells still count in their parents: nothing is lost, it is only not shown
on its own.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from trivsel.engine.tree import Tree

Counts = NDArray[Any]
Flags = NDArray[np.bool_]

SHOWN, TOO_FEW, PROTECTS = 0, 1, 2
MAX_GROUPS = 12  # groups checked together exactly (2^12 sets); smaller ones beyond are hidden


@dataclass(frozen=True)
class Visibility:
    """own[u, m, g] / subtree[u, m, g]: may the cell be shown. Column g < G is slice g, the
    last column is the unit in total. reason[u, m] (SHOWN, TOO_FEW, PROTECTS) and partner
    [u, m] (a shown unit holding all but fewer than k of u's people, else -1) for subtree
    totals; group_reason[m, g] for the organisation's group slices."""

    own: Flags
    subtree: Flags
    own_n: Counts
    subtree_n: Counts
    reason: NDArray[np.int8]
    partner: NDArray[np.int64]
    group_reason: NDArray[np.int8]


def with_total(counts: Counts) -> Counts:
    """Counts per slice, with a last column for all slices together."""
    return np.concatenate([counts, counts.sum(axis=-1, keepdims=True)], axis=-1)


def visible_cells(own_counts: NDArray[Any], tree: Tree, k: int) -> Visibility:
    """own_counts: respondents per unit × slice (own respondents only); one metric."""
    seen = visible_many(np.asarray(own_counts)[:, None, :], tree, np.array([k]))
    return Visibility(
        seen.own[:, 0], seen.subtree[:, 0], seen.own_n[:, 0], seen.subtree_n[:, 0],
        seen.reason[:, 0], seen.partner[:, 0], seen.group_reason[0],
    )  # fmt: skip


def visible_many(
    own_counts: NDArray[Any], tree: Tree, k: NDArray[np.int64], listed: Flags | None = None
) -> Visibility:
    """own_counts: unit × metric × slice counts of own respondents; k per metric; listed:
    which slices may be shown at all (default all). `tree` has one root: the organisation.
    Returns flags unit × metric × (slice + 1)."""
    # int32 counts and float32 sums: exact up to 16 million people, in half the memory of
    # a large organisation's units × metrics × job groups
    counts = np.asarray(own_counts, dtype=np.int32)
    units, metrics, slices = counts.shape
    own_n = with_total(counts)
    sub_n = tree.subtree_totals(own_n.astype(np.float32)).astype(np.int32)
    threshold = np.asarray(k, dtype=np.int64).reshape(metrics)
    totals = sub_n[:, :, slices]
    shown = totals >= threshold[None, :]
    reason = np.where(shown, SHOWN, TOO_FEW).astype(np.int8)
    shown = _settle_totals(shown, totals, threshold, tree, reason)
    partner = _partners(shown, totals, threshold, tree, reason)

    root = int(np.flatnonzero(tree.parent < 0)[0]) if units else 0
    may = np.ones(slices, dtype=bool) if listed is None else np.asarray(listed, dtype=bool)
    group_shown = (
        (sub_n[root, :, :slices] >= threshold[:, None]) & may[None, :] & shown[root][:, None]
    )
    group_reason = np.where(group_shown, SHOWN, TOO_FEW).astype(np.int8)
    if slices and units:
        blocks = _blocks(shown, tree)
        for metric in range(metrics):
            if group_shown[metric].any():
                _settle_groups(
                    counts[:, metric, :], blocks[:, metric], group_shown[metric],
                    int(threshold[metric]), group_reason[metric],
                )  # fmt: skip

    subtree = np.zeros((units, metrics, slices + 1), dtype=bool)
    subtree[:, :, slices] = shown
    if units:
        subtree[root, :, :slices] = group_shown
    own = np.zeros_like(subtree)
    return Visibility(own, subtree, own_n, sub_n, reason, partner, group_reason)


def remainders(shown: Flags, totals: Counts, tree: Tree) -> Counts:
    """For one metric (shown and totals per unit): each cell's total minus its maximal shown
    descendants' totals. A shown cell whose remainder is 1..k-1 gives a small group away."""
    nearest = _nearest_shown_ancestor(shown[:, None], tree)
    return _remainders(shown[:, None], np.asarray(totals, dtype=np.int64)[:, None], nearest)[:, 0]


def _nearest_shown_ancestor(shown: Flags, tree: Tree) -> NDArray[np.int64]:
    """Per unit × metric: the nearest strict ancestor whose cell is shown, else -1."""
    nearest = np.full(shown.shape, -1, dtype=np.int64)
    for level in range(1, int(tree.depth.max(initial=0)) + 1):
        at = np.flatnonzero(tree.depth == level)
        parent = tree.parent[at]
        nearest[at] = np.where(shown[parent], parent[:, None], nearest[parent])
    return nearest


def _remainders(shown: Flags, totals: Counts, nearest: NDArray[np.int64]) -> Counts:
    """R(v) = v's total minus its maximal shown descendants' totals (for every cell)."""
    units, metrics = shown.shape
    column = np.broadcast_to(np.arange(metrics), shown.shape)
    inner = shown & (nearest >= 0)
    taken = np.bincount(
        (nearest[inner] * metrics + column[inner]), weights=totals[inner],
        minlength=units * metrics,
    ).reshape(units, metrics)  # fmt: skip
    return totals - taken.astype(np.int64)


def _settle_totals(
    shown: Flags, totals: Counts, threshold: Counts, tree: Tree, reason: NDArray[np.int8]
) -> Flags:
    """Rule (1), deepest units first; then cells hidden on the way that are not needed are
    shown again. Changes `reason` in place."""
    units, metrics = shown.shape
    shown = shown.copy()
    column = np.broadcast_to(np.arange(metrics), shown.shape)
    for level in range(int(tree.depth.max(initial=0)), -1, -1):
        nearest = _nearest_shown_ancestor(shown, tree)
        left = _remainders(shown, totals, nearest)
        at = tree.depth == level
        conflict = shown & at[:, None] & (left >= 1) & (left < threshold[None, :])
        if not conflict.any():
            continue
        # The cheapest maximal shown descendant whose remainder would close the gap.
        helps = shown & (nearest >= 0) & (left >= threshold[None, :])
        helps &= conflict[np.maximum(nearest, 0), column]
        cost = np.full(units * metrics, np.iinfo(np.int64).max, dtype=np.int64)
        target = nearest[helps] * metrics + column[helps]
        np.minimum.at(cost, target, totals[helps])
        cost = cost.reshape(units, metrics)
        hide_self = conflict & (totals <= cost)  # of equal ones, keep the smaller unit
        chosen = helps & ~hide_self[np.maximum(nearest, 0), column]
        chosen &= totals == cost[np.maximum(nearest, 0), column]
        # One descendant per conflict: the first of equally small ones.
        rows, cols = np.nonzero(chosen)
        key = nearest[rows, cols] * metrics + cols
        _unique, first = np.unique(key, return_index=True)
        shown[hide_self] = False
        shown[rows[first], cols[first]] = False
        reason[hide_self] = PROTECTS
        reason[rows[first], cols[first]] = PROTECTS
    _show_again(shown, totals, threshold, tree, reason)
    return shown


def _show_again(
    shown: Flags, totals: Counts, threshold: Counts, tree: Tree, reason: NDArray[np.int8]
) -> None:
    """Show again, largest first, every cell hidden to protect others whose showing breaks
    nothing any more (or that the shown cells rebuild anyway). Showing u changes only two
    remainders: u's own (u minus the shown cells right below it) and that of u's nearest
    shown ancestor. Per metric, the units are kept in depth-first order so that a subtree is
    a slice, and each unit's nearest shown ancestor and the shown totals right below each
    unit are updated as cells are shown."""
    candidates = np.argwhere(reason == PROTECTS)
    if not len(candidates):
        return
    start, end = _preorder(tree)
    order = np.argsort(start)  # the unit at each depth-first position
    for metric in np.unique(candidates[:, 1]):
        units = candidates[candidates[:, 1] == metric, 0]
        total = totals[:, metric]
        units = units[np.argsort(-total[units], kind="stable")]
        k = threshold[metric]
        nearest = _nearest_shown_ancestor(shown[:, metric : metric + 1], tree)[:, 0]
        flags_at = shown[order, metric]  # by depth-first position
        nearest_at = nearest[order]
        total_at = total[order]
        inner = shown[:, metric] & (nearest >= 0)
        taken = np.bincount(nearest[inner], weights=total[inner], minlength=len(tree))
        for unit in units.tolist():
            below = slice(start[unit] + 1, end[unit])
            above = int(nearest[unit])
            right_below = flags_at[below] & (nearest_at[below] == above)
            inside = int(total_at[below][right_below].sum())
            mine = int(total[unit]) - inside
            if 1 <= mine < k:
                continue
            if above >= 0 and 1 <= int(total[above]) - int(taken[above]) - mine < k:
                continue
            shown[unit, metric] = True
            reason[unit, metric] = SHOWN
            flags_at[start[unit]] = True
            if above >= 0:
                taken[above] += mine
            taken[unit] = inside
            moved = nearest_at[below] == above  # shown or not: their nearest is now u
            nearest_at[below][moved] = unit
            positions = np.arange(start[unit] + 1, end[unit])[moved]
            nearest[order[positions]] = unit


def _preorder(tree: Tree) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Each unit's position in a depth-first walk and the end of its subtree there."""
    children: list[list[int]] = [[] for _ in range(len(tree))]
    for unit, parent in enumerate(tree.parent.tolist()):
        if parent >= 0:
            children[parent].append(unit)
    start = np.zeros(len(tree), dtype=np.int64)
    end = np.zeros(len(tree), dtype=np.int64)
    clock = 0
    stack = [(int(u), False) for u in np.flatnonzero(tree.parent < 0)[::-1]]
    while stack:
        unit, done = stack.pop()
        if done:
            end[unit] = clock
            continue
        start[unit] = clock
        clock += 1
        stack.append((unit, True))
        stack.extend((child, False) for child in reversed(children[unit]))
    return start, end


def _partners(
    shown: Flags, totals: Counts, threshold: Counts, tree: Tree, reason: NDArray[np.int8]
) -> NDArray[np.int64]:
    """For a cell hidden to protect others: its largest maximal shown descendant, if that
    holds all but fewer than k of its people (the unit whose report shows nearly the same)."""
    units, metrics = shown.shape
    partner = np.full(shown.shape, -1, dtype=np.int64)
    if not (reason == PROTECTS).any():
        return partner
    nearest = _nearest_shown_ancestor(shown, tree)
    # Climbing from every shown cell to its nearest shown ancestor passes the hidden cells
    # in between; the largest shown cell directly below a hidden one is its candidate
    # (encoded as total × units + unit, so one maximum finds both).
    encoded = np.full(units * metrics, -1, dtype=np.int64)
    rows, cols = np.nonzero(shown & (nearest >= 0))
    holder = tree.parent[rows]
    while len(rows):
        hidden_here = ~shown[holder, cols]
        np.maximum.at(
            encoded, (holder * metrics + cols)[hidden_here],
            (totals[rows, cols] * units + rows)[hidden_here],
        )  # fmt: skip
        keep = hidden_here & (tree.parent[holder] >= 0)
        rows, cols, holder = rows[keep], cols[keep], tree.parent[holder[keep]]
    best = np.where(encoded >= 0, encoded % units, -1)
    best_n = np.where(encoded >= 0, encoded // units, -1)
    best = best.reshape(units, metrics)
    best_n = best_n.reshape(units, metrics)
    close = (reason == PROTECTS) & (best >= 0) & (totals - best_n < threshold[None, :])
    partner[close] = best[close]
    return partner


def _blocks(shown: Flags, tree: Tree) -> NDArray[np.int64]:
    """Per unit × metric: the shown cell whose remainder holds the unit's own respondents
    (the unit itself if shown, else its nearest shown ancestor; -1 if none)."""
    nearest = _nearest_shown_ancestor(shown, tree)
    units = np.arange(len(tree))[:, None]
    return np.where(shown, units, nearest)


def _settle_groups(
    counts: Counts, block_of: NDArray[np.int64], group_shown: Flags, k: int,
    group_reason: NDArray[np.int8],
) -> None:  # fmt: skip
    """Rule (2) for one metric: counts[u, g] own respondents, block_of[u] their block.
    Hides group slices (smallest first) until no set of groups leaves 1..k-1 people."""
    inside = block_of >= 0
    slices = counts.shape[1]
    per_block = np.zeros((len(counts), slices), dtype=np.int64)
    np.add.at(per_block, block_of[inside], counts[inside])
    per_block = per_block[per_block.sum(axis=1) > 0]
    size = per_block.sum(axis=1)
    group_n = counts.sum(axis=0)
    while True:
        groups = np.flatnonzero(group_shown)
        if len(groups) > MAX_GROUPS:
            smallest = groups[np.argmin(group_n[groups])]
            group_shown[smallest] = False
            group_reason[smallest] = PROTECTS
            continue
        if not len(groups):
            return
        bad = _group_conflict(per_block, size, group_n, groups, k)
        if bad is None:
            return
        smallest = bad[np.argmin(group_n[bad])]
        group_shown[smallest] = False
        group_reason[smallest] = PROTECTS


def _group_conflict(
    per_block: Counts, size: Counts, group_n: Counts, groups: NDArray[np.int64], k: int
) -> NDArray[np.int64] | None:
    """A set of shown groups that leaves 1..k-1 people in either shape, or None."""
    present = per_block[:, groups] > 0  # blocks × shown groups
    others = size - per_block[:, groups].sum(axis=1)  # people of no shown group per block
    # Both shapes depend on a block only through which shown groups it holds and whether it
    # holds anyone else, and add up its size: blocks alike in both are merged.
    bits = np.concatenate([present, (others > 0)[:, None]], axis=1).astype(np.int64)
    keys, merged = np.unique(bits @ (1 << np.arange(bits.shape[1])), return_inverse=True)
    size = np.bincount(merged, weights=size, minlength=len(keys)).astype(np.int64)
    present = ((keys[:, None] >> np.arange(len(groups))) & 1).astype(bool)
    others = (keys >> len(groups)) & 1
    count = len(groups)
    masks = ((np.arange(1, 2**count)[:, None] >> np.arange(count)) & 1).astype(bool)
    in_sets = masks.astype(np.int64)
    touches = (present.astype(np.int64) @ in_sets.T) > 0  # blocks × sets
    wholly = ((present.astype(np.int64) @ (~masks).T.astype(np.int64)) == 0) & (others == 0)[
        :, None
    ]
    chosen = in_sets @ group_n[groups]
    first = size @ touches - chosen  # blocks touching S minus S's people
    second = chosen - size @ wholly  # S's people minus the blocks made of S only
    small = ((first >= 1) & (first < k)) | ((second >= 1) & (second < k))
    if not small.any():
        return None
    found: NDArray[np.int64] = groups[masks[np.flatnonzero(small)[0]]]
    return found
