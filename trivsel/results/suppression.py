"""Which groups' figures may be shown (PRODUCT.md, "Anonymity"): pure, on respondent counts.

A *cell* is a set of respondents whose aggregate could be shown: for each unit its own
respondents and its whole subtree, each in total and split by background group. A cell is
shown only if

1. it has at least k respondents (k = 5 by default; callers use a higher k for sensitive
   items and for comments), and
2. no group of 1..k-1 respondents can be derived by subtraction:
   a. pairs: for any two shown cells where one contains the other (a unit's own within
      its subtree, a subtree within an ancestor's, a background group within its unit
      cell or within an ancestor's), the difference is 0 or at least k;
   b. parts: for every shown cell, the respondents it holds beyond its shown direct parts
      are 0 or at least k. The direct parts of a subtree are the unit's own respondents
      and its children's subtrees (in each background slice and in total); the parts of
      any unit cell are its background groups.

Where a rule fails, the smaller cell (for b, the smallest shown part) is hidden too, and
the checks run again until nothing fails. Hidden cells still count in their parents and
in response rates: nothing is lost, it is only not shown on its own.
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from trivsel.results.tree import Tree

Counts = NDArray[np.float64]
Flags = NDArray[np.bool_]


@dataclass(frozen=True)
class Visibility:
    """own[u, g] / subtree[u, g]: may the cell be shown. Column g < G is background group g,
    the last column is the unit in total."""

    own: Flags
    subtree: Flags
    own_n: Counts
    subtree_n: Counts


def with_total(counts: Counts) -> Counts:
    """Per unit × group counts, with a last column for all groups together."""
    return np.column_stack([counts, counts.sum(axis=1)])


def _children(tree: Tree) -> list[list[int]]:
    children: list[list[int]] = [[] for _ in range(len(tree))]
    for unit, parent in enumerate(tree.parent.tolist()):
        if parent >= 0:
            children[parent].append(unit)
    return children


def _ancestors(tree: Tree) -> list[list[int]]:
    parent = tree.parent.tolist()
    result: list[list[int]] = []
    for unit in range(len(parent)):
        chain, current = [], parent[unit]
        while current >= 0:
            chain.append(current)
            current = parent[current]
        result.append(chain)
    return result


@dataclass
class _Cells:
    """Every cell as a bitmask of the non-empty (unit, group) atoms it holds, with the
    deepest unit whose subtree holds them all: a cell can only contain another whose
    deepest unit lies at or below its own. Comparing masks finds every containment,
    including those that come from empty groups (a subtree whose group lives in one unit)."""

    masks: dict[tuple[int, int, int], int]  # (kind 0 own / 1 subtree, unit, slice) -> mask
    lca: dict[tuple[int, int, int], int]
    by_lca: dict[int, list[tuple[int, int, int]]]


def _cells(own_n: Counts, tree: Tree, children: list[list[int]]) -> _Cells:
    units, slices = own_n.shape
    groups = slices - 1
    masks: dict[tuple[int, int, int], int] = {}
    lca: dict[tuple[int, int, int], int] = {}
    for unit in range(units):
        for g in range(groups):
            if own_n[unit, g] > 0:
                masks[(0, unit, g)] = 1 << (unit * groups + g)
                lca[(0, unit, g)] = unit
        whole = 0
        for g in range(groups):
            whole |= masks.get((0, unit, g), 0)
        if whole:
            masks[(0, unit, groups)] = whole
            lca[(0, unit, groups)] = unit
    for level in range(int(tree.depth.max(initial=0)), -1, -1):
        for unit in np.flatnonzero(tree.depth == level).tolist():
            for g in range(slices):
                mask = masks.get((0, unit, g), 0)
                holders = [c for c in children[unit] if (1, c, g) in masks]
                for child in holders:
                    mask |= masks[(1, child, g)]
                if not mask:
                    continue
                masks[(1, unit, g)] = mask
                alone = (0, unit, g) not in masks and len(holders) == 1
                lca[(1, unit, g)] = lca[(1, holders[0], g)] if alone else unit
    by_lca: dict[int, list[tuple[int, int, int]]] = {}
    for key, unit in lca.items():
        by_lca.setdefault(unit, []).append(key)
    return _Cells(masks, lca, by_lca)


def _hide_pairs(
    flags: tuple[Flags, Flags], n: tuple[Counts, Counts], cells: _Cells,
    ancestors: list[list[int]], k: int,
) -> bool:  # fmt: skip
    """Rule 2a: hide the smaller of any shown nested pair that differs by 1..k-1."""
    sizes = (n[0].tolist(), n[1].tolist())
    changed = False
    for key, mask in cells.masks.items():
        kind, unit, g = key
        if not flags[kind][unit, g]:
            continue
        size = float(n[kind][unit, g])
        home = cells.lca[key]
        for holder in [home, *ancestors[home]]:
            for other in cells.by_lca.get(holder, []):
                o_kind, o_unit, o_g = other
                # The cheap tests first: most pairs differ by 0 or by k or more.
                if not 1 <= sizes[o_kind][o_unit][o_g] - size < k:
                    continue
                if other == key or not flags[o_kind][o_unit, o_g]:
                    continue
                o_mask = cells.masks[other]
                if mask & ~o_mask == 0:
                    flags[kind][unit, g] = False
                    changed = True
                    break
            if not flags[kind][unit, g]:
                break
    return changed


def visible_cells(own_counts: Counts, tree: Tree, k: int) -> Visibility:
    """own_counts: respondents per unit × background group (own respondents only)."""
    own_n = with_total(np.asarray(own_counts, dtype=np.float64))
    subtree_n = tree.subtree_totals(own_n)
    own = own_n >= k
    subtree = subtree_n >= k
    children = _children(tree)
    groups = own_n.shape[1] - 1
    ancestors = _ancestors(tree)
    cells = _cells(own_n, tree, children)
    changed = True
    while changed:
        changed = _hide_pairs((own, subtree), (own_n, subtree_n), cells, ancestors, k)
        # Subtree = own + children's subtrees, in every slice (each group, and the total).
        for unit in range(len(tree)):
            for g in range(groups + 1):
                if not subtree[unit, g]:
                    continue
                parts = [(own_n[unit, g], own, unit)] if own[unit, g] else []
                parts += [(subtree_n[c, g], subtree, c) for c in children[unit] if subtree[c, g]]
                left = subtree_n[unit, g] - sum(n for n, _flags, _u in parts)
                if 1 <= left < k:
                    _n, flags, hidden = min(parts, key=lambda part: part[0])
                    flags[hidden, g] = False
                    changed = True
        # A unit cell = its background groups.
        for flags, n in ((own, own_n), (subtree, subtree_n)):
            for unit in range(len(tree)):
                if not flags[unit, groups]:
                    continue
                shown = [g for g in range(groups) if flags[unit, g]]
                left = n[unit, groups] - sum(n[unit, g] for g in shown)
                if 1 <= left < k:
                    flags[unit, min(shown, key=lambda g: n[unit, g])] = False
                    changed = True
    return Visibility(own, subtree, own_n, subtree_n)
