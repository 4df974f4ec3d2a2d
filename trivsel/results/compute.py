"""Everything a measurement's results hold, computed at once from a response matrix: pure
numpy/scipy, no ORM, no rounding. `build` (the app) and `score_file` (analysts) both call
`compute`, so the app and the command give the same figures and hide the same cells.

Cells: every unit, for its own respondents and for its subtree, in total and per background
group (slice); plus the whole organisation (a virtual root above the real roots). For every
cell: invited, respondents; per dimension and composite index n, mean, sd; per item n, mean,
sd, favourable / neutral / unfavourable shares and the count of each answer option; and
which of those may be shown (`suppression.visible_many`, one set of counts per figure:
people skip questions). Comparisons with the parent's subtree, the whole organisation and
reference values are computed here; the previous measurement's in `compare_previous`.

Sums are formed with one sparse product (cells × respondents) per kind of figure and rolled
up the tree level by level, so the work is linear in respondents × questions plus units ×
slices × figures.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sparse
from numpy.typing import NDArray

from trivsel.results import engine
from trivsel.results.stats import Differences, compare, cronbach_alpha
from trivsel.results.suppression import visible_many
from trivsel.results.tree import Tree

Matrix = NDArray[np.float64]
Flags = NDArray[np.bool_]
Indices = NDArray[np.int64]
DRIVER_MIN_N = 30
SumFn = Callable[[Matrix], Matrix]


@dataclass(frozen=True)
class Item:
    key: str
    spec: engine.ItemSpec
    dimension: int  # index into Spec.dimensions, -1 for none
    sensitive: bool


@dataclass
class Spec:
    items: list[Item] = field(default_factory=list)
    dimensions: list[tuple[str, str]] = field(default_factory=list)  # key, rule
    indices: list[tuple[str, list[int]]] = field(default_factory=list)  # key, dimensions
    references: dict[str, float] = field(default_factory=dict)  # dimension/index -> value
    outcome: str = ""  # the dimension key drivers are measured against


@dataclass(frozen=True)
class Data:
    answers: Matrix  # respondents × items, raw answer values, NaN missing
    unit_of: Indices  # respondents' unit (index into the tree)
    slice_of: Indices  # respondents' slice (index into slices)
    slices: list[str]  # background groups; "" holds those without one: counted, never listed
    invited: Matrix | None = None  # units × slices


@dataclass(frozen=True)
class Block:
    """One kind of figure (dimensions, indices or items) for one scope: cells × metrics."""

    n: Matrix  # units × (slices + 1) × metrics
    mean: Matrix
    sd: Matrix
    visible: Flags


@dataclass(frozen=True)
class Scope:
    invited: Matrix  # units × (slices + 1)
    respondents: Matrix
    visible: Flags
    dimensions: Block
    indices: Block
    items: Block
    favourable: Matrix  # units × (slices + 1) × items, shares 0-1
    neutral: Matrix
    unfavourable: Matrix
    options: Matrix  # units × (slices + 1) × option columns, counts


@dataclass(frozen=True)
class Outcome:
    """Unit index len(tree) - 1 is the organisation (the virtual root); the last slice
    column is everyone."""

    tree: Tree
    slices: list[str]
    own: Scope
    subtree: Scope
    option_columns: list[tuple[int, int]]  # (item, answer value) per option column
    alpha: list[tuple[float, int]]  # per dimension, whole organisation
    drivers: tuple[Matrix, Matrix]  # r and n: units × (slices + 1) × dimensions (subtree)

    @property
    def organisation(self) -> int:
        return len(self.tree) - 1


def with_organisation(parents: Sequence[int]) -> Tree:
    """The units' tree with a virtual root (the organisation) above every real root."""
    top = len(parents)
    return Tree.from_parents([top if p < 0 else p for p in parents] + [-1])


def compute(spec: Spec, data: Data, tree: Tree, k: int, k_sensitive: int) -> Outcome:
    """`tree` must come from `with_organisation`."""
    units, slices = len(tree), len(data.slices)
    cells = sparse.csr_array(
        (np.ones(len(data.unit_of)), (data.unit_of * slices + data.slice_of,
                                      np.arange(len(data.unit_of)))),
        shape=(units * slices, len(data.unit_of)),
    )  # fmt: skip

    def own_sums(values: Matrix) -> Matrix:
        """Per unit × slice × column sums over respondents (own respondents only)."""
        return np.asarray(cells @ values).reshape(units, slices, values.shape[1])

    scores = engine.item_scores(data.answers, [item.spec for item in spec.items])
    persons = engine.person_scores(
        scores, [item.dimension for item in spec.items], [rule for _key, rule in spec.dimensions]
    )
    composites = _composites(persons, spec.indices)
    columns, option_scores, option_of = _option_columns(spec.items)
    chosen = _option_indicator(data.answers, spec.items, columns)

    own_moments = {
        name: _sums(own_sums, values)
        for name, values in (("dimensions", persons), ("indices", composites), ("items", scores))
    }
    own_options = (cells @ chosen).toarray().reshape(units, slices, len(columns))
    own_respondents = own_sums(np.ones((len(data.unit_of), 1)))[:, :, 0]
    own_invited = np.zeros((units, slices)) if data.invited is None else data.invited

    # Visibility: respondents, then every dimension, index and item on its own counts.
    counts = [own_respondents[:, None, :]] + [
        own_moments[name][0].transpose(0, 2, 1) for name in ("dimensions", "indices", "items")
    ]
    thresholds = [k] * (1 + len(spec.dimensions) + len(spec.indices)) + [
        k_sensitive if item.sensitive else k for item in spec.items
    ]
    listed = np.array([bool(name) for name in data.slices])
    seen = visible_many(np.concatenate(counts, axis=1), tree, np.array(thresholds), listed)

    scopes = []
    for part, flags in ((0, seen.own), (1, seen.subtree)):
        rollup: SumFn = _unchanged if part == 0 else tree.subtree_totals
        visible = flags.transpose(0, 2, 1)  # units × (slices + 1) × metrics
        people = visible[:, :, 0]
        blocks = {}
        at = 1
        for name in ("dimensions", "indices", "items"):
            n, total, squares = (_total(rollup(a)) for a in own_moments[name])
            width = n.shape[2]
            moments = engine.moments(n, total, squares)
            blocks[name] = Block(
                n, moments.mean, moments.sd, visible[:, :, at : at + width] & people[:, :, None]
            )
            at += width
        options = _total(rollup(own_options))
        answered = blocks["items"].n
        good = options @ (option_of * (option_scores >= engine.FAVOURABLE_FROM)[:, None])
        bad = options @ (option_of * (option_scores <= engine.UNFAVOURABLE_TO)[:, None])
        with np.errstate(invalid="ignore", divide="ignore"):
            favourable = np.where(answered > 0, good / answered, np.nan)
            unfavourable = np.where(answered > 0, bad / answered, np.nan)
        scopes.append(
            Scope(
                invited=_total(rollup(own_invited)),
                respondents=_total(rollup(own_respondents)),
                visible=people,
                dimensions=blocks["dimensions"],
                indices=blocks["indices"],
                items=blocks["items"],
                favourable=favourable,
                neutral=1 - favourable - unfavourable,
                unfavourable=unfavourable,
                options=options,
            )
        )
    alpha = []
    for number in range(len(spec.dimensions)):
        members = [c for c, item in enumerate(spec.items) if item.dimension == number]
        alpha.append(cronbach_alpha(scores[:, members]))
    drivers = _drivers(spec, persons, own_sums, tree, k)
    return Outcome(tree, data.slices, scopes[0], scopes[1], columns, alpha, drivers)


def _unchanged(values: Matrix) -> Matrix:
    return values


def _sums(own_sums: SumFn, values: Matrix) -> tuple[Matrix, Matrix, Matrix]:
    present = ~np.isnan(values)
    filled = np.where(present, values, 0.0)
    return own_sums(present.astype(np.float64)), own_sums(filled), own_sums(filled * filled)


def _total(per_slice: Matrix) -> Matrix:
    """Append the everyone column (the sum over slices) along axis 1."""
    return np.concatenate([per_slice, per_slice.sum(axis=1, keepdims=True)], axis=1)


def _composites(persons: Matrix, indices: Sequence[tuple[str, list[int]]]) -> Matrix:
    """A person's composite index: the mean of their part scores if at least half exist."""
    result = np.full((persons.shape[0], len(indices)), np.nan)
    for number, (_key, parts) in enumerate(indices):
        if not parts:
            continue
        block = persons[:, parts]
        present = (~np.isnan(block)).sum(axis=1)
        ok = 2 * present >= len(parts)
        with np.errstate(invalid="ignore", divide="ignore"):
            result[ok, number] = np.nansum(block[ok], axis=1) / present[ok]
    return result


def _option_columns(items: Sequence[Item]) -> tuple[list[tuple[int, int]], Matrix, Matrix]:
    """One column per (item, answer value); the score each gives (reverse applied); and a
    columns × items matrix saying which item a column belongs to."""
    columns = [(i, value) for i, item in enumerate(items) for value in sorted(item.spec.scores)]
    scores = np.array([
        (lambda s: items[i].spec.lowest + items[i].spec.highest - s if items[i].spec.reverse
         else s)(items[i].spec.scores[value])
        for i, value in columns
    ], dtype=np.float64)  # fmt: skip
    belongs = np.zeros((len(columns), len(items)))
    for column, (i, _value) in enumerate(columns):
        belongs[column, i] = 1.0
    return columns, scores, belongs


def _option_indicator(
    answers: Matrix, items: Sequence[Item], columns: Sequence[tuple[int, int]]
) -> sparse.csr_array:
    """Respondents × option columns: 1 where the respondent chose that answer."""
    rows, cols = [], []
    start = 0
    for i, item in enumerate(items):
        values = np.array(sorted(item.spec.scores), dtype=np.float64)
        raw = answers[:, i]
        present = np.flatnonzero(~np.isnan(raw))
        rows.append(present)
        cols.append(start + np.searchsorted(values, raw[present]))
        start += len(values)
    row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    col = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    return sparse.csr_array((np.ones(len(row)), (row, col)), shape=(answers.shape[0], len(columns)))


def _drivers(
    spec: Spec, persons: Matrix, own_sums: SumFn, tree: Tree, k: int
) -> tuple[Matrix, Matrix]:
    """Pearson's r between each dimension and the outcome dimension, per subtree cell, from
    sums over the people who have both; nan where n < max(30, k)."""
    keys = [key for key, _rule in spec.dimensions]
    units = len(tree)
    slices_shape = own_sums(np.zeros((persons.shape[0], 1))).shape[1] + 1
    empty = np.full((units, slices_shape, len(keys)), np.nan)
    if spec.outcome not in keys:
        return empty, np.zeros_like(empty)
    y = persons[:, keys.index(spec.outcome)][:, None]
    both = ~np.isnan(persons) & ~np.isnan(y)
    x = np.where(both, persons, 0.0)
    yy = np.where(both, y, 0.0)
    sums = [tree.subtree_totals(own_sums(a)) for a in (both.astype(np.float64), x, yy,
                                                       x * x, yy * yy, x * yy)]  # fmt: skip
    n, sx, sy, sxx, syy, sxy = (_total(s) for s in sums)
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = sxy - sx * sy / n
        r = cov / np.sqrt((sxx - sx * sx / n) * (syy - sy * sy / n))
    r = np.where(n >= max(DRIVER_MIN_N, k), np.clip(r, -1, 1), np.nan)
    return r, n


@dataclass(frozen=True)
class Comparisons:
    """Each cell's figures against another set of figures (the same shape)."""

    parent: Differences
    organisation: Differences


def compare_within(scope: Scope, subtree: Scope, block: str, tree: Tree) -> Comparisons:
    """The cells of `scope` against their unit's parent's subtree and the organisation's,
    in the same slice: Welch's t-test on person scores from n, mean and sd. Only where both
    cells may be shown (otherwise the value is nan)."""
    mine: Block = getattr(scope, block)
    theirs: Block = getattr(subtree, block)
    parent = np.where(tree.parent >= 0, tree.parent, len(tree) - 1)
    top = np.full(len(tree), len(tree) - 1)
    results = []
    for other in (parent, top):
        shown = mine.visible & theirs.visible[other]
        differences = compare(
            mine.mean, mine.sd, mine.n, theirs.mean[other], theirs.sd[other], theirs.n[other]
        )
        results.append(_masked(differences, shown))
    return Comparisons(results[0], results[1])


def compare_reference(block: Block, reference: NDArray[np.float64]) -> Differences:
    """Against fixed reference values (nan: none): a one-sample t-test of the cell's person
    scores against the value (Welch's formula with an exact second group)."""
    ref = np.broadcast_to(reference, block.mean.shape)
    zero = np.zeros_like(block.mean)
    huge = np.full_like(block.mean, np.inf)
    differences = compare(block.mean, block.sd, block.n, ref, zero, huge)
    return _masked(differences, block.visible & ~np.isnan(ref))


def compare_previous(block: Block, previous: tuple[Matrix, Matrix, Matrix]) -> Differences:
    """Against last time's n, mean, sd for the same (mapped) cells; nan where none."""
    n, mean, sd = previous
    return _masked(compare(block.mean, block.sd, block.n, mean, sd, n), block.visible & (n > 0))


def _masked(differences: Differences, shown: Flags) -> Differences:
    return Differences(
        np.where(shown, differences.value, np.nan),
        np.where(shown, differences.p, np.nan),
        differences.flagged & shown,
    )


def combine_previous(
    n: Matrix, mean: Matrix, sd: Matrix, parts: sparse.csr_array
) -> tuple[Matrix, Matrix, Matrix]:
    """Last time's figures for this time's units. n, mean, sd: earlier units × (slices +
    1) × metrics, n = 0 where a figure was not shown; parts: this time's units × earlier
    units, 1 where a unit was (partly) made from an earlier one. A merged unit gets the
    pooled figures of all its parts, but only if every part was shown (pooling a hidden
    part with shown ones would give the hidden one away); otherwise n = 0."""
    present = n > 0
    shape = n.shape
    flat = (n.reshape(shape[0], -1), present.reshape(shape[0], -1).astype(np.float64))
    filled_mean = np.where(present, mean, 0.0).reshape(shape[0], -1)
    filled_sd = np.where(present & (n > 1), sd, 0.0).reshape(shape[0], -1)
    total = flat[0] * filled_mean
    squares = np.maximum(flat[0] - 1, 0) * filled_sd**2 + flat[0] * filled_mean**2
    out_shape = (parts.shape[0], *shape[1:])
    needed = np.asarray(parts.sum(axis=1)).reshape(-1, 1)
    got = np.asarray(parts @ flat[1])
    combined_n = np.asarray(parts @ flat[0])
    combined_n = np.where((got == needed) & (needed > 0), combined_n, 0.0)
    result = engine.moments(
        combined_n.reshape(out_shape),
        np.asarray(parts @ total).reshape(out_shape),
        np.asarray(parts @ squares).reshape(out_shape),
    )
    return result.n, result.mean, result.sd
