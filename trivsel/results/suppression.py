"""Which groups' figures may be shown (PRODUCT.md, "Anonymity"): pure, on respondent counts,
for many metrics at once (respondents, each dimension, each item: people skip questions,
so each has its own counts).

A *cell* is a set of respondents whose aggregate could be shown: for each unit its own
respondents and its whole subtree, each in total and split by background group (slice).
A cell is shown only if

1. it has at least k respondents (k = 5 by default; a higher k for sensitive items and
   for comments) and its slice may be listed at all (respondents without a background
   group form a slice that is counted but never listed), and
2. no group of 1..k-1 respondents can be derived by subtraction:
   a. pairs: for any two shown cells where one contains the other (a slice within its
      unit's total, a unit's own within its subtree, anything within an ancestor's
      subtree in the same slice or in total), the difference is 0 or at least k;
   b. parts: a shown subtree cell minus its shown direct parts (the unit's own cell and
      its children's subtree cells, in the same slice) is 0 or at least k; a shown total
      minus its shown slices is 0 or at least k;
   c. the same set is the same cell: where two nested cells hold the same respondents
      (equal counts, e.g. a subtree whose group g lives in one child), both are shown or
      neither. With (c), every containment between *sets* of respondents (also those
      that come from empty groups) is checked through a nested pair of equal sets.

Where (a) or (b) fails, the smaller cell (for b, the smallest shown part) is hidden, and
the checks run again until nothing fails. Hidden cells still count in their parents and
in response rates: nothing is lost, it is only not shown on its own.

Everything is vectorised over units, metrics and slices; the loops run over depth levels
of the tree and over the rounds of hiding, never over units.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from trivsel.results.tree import Tree

Counts = NDArray[Any]  # whole numbers (uint16 or int32)
Flags = NDArray[np.bool_]


@dataclass(frozen=True)
class Visibility:
    """own[u, g] / subtree[u, g]: may the cell be shown. Column g < G is slice g, the last
    column is the unit in total. (For many metrics: [u, metric, g].)"""

    own: Flags
    subtree: Flags
    own_n: Counts
    subtree_n: Counts


def with_total(counts: Counts) -> Counts:
    """Counts per slice, with a last column for all slices together."""
    return np.concatenate([counts, counts.sum(axis=-1, keepdims=True)], axis=-1)


def visible_cells(own_counts: NDArray[Any], tree: Tree, k: int) -> Visibility:
    """own_counts: respondents per unit × slice (own respondents only); one metric."""
    seen = visible_many(np.asarray(own_counts)[:, None, :], tree, np.array([k]))
    return Visibility(seen.own[:, 0], seen.subtree[:, 0], seen.own_n[:, 0], seen.subtree_n[:, 0])


def visible_many(
    own_counts: NDArray[Any], tree: Tree, k: NDArray[np.int64], listed: Flags | None = None
) -> Visibility:
    """own_counts: unit × metric × slice counts of own respondents; k per metric; listed:
    which slices may be shown at all (default all). Returns unit × metric × (slice + 1)."""
    # The smallest integer type that holds everyone (nested cells never differ negatively).
    counts = np.asarray(own_counts)
    kind = np.uint16 if counts.sum() <= np.iinfo(np.uint16).max else np.int32
    own_n = with_total(counts.astype(kind))
    sub_n = tree.subtree_totals(own_n.astype(np.float64)).astype(kind)
    slices = own_n.shape[2] - 1
    threshold = np.asarray(k, dtype=kind)[None, :, None]
    may = np.ones(slices + 1, dtype=bool)
    if listed is not None:
        may[:slices] = listed
    own = (own_n >= threshold) & may
    sub = np.greater_equal(sub_n, threshold) & may
    pairs = _nested_pairs(own_n, sub_n, tree, threshold, may)
    leaf = _leaves(tree)
    flat = np.concatenate([own.ravel(), sub.ravel()])
    own, sub = flat[: own.size].reshape(own.shape), flat[own.size :].reshape(sub.shape)
    family = _Family.of(tree)
    metrics = int(own_n.shape[1])
    # Metrics are independent: after a round, only those where something was hidden can
    # change again.
    active = np.arange(metrics)
    for _round in range(10_000):
        hidden = pairs.apply(flat)
        changed = np.zeros(metrics, dtype=bool)
        changed[(hidden % own.size) // (slices + 1) % metrics] = True
        own[leaf] = sub[leaf]
        if len(active) == metrics:
            changed |= _parts(own, sub, own_n, sub_n, family, threshold, slices)
        else:
            part_own, part_sub = own[:, active], sub[:, active]
            changed[active] |= _parts(
                part_own, part_sub, own_n[:, active], sub_n[:, active], family,
                threshold[:, active], slices,
            )  # fmt: skip
            own[:, active], sub[:, active] = part_own, part_sub
        if not changed.any():
            break
        active = np.flatnonzero(changed)
    own[leaf] = sub[leaf]
    return Visibility(own, sub, own_n, sub_n)


def _small(difference: Counts, threshold: Counts) -> Flags:
    return (difference >= 1) & (difference < threshold)


@dataclass(frozen=True)
class _Pairs:
    """Every nested pair (cell X inside container C) that could matter: X could be shown
    and the two differ by less than k. Indices into own and subtree flags laid end to end."""

    inner: NDArray[np.int64]
    outer: NDArray[np.int64]
    small: Flags  # the difference is 1..k-1 (else it is 0: the same respondents)
    inner_listed: Flags

    def apply(self, flat: Flags) -> NDArray[np.int64]:
        """Rules (a) and (c), once over every pair; returns the flat indices hidden."""
        xv, cv = flat[self.inner], flat[self.outer]
        hide_x = xv & np.where(self.small, cv, ~cv)
        hide_c = cv & ~xv & ~self.small & self.inner_listed
        hidden = np.concatenate([self.inner[hide_x], self.outer[hide_c]])
        flat[hidden] = False
        return hidden


def _nested_pairs(
    own_n: Counts, sub_n: Counts, tree: Tree, threshold: Counts, may: Flags
) -> _Pairs:
    """A slice within its unit's total (own and subtree); an own or subtree cell within
    its own unit's or an ancestor's subtree, in the same slice and in total.

    Going up the tree a container only grows, so once a cell differs from an ancestor's
    subtree by k or more it does so from every higher one: each cell climbs only as far
    as it stays within k. A leaf's own cells are its subtree cells (the same people), so
    only the subtree cells take part and the leaf's own flags copy them. Only cells that
    could be shown at the start take part as the inner cell."""
    slices = own_n.shape[2] - 1
    offset = own_n.size  # subtree cells come after own cells in the flat flags
    k = threshold.reshape(-1)
    inner_parts, outer_parts, small_parts, listed_parts = [], [], [], []
    leaf = _leaves(tree)

    def record(x_at: NDArray[np.int64], c_at: NDArray[np.int64], difference: Counts,
               column: NDArray[np.int64]) -> None:  # fmt: skip
        inner_parts.append(x_at)
        outer_parts.append(c_at)
        small_parts.append(difference >= 1)
        listed_parts.append(may[column])

    for x_n, base, first in ((own_n, 0, 0), (sub_n, offset, 1)):
        # Only cells that start shown: a cell below k, or of a slice never listed, is hidden
        # throughout, and a container holding the same people is then below k as well.
        unit, metric, column = np.nonzero((x_n >= threshold) & may)
        if base == 0:
            keep = ~leaf[unit]
            unit, metric, column = unit[keep], metric[keep], column[keep]
        x_at = base + np.ravel_multi_index((unit, metric, column), own_n.shape)
        x_value = x_n[unit, metric, column]
        # A slice within its own unit's total (same kind of cell).
        group = column < slices
        c_at = base + np.ravel_multi_index(
            (unit[group], metric[group], np.full(group.sum(), slices)), own_n.shape
        )
        difference = x_n[unit[group], metric[group], slices] - x_value[group]
        near = difference < k[metric[group]]
        record(x_at[group][near], c_at[near], difference[near], column[group][near])
        # Within subtrees up the tree: the same slice, and (for a slice) the total.
        for target in ("same", "total"):
            pick = np.ones(len(unit), dtype=bool) if target == "same" else group
            u, m, c, at, value = unit[pick], metric[pick], column[pick], x_at[pick], x_value[pick]
            c_column = c if target == "same" else np.full(len(c), slices)
            holder = u if first == 0 else tree.parent[u]
            while len(holder):
                inside = holder >= 0
                holder, u, m, c, c_column, at, value = (
                    array[inside] for array in (holder, u, m, c, c_column, at, value)
                )
                difference = sub_n[holder, m, c_column] - value
                near = difference < k[m]
                holder, u, m, c, c_column, at, value, difference = (
                    array[near] for array in (holder, u, m, c, c_column, at, value, difference)
                )
                c_at = offset + np.ravel_multi_index((holder, m, c_column), own_n.shape)
                record(at, c_at, difference, c)
                holder = tree.parent[holder]
    return _Pairs(
        np.concatenate(inner_parts), np.concatenate(outer_parts),
        np.concatenate(small_parts), np.concatenate(listed_parts),
    )  # fmt: skip


def _leaves(tree: Tree) -> Flags:
    leaf = np.ones(len(tree), dtype=bool)
    leaf[tree.parent[tree.parent >= 0]] = False
    return leaf


def _parts(
    own: Flags, sub: Flags, own_n: Counts, sub_n: Counts, family: "_Family",
    threshold: Counts, slices: int,
) -> Flags:  # fmt: skip
    """Rule (b): hide the smallest shown part where a remainder of 1..k-1 would be left.
    Returns, per metric, whether anything was hidden."""
    changed = np.zeros(own.shape[1], dtype=bool)
    # A subtree = its unit's own respondents + its children's subtrees (only units with
    # children: a leaf's subtree is its own cell).
    at = family.parents
    child_flags = sub[family.children]
    child_n = sub_n[family.children]
    shown_children = np.add.reduceat(np.where(child_flags, child_n, 0), family.starts, axis=0)
    parent_own, parent_own_n = own[at], own_n[at]
    left = sub_n[at] - np.where(parent_own, parent_own_n, 0) - shown_children
    bad = sub[at] & _small(left, threshold)
    if bad.any():
        big = np.iinfo(child_n.dtype).max
        smallest_child = np.minimum.reduceat(
            np.where(child_flags, child_n, big), family.starts, axis=0
        )
        hide_own = bad & (np.where(parent_own, parent_own_n, big) <= smallest_child)
        parent_own[hide_own] = False
        own[at] = parent_own
        candidate = (
            (bad & ~hide_own)[family.slot] & child_flags & (child_n == smallest_child[family.slot])
        )
        if candidate.any():
            # Of equally small children, hide one: the first.
            position = np.arange(len(family.children), dtype=np.int64)[:, None, None]
            none = len(family.children)
            first = np.minimum.reduceat(np.where(candidate, position, none), family.starts, axis=0)
            hide_child = candidate & (position == first[family.slot])
            child_flags[hide_child] = False
            sub[family.children] = child_flags
        changed |= bad.any(axis=(0, 2))
    # A total = its slices (a leaf's own cells are its subtree cells: checked once).
    own_flags = own[at]
    changed |= _total_parts(own_flags, own_n[at], threshold, slices)
    own[at] = own_flags
    changed |= _total_parts(sub, sub_n, threshold, slices)
    return changed


def _total_parts(flags: Flags, n: Counts, threshold: Counts, slices: int) -> Flags:
    """A shown total minus its shown slices: hide the smallest slice where 1..k-1 is left.
    Changes `flags` in place; returns, per metric, whether anything was hidden."""
    shown = np.where(flags[:, :, :slices], n[:, :, :slices], 0).sum(axis=2)
    bad = flags[:, :, slices] & _small(n[:, :, slices] - shown, threshold[:, :, 0])
    if bad.any():
        values = np.where(flags[:, :, :slices], n[:, :, :slices], np.iinfo(n.dtype).max)
        smallest = values.argmin(axis=2)[:, :, None]  # of equally small ones, the first
        hide = bad[:, :, None] & (np.arange(slices)[None, None, :] == smallest)
        part = flags[:, :, :slices]
        part[hide] = False
        flags[:, :, :slices] = part
    return np.asarray(bad.any(axis=0))


@dataclass(frozen=True)
class _Family:
    """Children grouped by parent, for per-parent sums and minima without ufunc.at."""

    units: int
    children: NDArray[np.int64]  # non-root units, sorted by parent
    parent_of: NDArray[np.int64]
    parents: NDArray[np.int64]  # the distinct parents
    starts: NDArray[np.int64]  # where each parent's children start in `children`
    slot: NDArray[np.int64]  # per child: its parent's index in `parents`

    @classmethod
    def of(cls, tree: Tree) -> "_Family":
        nonroot = np.flatnonzero(tree.parent >= 0)
        children = nonroot[np.argsort(tree.parent[nonroot], kind="stable")]
        parent_of = tree.parent[children]
        parents, starts, slot = np.unique(parent_of, return_index=True, return_inverse=True)
        return cls(len(tree), children, parent_of, parents, starts, slot)

    def per_parent(self, ufunc: np.ufunc, values: Counts, empty: int) -> Counts:
        """ufunc over each unit's children's rows; `empty` for units without children."""
        out = np.full((self.units, *values.shape[1:]), empty, dtype=values.dtype)
        if len(self.children):
            out[self.parents] = ufunc.reduceat(values, self.starts, axis=0)
        return out
