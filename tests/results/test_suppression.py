"""Suppression: hand cases, and a property test on random trees and background splits that
looks at actual sets of respondents: from the visible aggregates, no group of 1..k-1
respondents can be derived by subtracting one visible count from another, or a cell's
visible parts from the cell."""

from itertools import count

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from trivsel.results.suppression import Visibility, visible_cells, visible_many
from trivsel.results.tree import Tree


def test_small_groups_are_hidden_and_still_count_upward() -> None:
    tree = Tree.from_parents([-1, 0, 0])  # a root with two units, no one in the root itself
    seen = visible_cells(np.array([[0.0], [12], [3]]), tree, k=5)
    # Unit 2 has only 3. The root's 15 minus unit 1's 12 would give unit 2's 3 away, so
    # unit 1 is hidden too (the smaller of the two); the organisation's 15 are shown.
    assert seen.own[:, -1].tolist() == [False, False, False]
    assert seen.subtree[:, -1].tolist() == [True, False, False]
    assert seen.subtree_n[0, -1] == 15  # the 3 still count in the root


def test_background_groups_leave_no_small_remainder() -> None:
    tree = Tree.from_parents([-1])
    # 20 in the unit: 9 nurses, 8 assistants, 3 others. Showing nurses and assistants
    # would give the 3 others away, so the smaller shown group is hidden as well.
    seen = visible_cells(np.array([[9.0, 8, 3]]), tree, k=5)
    assert seen.own[0].tolist() == [True, False, False, True]


def test_a_hidden_subtree_does_not_expose_its_own_unit() -> None:
    # root (3 own) -> unit (9 own): root 12, unit 9; 12 - 9 = the root's own 3.
    tree = Tree.from_parents([-1, 0])
    seen = visible_cells(np.array([[3.0], [9]]), tree, k=5)
    shown = [n for n, v in zip(seen.own_n[:, -1], seen.own[:, -1], strict=True) if v] + [
        n for n, v in zip(seen.subtree_n[:, -1], seen.subtree[:, -1], strict=True) if v
    ]
    assert all(not 1 <= a - b < 5 for a in shown for b in shown)


@st.composite
def organisations(draw: st.DrawFn) -> tuple[list[int], np.ndarray, int, bool]:
    units = draw(st.integers(min_value=1, max_value=10))
    parents = [-1] + [draw(st.integers(min_value=0, max_value=i - 1)) for i in range(1, units)]
    groups = draw(st.integers(min_value=1, max_value=3))
    counts = np.array(
        [
            [draw(st.integers(min_value=0, max_value=12)) for _ in range(groups)]
            for _ in range(units)
        ],
        dtype=np.float64,
    )
    # The last slice may be people without a background group: counted, never listed.
    return parents, counts, draw(st.integers(min_value=3, max_value=10)), draw(st.booleans())


@settings(max_examples=300, deadline=None)
@given(organisations())
def test_no_small_group_can_be_derived_from_what_is_shown(
    organisation: tuple[list[int], np.ndarray, int, bool],
) -> None:
    parents, counts, k, unlisted_last = organisation
    tree = Tree.from_parents(parents)
    listed = np.ones(counts.shape[1], dtype=bool)
    listed[-1] = not unlisted_last
    many = visible_many(counts[:, None, :], tree, np.array([k]), listed)
    seen = Visibility(many.own[:, 0], many.subtree[:, 0], many.own_n[:, 0], many.subtree_n[:, 0])
    if unlisted_last:
        assert not seen.own[:, -2].any() and not seen.subtree[:, -2].any()
    units, groups = counts.shape
    total = groups
    ids = count()
    people = [[frozenset(next(ids) for _ in range(int(counts[u, g]))) for g in range(groups)]
              for u in range(units)]  # fmt: skip
    below: list[list[int]] = [[] for _ in range(units)]
    for unit in range(units):
        current = unit
        while current >= 0:
            below[current].append(unit)
            current = parents[current]

    def own_set(u: int, g: int) -> frozenset[int]:
        return frozenset().union(*people[u]) if g == total else people[u][g]

    def sub_set(u: int, g: int) -> frozenset[int]:
        return frozenset().union(*(own_set(d, g) for d in below[u]))

    cells = {}
    for u in range(units):
        for g in range(groups + 1):
            cells[("own", u, g)] = (own_set(u, g), bool(seen.own[u, g]))
            cells[("sub", u, g)] = (sub_set(u, g), bool(seen.subtree[u, g]))
            assert len(cells[("own", u, g)][0]) == seen.own_n[u, g]
            assert len(cells[("sub", u, g)][0]) == seen.subtree_n[u, g]
    shown = {key: members for key, (members, visible) in cells.items() if visible}
    for key, members in shown.items():
        assert len(members) >= k, key
    # One visible count from another, wherever one group contains the other.
    for a, big in shown.items():
        for b, small in shown.items():
            if small < big:
                assert not 1 <= len(big) - len(small) < k, (a, b, len(big), len(small))
    # A cell's visible parts from the cell.
    for (kind, u, g), members in shown.items():
        parts: list[frozenset[int]] = []
        if kind == "sub":
            parts = [m for key, m in shown.items() if key == ("own", u, g)]
            parts += [m for c in range(units) if parents[c] == u
                      for key, m in shown.items() if key == ("sub", c, g)]  # fmt: skip
            left = len(members) - sum(len(p) for p in parts)
            assert not 1 <= left < k, ("tree", kind, u, g, left)
        if g == total:
            groups_shown = [shown[(kind, u, h)] for h in range(groups) if (kind, u, h) in shown]
            left = len(members) - sum(len(p) for p in groups_shown)
            assert not 1 <= left < k, ("groups", kind, u, left)
