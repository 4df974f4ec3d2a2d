"""The organisation tree as the browser page shows it: a pure function from units
(ordered by path) and head counts to a flat list a template turns into nested lists."""

from collections import Counter
from dataclasses import dataclass

from trivsel.organisation.models import Unit


@dataclass
class TreeItem:
    unit: Unit
    level: int
    own_count: int
    subtree_count: int
    child_count: int
    open_list: bool  # a <ul> starts before this item
    close_count: int  # how many </li></ul> follow this item, before its own </li>
    expanded: bool

    @property
    def closes(self) -> range:
        return range(self.close_count)


def tree_items(units: list[Unit], own_counts: dict[int, int], open_levels: int) -> list[TreeItem]:
    """`units` must be ordered by path. A unit whose parent is not in the list starts a
    new root, so any set of visible subtrees renders as a forest."""
    ids = {unit.id for unit in units}
    subtree: Counter[int] = Counter()
    for unit in units:
        for ancestor_id in [*unit.ancestor_ids(), unit.id]:
            subtree[ancestor_id] += own_counts.get(unit.id, 0)
    levels: dict[int, int] = {}
    items: list[TreeItem] = []
    children: Counter[int | None] = Counter(unit.parent_id for unit in units)
    for unit in units:
        level = levels[unit.parent_id] + 1 if unit.parent_id in ids else 0
        levels[unit.id] = level
        items.append(
            TreeItem(
                unit,
                level,
                own_counts.get(unit.id, 0),
                subtree[unit.id],
                children[unit.id],
                False,
                0,
                level < open_levels,
            )
        )
    previous_level = -1
    for index, item in enumerate(items):
        item.open_list = item.level > previous_level
        next_level = items[index + 1].level if index + 1 < len(items) else 0
        item.close_count = max(0, item.level - next_level)
        previous_level = item.level
    return items
