"""Properties that must hold for every tree and every file."""

from hypothesis import given, settings
from hypothesis import strategies as st

from trivsel.organisation.importing.files import Table
from trivsel.organisation.importing.records import find_cycles, parse_units, tree_depths


def _reaches_root(parent_of: dict[str, str | None], node: str) -> bool:
    seen = set()
    current: str | None = node
    while current is not None:
        if current in seen:
            return False
        seen.add(current)
        current = parent_of.get(current)
    return True


parent_relations = (
    st.integers(1, 25)
    .flatmap(
        lambda n: st.lists(st.one_of(st.none(), st.integers(0, n - 1)), min_size=n, max_size=n)
    )
    .map(
        lambda parents: {
            f"U{i}": (f"U{p}" if p is not None else None) for i, p in enumerate(parents)
        }
    )
)


@given(parent_relations)
def test_a_node_is_in_a_reported_cycle_iff_it_is_on_one(parent_of: dict[str, str | None]) -> None:
    cycles = find_cycles(parent_of)
    on_cycle = {node for cycle in cycles for node in cycle}
    for node in parent_of:
        # a node is on a cycle when following parents from it comes back to it
        current, steps, back = parent_of[node], 0, False
        while current is not None and steps <= len(parent_of):
            if current == node:
                back = True
                break
            current, steps = parent_of[current], steps + 1
        assert (node in on_cycle) == back
    assert len(on_cycle) == sum(len(c) for c in cycles)  # each cycle reported once


@given(parent_relations)
def test_depths_of_acyclic_relations(parent_of: dict[str, str | None]) -> None:
    acyclic = {node: parent for node, parent in parent_of.items() if _reaches_root(parent_of, node)}
    depths = tree_depths(acyclic)
    for node, parent in acyclic.items():
        assert depths[node] == (0 if parent is None else depths[parent] + 1)


@settings(max_examples=60)
@given(parent_relations)
def test_parse_units_accepts_exactly_the_acyclic_files(parent_of: dict[str, str | None]) -> None:
    table = Table(
        "u.csv",
        ["code", "parent", "name"],
        [(i + 2, [code, parent or "", code]) for i, (code, parent) in enumerate(parent_of.items())],
    )
    records, problems = parse_units(table)
    acyclic = all(_reaches_root(parent_of, node) for node in parent_of)
    assert bool(records) == acyclic and bool(problems) == (not acyclic)
