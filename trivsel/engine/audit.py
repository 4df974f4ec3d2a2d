"""The exact audit of what is shown (docs/anonymity.md): the oracle for the suppression.

Given the shown cells of one metric as sets of *atoms* (a unit's own respondents in one
background group, or without one) and each atom's count, find a set of 1..k-1 respondents
whose indicator lies in the span of the shown cells: then its count, sum, mean and share
follow from some linear combination, with any coefficients, of the shown figures.

Exact arithmetic (fractions), no assumption about the shape of the cells. Atoms that sit
in exactly the same shown cells are merged first (any derivable vector takes one value on
them); an atom with no respondents has no coordinate. A derivable set cannot contain a
class of k or more, so the vectors of the span that vanish on those form a subspace; its
0/1 vectors are searched through its reduced basis, pruned by count (exponential in the
worst case: fine for test-sized trees, `audit_results` refuses larger ones).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

Matrix = list[list[Fraction]]


@dataclass(frozen=True)
class Finding:
    """A derivable small set: which atoms, how many respondents, and a combination of the
    shown cells (cell index -> coefficient) that gives it."""

    atoms: tuple[int, ...]
    respondents: int
    combination: dict[int, Fraction]


def audit(
    cells: Sequence[frozenset[int]], counts: Sequence[int], k: int, limit: int = 200_000
) -> Finding | None:
    """cells: each shown cell as the atom indices it holds; counts[a]: respondents in atom
    a. Returns a derivable set of 1..k-1 respondents, or None when there is none. Raises
    `TooLarge` when the search would pass `limit` steps."""
    signature: dict[tuple[int, ...], list[int]] = {}
    for atom, count in enumerate(counts):
        if count > 0:
            key = tuple(c for c, cell in enumerate(cells) if atom in cell)
            if key:  # an atom in no shown cell is in no derivable set
                signature.setdefault(key, []).append(atom)
    classes = list(signature.values())
    sizes = [sum(counts[a] for a in members) for members in classes]
    small = [c for c, size in enumerate(sizes) if size < k]
    large = [c for c, size in enumerate(sizes) if size >= k]
    if not small:
        return None
    keys = list(signature)
    # The cells × classes matrix; y·M with (y·M) = 0 on large classes spans the subspace.
    matrix = [[Fraction(int(c in key)) for key in keys] for c in range(len(cells))]
    left = _null_space(_transpose([[row[c] for c in large] for row in matrix]), len(cells))
    vectors = [[sum((y[r] * matrix[r][c] for r in range(len(cells))), Fraction(0))
                for c in small] for y in left]  # fmt: skip
    basis, pivots, combos = _reduced(vectors, left)
    if not basis:
        return None
    steps = 0
    # Depth-first over pivot choices (0 or 1 each): a 0/1 vector of the subspace is its
    # reduced basis rows summed over the pivots where it is 1.
    weight = [sizes[small[p]] for p in pivots]

    def search(start: int, chosen: list[int], total: int) -> list[int] | None:
        nonlocal steps
        steps += 1
        if steps > limit:
            raise TooLarge
        if chosen:
            vector = [sum((basis[i][c] for i in chosen), Fraction(0)) for c in range(len(small))]
            if all(v in (0, 1) for v in vector):
                people = sum(sizes[small[c]] for c, v in enumerate(vector) if v == 1)
                if 1 <= people < k:
                    return chosen
        for i in range(start, len(basis)):
            if total + weight[i] < k:
                found = search(i + 1, [*chosen, i], total + weight[i])
                if found is not None:
                    return found
        return None

    chosen = search(0, [], 0)
    if chosen is None:
        return None
    vector = [sum((basis[i][c] for i in chosen), Fraction(0)) for c in range(len(small))]
    members = tuple(sorted(a for c, v in enumerate(vector) if v == 1 for a in classes[small[c]]))
    combination: dict[int, Fraction] = {}
    for i in chosen:
        for cell, coefficient in enumerate(combos[i]):
            combination[cell] = combination.get(cell, Fraction(0)) + coefficient
    return Finding(
        members, sum(counts[a] for a in members), {c: v for c, v in combination.items() if v}
    )


class TooLarge(Exception):
    """The exact search would take too long for this set of cells."""


def _transpose(rows: Matrix) -> Matrix:
    return [list(column) for column in zip(*rows, strict=True)] if rows else []


def _null_space(rows: Matrix, width: int) -> Matrix:
    """A basis of {y : rows · y = 0} (y of length `width`); with no rows, the unit vectors."""
    if not rows:
        return [[Fraction(int(i == j)) for j in range(width)] for i in range(width)]
    reduced, pivots = _rref([row[:] for row in rows])
    free = [c for c in range(width) if c not in pivots]
    basis = []
    for f in free:
        y = [Fraction(0)] * width
        y[f] = Fraction(1)
        for r, p in enumerate(pivots):
            y[p] = -reduced[r][f]
        basis.append(y)
    return basis


def _rref(rows: Matrix, width: int | None = None) -> tuple[Matrix, list[int]]:
    """Reduced row echelon form, pivoting only in the first `width` columns (default all);
    returns the non-zero rows and their pivot columns."""
    pivots: list[int] = []
    r = 0
    width = (len(rows[0]) if rows else 0) if width is None else width
    for c in range(width):
        if r == len(rows):
            break
        pivot = next((i for i in range(r, len(rows)) if rows[i][c] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        lead = rows[r][c]
        rows[r] = [v / lead for v in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][c] != 0:
                factor = rows[i][c]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[r], strict=True)]
        pivots.append(c)
        r += 1
    return rows[:r], pivots


def _reduced(vectors: Matrix, combos: Matrix) -> tuple[Matrix, list[int], Matrix]:
    """The reduced row echelon basis of `vectors`, its pivot columns, and for each basis row
    the combination of cells (carried along the same row operations) that gives it."""
    if not vectors:
        return [], [], []
    width = len(vectors[0])
    joined, pivots = _rref([v + c for v, c in zip(vectors, combos, strict=True)], width)
    return [row[:width] for row in joined], pivots, [row[width:] for row in joined]


def shown_cells(
    own: Sequence[Sequence[bool]], subtree: Sequence[Sequence[bool]], parent: Sequence[int]
) -> list[frozenset[int]]:
    """The cells a metric's flags show (own[u][g], subtree[u][g]: slice g, the last column
    the unit in total), as sets of atoms numbered unit × slices + slice."""
    units = len(parent)
    slices = len(own[0]) - 1 if units else 0
    below: list[set[int]] = [{u} for u in range(units)]
    for u in range(units):
        p = parent[u]
        while p >= 0:
            below[p].add(u)
            p = parent[p]
    cells = []
    for u in range(units):
        for flags, members in ((own[u], {u}), (subtree[u], below[u])):
            for g in range(slices + 1):
                if flags[g]:
                    columns = range(slices) if g == slices else [g]
                    cells.append(frozenset(m * slices + s for m in members for s in columns))
    return cells
