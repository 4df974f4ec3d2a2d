"""The unit tree as arrays, for rolling figures up: parent index per unit (-1 for a root).
Subtree totals are computed bottom-up one depth level at a time, so the work is linear in
the number of units whatever the shape of the tree. Pure numpy, no ORM."""

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class Tree:
    parent: NDArray[np.int64]  # parent index per unit, -1 for a root
    depth: NDArray[np.int64]

    @classmethod
    def from_parents(cls, parent: list[int] | NDArray[np.int64]) -> "Tree":
        """Refuses a parent that is out of range or a cycle."""
        parents = np.asarray(parent, dtype=np.int64)
        size = len(parents)
        if size and (parents.min() < -1 or parents.max() >= size):
            raise ValueError("a parent index is out of range")
        depth = np.full(size, -1, dtype=np.int64)
        depth[parents == -1] = 0
        for level in range(1, size + 1):
            todo = depth == -1
            if not todo.any():
                break
            ready = todo & (depth[np.maximum(parents, 0)] == level - 1) & (parents >= 0)
            if not ready.any():
                raise ValueError("the tree has a cycle")
            depth[ready] = level
        return cls(parents, depth)

    def __len__(self) -> int:
        return len(self.parent)

    @cached_property
    def _levels(self) -> list[tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]]:
        """Per depth level, deepest first: its units sorted by parent, the distinct parents,
        and where each parent's run of children starts."""
        levels = []
        for level in range(int(self.depth.max(initial=0)), 0, -1):
            units = np.flatnonzero(self.depth == level)
            units = units[np.argsort(self.parent[units], kind="stable")]
            parents, starts = np.unique(self.parent[units], return_index=True)
            levels.append((units, parents, starts))
        return levels

    def subtree_totals(self, own: NDArray[Any], in_place: bool = False) -> NDArray[Any]:
        """own: one row per unit (any trailing shape); returns each unit's own plus all of
        its descendants'. `in_place`: a floating `own` becomes the totals (no copy)."""
        kind = own.dtype if np.issubdtype(own.dtype, np.floating) else np.float64
        total = own if in_place and own.dtype == kind else np.array(own, dtype=kind, copy=True)
        for units, parents, starts in self._levels:
            total[parents] += np.add.reduceat(total[units], starts, axis=0)
        return total

    def children(self, unit: int) -> NDArray[np.int64]:
        return np.flatnonzero(self.parent == unit)
