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

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sparse
from numpy.typing import NDArray

from trivsel.engine import vectorised
from trivsel.engine.stats import (
    Differences,
    cronbach_alpha,
    differences_at,
    welch_many,
)
from trivsel.engine.suppression import Visibility, visible_many
from trivsel.engine.tree import Tree

Matrix = NDArray[np.float64]
Flags = NDArray[np.bool_]
Indices = NDArray[np.int64]
DRIVER_MIN_N = 30
SumFn = Callable[[Matrix], Matrix]


@dataclass(frozen=True)
class Item:
    key: str
    spec: vectorised.ItemSpec
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
    # units × (slices + 1) × (2 × items): how many gave a favourable answer to each item,
    # then how many an unfavourable one (float32 holds these counts exactly in half the
    # memory; the shares are made from them where they are read)
    judged: NDArray[np.float32]
    options: NDArray[Any]  # units × (slices + 1) × option columns, counts

    def shares(self, at: Any = ...) -> tuple[Matrix, Matrix, Matrix]:
        """Favourable, neutral and unfavourable shares (0-1, nan where nobody answered) of
        the items at `at` (an index into units × (slices + 1) × items; default all)."""
        answered = self.items.n[at]
        items = self.items.n.shape[2]
        if at is ...:
            good, bad = self.judged[:, :, :items], self.judged[:, :, items:]
        else:
            unit, column, metric = at
            good = self.judged[unit, column, metric]
            bad = self.judged[unit, column, metric + items]
        with np.errstate(invalid="ignore", divide="ignore"):
            favourable = np.where(answered > 0, good / answered, np.nan)
            unfavourable = np.where(answered > 0, bad / answered, np.nan)
        return favourable, 1 - favourable - unfavourable, unfavourable

    @property
    def favourable(self) -> Matrix:
        return self.shares()[0]

    @property
    def neutral(self) -> Matrix:
        return self.shares()[1]

    @property
    def unfavourable(self) -> Matrix:
        return self.shares()[2]


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
    drivers: tuple[Matrix, Matrix]  # r and n: units × dimensions (subtree, everyone)
    # Why each cell is hidden and which unit holds nearly the same people; metrics in the
    # order respondents, dimensions, indices, items (`suppression.visible_many`).
    seen: Visibility | None = None

    @property
    def organisation(self) -> int:
        return len(self.tree) - 1


def with_organisation(parents: Sequence[int]) -> Tree:
    """The units' tree with a virtual root (the organisation) above every real root."""
    top = len(parents)
    return Tree.from_parents([top if p < 0 else p for p in parents] + [-1])


def compute(
    spec: Spec, data: Data, tree: Tree, k: int, k_sensitive: int, own_figures: bool = True
) -> Outcome:
    """`tree` must come from `with_organisation`. `own_figures=False`: the units' own
    figures (a unit's people without its sub-units, never shown: `suppression`) are not
    kept — the own scope's blocks have no metrics — which halves the memory of a large
    organisation's build; every shown figure is the same."""
    units, slices = len(tree), len(data.slices)
    own_cells = _summing(data, tree)

    def own_sums(values: Matrix) -> Matrix:
        """Per unit × (slice + everyone) × column sums over each unit's own respondents."""
        product = np.asarray(own_cells @ values)
        return product.reshape(units, slices + 1, values.shape[1])

    values = figure_values(spec, data)
    scores, persons = values["items"], values["dimensions"]
    columns, _option_scores, _starts = _option_columns(spec.items)
    # Favourable: the top quarter of the item's score range (75-100 on a 0-100 scale, the
    # top two answers of five); unfavourable: the bottom quarter.
    low = np.array([item.spec.lowest for item in spec.items], dtype=np.float64)
    span = np.array([item.spec.highest for item in spec.items], dtype=np.float64) - low
    favourable_from = low + span * vectorised.FAVOURABLE_FROM / 100
    unfavourable_to = low + span * vectorised.UNFAVOURABLE_TO / 100
    with np.errstate(invalid="ignore"):
        judged = np.concatenate(
            [scores >= favourable_from, scores <= unfavourable_to], axis=1
        ).astype(np.float64)
    everyone = np.ones((len(data.unit_of), 1))
    invited = np.zeros((units, slices)) if data.invited is None else data.invited
    invited = _total(invited)

    # Visibility: respondents, then every dimension, index and item on its own counts. It
    # runs on a second thread while the figures are summed (numpy and scipy release the GIL).
    own_parts = {name: _sums(own_sums, v) for name, v in values.items()}  # n, sum, squares
    own_people = own_sums(everyone)
    counts = [own_people[:, :slices, :].transpose(0, 2, 1)] + [
        own_parts[name][0][:, :slices, :].transpose(0, 2, 1) for name in values
    ]
    counts_of_all = np.concatenate(counts, axis=1, dtype=np.int32, casting="unsafe")
    del counts
    thresholds = [k] * (1 + len(spec.dimensions) + len(spec.indices)) + [
        k_sensitive if item.sensitive else k for item in spec.items
    ]
    listed = np.array([bool(name) for name in data.slices])

    with ThreadPoolExecutor(max_workers=1) as pool:
        other = pool.submit(visible_many, counts_of_all, tree, np.array(thresholds), listed)
        figures = []
        # counts, so float32 (exact up to 16 million) from the start: half the memory
        own_judged = np.asarray(own_cells.astype(np.float32) @ judged.astype(np.float32))
        own_judged = own_judged.reshape(units, slices + 1, judged.shape[1])
        del judged

        # A subtree's sums are its units' own sums added up the tree; in place where the
        # own figures are not kept (a large organisation's arrays are hundreds of MB each).
        def roll(own: NDArray[Any]) -> NDArray[Any]:
            return tree.subtree_totals(own, in_place=not own_figures)

        own_moments, sub_moments = {}, {}
        for name in list(own_parts):
            parts = own_parts.pop(name)
            sub_moments[name] = vectorised.moments(*(roll(a) for a in parts))
            own_moments[name] = vectorised.moments(*parts) if own_figures else _no_moments(parts[0])
            del parts
        own_respondents = own_people[:, :, 0].copy()
        figures.append((own_moments, own_judged if own_figures else _none_of(own_judged),
                        own_respondents))  # fmt: skip
        figures.append((sub_moments, roll(own_judged), roll(own_people)[:, :, 0]))
        del own_judged
        sub_invited = tree.subtree_totals(invited)
        own_options = _option_counts(data, spec.items, units)
        sub_options = roll(own_options)
        if not own_figures:
            own_options = _none_of(own_options)
        seen = other.result()

    scopes = []
    for part, flags in ((0, seen.own), (1, seen.subtree)):
        moments, judged_counts, respondents = figures[part]
        visible = flags.transpose(0, 2, 1)  # units × (slices + 1) × metrics
        people = visible[:, :, 0]
        blocks = {}
        at = 1
        for name, m in moments.items():
            width = m.n.shape[2]
            blocks[name] = Block(
                m.n, m.mean, m.sd, visible[:, :, at : at + width] & people[:, :, None]
            )
            at += width
        scopes.append(
            Scope(
                invited=invited if part == 0 else sub_invited,
                respondents=respondents,
                visible=people,
                dimensions=blocks["dimensions"],
                indices=blocks["indices"],
                items=blocks["items"],
                judged=judged_counts,
                options=own_options if part == 0 else sub_options,
            )
        )
    alpha = []
    for number in range(len(spec.dimensions)):
        members = [c for c, item in enumerate(spec.items) if item.dimension == number]
        alpha.append(cronbach_alpha(scores[:, members]))
    drivers = _drivers(spec, persons, data, tree, k)
    return Outcome(tree, data.slices, scopes[0], scopes[1], columns, alpha, drivers, seen)


def _no_moments(n: Matrix) -> vectorised.Moments:
    """Moments with no metrics, in the shape of `n` (units × (slices + 1) × metrics)."""
    empty = _none_of(n)
    return vectorised.Moments(empty, empty, empty)


def _none_of(values: NDArray[Any]) -> NDArray[Any]:
    """An array of `values`' shape with no columns (last axis): a new one, not a view,
    which would keep all of `values` in memory."""
    return np.zeros((*values.shape[:-1], 0), dtype=values.dtype)


def figure_values(spec: Spec, data: Data) -> dict[str, Matrix]:
    """Respondents × metrics, per kind of figure: each person's dimension scores, composite
    indices and item scores (NaN: no value, so the person is not in that figure's n)."""
    scores = vectorised.item_scores(data.answers, [item.spec for item in spec.items])
    persons = vectorised.person_scores(
        scores, [item.dimension for item in spec.items], [rule for _key, rule in spec.dimensions]
    )
    return {"dimensions": persons, "indices": _composites(persons, spec.indices), "items": scores}


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


def _per_item(values: Matrix, starts: Indices, items: int) -> Matrix:
    """Sum the option columns (last axis) of each item; items without options get 0."""
    if not values.shape[-1]:
        return np.zeros((*values.shape[:-1], items))
    return np.add.reduceat(values, starts, axis=-1)


def _option_columns(items: Sequence[Item]) -> tuple[list[tuple[int, int]], Matrix, Indices]:
    """One column per (item, answer value); the score each gives (reverse applied); and
    where each item's run of columns starts."""
    columns = [(i, value) for i, item in enumerate(items) for value in sorted(item.spec.scores)]
    scores = np.array([
        (lambda s: items[i].spec.lowest + items[i].spec.highest - s if items[i].spec.reverse
         else s)(items[i].spec.scores[value])
        for i, value in columns
    ], dtype=np.float64)  # fmt: skip
    starts = np.cumsum([0] + [len(item.spec.scores) for item in items[:-1]], dtype=np.int64)
    return columns, scores, starts


def _option_counts(data: Data, items: Sequence[Item], units: int) -> NDArray[Any]:
    """Units × (slices + everyone) × option columns: how many of the own respondents chose
    each answer (one bincount over every answer)."""
    width = len(data.slices) + 1
    cells, options = [], []
    start = 0
    for i, item in enumerate(items):
        values = np.array(sorted(item.spec.scores), dtype=np.float64)
        raw = data.answers[:, i]
        present = np.flatnonzero(~np.isnan(raw))
        option = start + np.searchsorted(values, raw[present])
        cell = data.unit_of[present] * width
        cells += [cell + data.slice_of[present], cell + width - 1]
        options += [option, option]
        start += len(values)
    if not cells:
        return np.zeros((units, width, 0), dtype=np.float32)
    rows = np.concatenate(cells)
    # float32 holds every count exactly (up to 16 million) in half the memory; summing the
    # ones of a sparse matrix into a dense one makes no larger array on the way
    ones = np.ones(len(rows), dtype=np.float32)
    counts = sparse.coo_array((ones, (rows, np.concatenate(options))), shape=(units * width, start))
    return counts.toarray().reshape(units, width, start)


def _drivers(spec: Spec, persons: Matrix, data: Data, tree: Tree, k: int) -> tuple[Matrix, Matrix]:
    """Pearson's r between each dimension and the outcome dimension for every unit's subtree
    (everyone; slices are too small for stable correlations), from sums over the people
    who have both; nan where n < max(30, k). Returns units × dimensions."""
    keys = [key for key, _rule in spec.dimensions]
    if spec.outcome not in keys:
        return np.full((len(tree), len(keys)), np.nan), np.zeros((len(tree), len(keys)))
    y = persons[:, keys.index(spec.outcome)][:, None]
    both = ~np.isnan(persons) & ~np.isnan(y)
    x = np.where(both, persons, 0.0)
    yy = np.where(both, y, 0.0)
    own = sparse.csr_array(
        (np.ones(len(data.unit_of)), (data.unit_of, np.arange(len(data.unit_of)))),
        shape=(len(tree), len(data.unit_of)),
    )
    n, sx, sy, sxx, syy, sxy = (
        tree.subtree_totals(np.asarray(own @ a))
        for a in (both.astype(np.float64), x, yy, x * x, yy * yy, x * yy)
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = sxy - sx * sy / n
        r = cov / np.sqrt((sxx - sx * sx / n) * (syy - sy * sy / n))
    r = np.where(n >= max(DRIVER_MIN_N, k), np.clip(r, -1, 1), np.nan)
    return r, n


def _summing(data: Data, tree: Tree) -> sparse.csr_array:
    """Cells × respondents: a respondent counts in their own unit's cell for their slice
    and for everyone. Cell = unit * (slices + 1) + column."""
    width = len(data.slices) + 1
    people = np.arange(len(data.unit_of))
    rows = np.concatenate([data.unit_of * width + data.slice_of,
                           data.unit_of * width + width - 1])  # fmt: skip
    columns = np.concatenate([people, people])
    shape = (len(tree) * width, len(people))
    return sparse.csr_array((np.ones(len(rows)), (rows, columns)), shape=shape)


@dataclass(frozen=True)
class Comparisons:
    """Each cell's figures against another set of figures (the same shape)."""

    parent: Differences
    organisation: Differences


def compare_within(scope: Scope, subtree: Scope, block: str, tree: Tree) -> Comparisons:
    """The cells of `scope` against their unit's parent's subtree and the organisation's,
    in the same slice: Welch's t-test on person scores from n, mean and sd. Only where both
    cells may be shown and hold different people (otherwise the value is nan)."""
    mine: Block = getattr(scope, block)
    theirs: Block = getattr(subtree, block)
    parent = np.where(tree.parent >= 0, tree.parent, len(tree) - 1)
    top = np.full(len(tree), len(tree) - 1)
    row = int(np.prod(mine.n.shape[1:]))
    mine_flat = [a.ravel() for a in (mine.mean, mine.sd, mine.n)]
    theirs_flat = [a.ravel() for a in (theirs.mean, theirs.sd, theirs.n)]
    results = []
    for other in (parent, top):
        flat = np.flatnonzero(mine.visible & theirs.visible[other])
        partner = other[flat // row] * row + flat % row
        # A group within the other holds the same people when it is as large (the top unit
        # against the organisation): that is no comparison, not a difference of 0.
        apart = mine_flat[2][flat] != theirs_flat[2][partner]
        flat, partner = flat[apart], partner[apart]
        value, p = welch_many(*(a[flat] for a in mine_flat), *(a[partner] for a in theirs_flat))
        results.append(differences_at(mine.n.shape, flat, value, p))
    return Comparisons(results[0], results[1])


BLOCK_NAMES = ("dimensions", "indices", "items")


@dataclass(frozen=True)
class Earlier:
    """Last time's shown figures of one block: only the cells that have one, as flat
    indices (ascending) into units × (slices + 1) × metrics, with their n, mean and sd. Far
    smaller than whole arrays: most cells (small groups) were never shown."""

    shape: tuple[int, ...]
    cells: Indices
    n: Matrix
    mean: Matrix
    sd: Matrix

    @classmethod
    def of(cls, n: Matrix, mean: Matrix, sd: Matrix) -> "Earlier":
        """From whole arrays; n = 0 where a figure was not shown."""
        cells = np.flatnonzero(n > 0)
        return cls(n.shape, cells, n.ravel()[cells], mean.ravel()[cells], sd.ravel()[cells])

    def at(self, cells: Indices) -> tuple[Matrix, Matrix, Matrix]:
        """n, mean, sd at the given flat cells: n = 0 and nan where there is no figure."""
        if not len(self.cells):
            return np.zeros(len(cells)), np.full(len(cells), np.nan), np.full(len(cells), np.nan)
        where = np.minimum(np.searchsorted(self.cells, cells), len(self.cells) - 1)
        found = self.cells[where] == cells
        return (
            np.where(found, self.n[where], 0.0),
            np.where(found, self.mean[where], np.nan),
            np.where(found, self.sd[where], np.nan),
        )

    def dense(self) -> tuple[Matrix, Matrix, Matrix]:
        """n, mean, sd as whole arrays (n = 0 and nan where none)."""
        every = np.arange(int(np.prod(self.shape)))
        return tuple(a.reshape(self.shape) for a in self.at(every))  # type: ignore[return-value]


def all_comparisons(
    outcome: Outcome, spec: Spec, previous: Mapping[tuple[int, str], Earlier] | None = None
) -> dict[tuple[int, str], dict[str, Differences]]:
    """Every shown figure against its parent, the organisation, the reference value and
    (with `previous`: last time's figures for the same cells, see `combine_previous`),
    per (scope part 0 own / 1 subtree, block), on two threads."""
    metrics = {
        "dimensions": [key for key, _rule in spec.dimensions],
        "indices": [key for key, _parts in spec.indices],
        "items": [item.key for item in spec.items],
    }

    def one(part: int, block_name: str) -> dict[str, Differences]:
        scope = outcome.own if part == 0 else outcome.subtree
        block: Block = getattr(scope, block_name)
        if not block.n.shape[2]:
            return {}  # no metrics (or the own figures were not kept)
        within = compare_within(scope, outcome.subtree, block_name, outcome.tree)
        reference = np.array([spec.references.get(key, np.nan) for key in metrics[block_name]])
        result = {
            "parent": within.parent,
            "organisation": within.organisation,
            "reference": compare_reference(block, reference),
        }
        if previous is not None and (part, block_name) in previous:
            result["previous"] = compare_previous(block, previous[(part, block_name)])
        return result

    keys = [(part, name) for part in (0, 1) for name in BLOCK_NAMES]
    with ThreadPoolExecutor(max_workers=2) as pool:
        found = list(pool.map(lambda key: one(*key), keys))
    return dict(zip(keys, found, strict=True))


def compare_reference(block: Block, reference: NDArray[np.float64]) -> Differences:
    """Against fixed reference values (nan: none): a one-sample t-test of the cell's person
    scores against the value (Welch's formula with an exact second group)."""
    metrics = block.n.shape[2]
    flat = np.flatnonzero(block.visible & ~np.isnan(reference))
    value = reference[flat % metrics] if metrics else np.zeros(0)
    mean, sd, n = (a.ravel()[flat] for a in (block.mean, block.sd, block.n))
    value, p = welch_many(mean, sd, n, value, np.zeros(len(flat)), np.full(len(flat), np.inf))
    return differences_at(block.n.shape, flat, value, p)


def compare_previous(block: Block, previous: Earlier) -> Differences:
    """Against last time's n, mean, sd for the same (mapped) cells; nan where none."""
    flat = np.flatnonzero(block.visible)
    n, mean, sd = previous.at(flat)
    have = n > 0
    flat = flat[have]
    now_mean, now_sd, now_n = (a.ravel()[flat] for a in (block.mean, block.sd, block.n))
    value, p = welch_many(now_mean, now_sd, now_n, mean[have], sd[have], n[have])
    return differences_at(block.n.shape, flat, value, p)


def combine_previous(earlier: Earlier, parts: sparse.csr_array) -> Earlier:
    """Last time's figures for this time's units. earlier: shown figures of earlier units
    × (slices + 1) × metrics; parts: this time's units × earlier units, 1 where a unit was
    (partly) made from an earlier one. A merged unit gets the pooled figures of all its
    parts, but only if every part was shown (pooling a hidden part with shown ones would
    give the hidden one away); otherwise none."""
    row = int(np.prod(earlier.shape[1:]))
    parts = sparse.csr_array(parts)
    count = np.diff(parts.indptr)
    starts = np.searchsorted(earlier.cells, np.arange(earlier.shape[0] + 1) * row)

    def figures_of(unit: int) -> NDArray[np.intp]:
        """Positions (in `earlier`) of an earlier unit's figures."""
        return np.arange(starts[unit], starts[unit + 1])

    # Most units are made from one earlier unit: their figures are taken as they were.
    single = np.flatnonzero(count == 1)
    source = parts.indices[parts.indptr[single]]
    sizes = starts[source + 1] - starts[source]
    taken = np.repeat(starts[source] - np.cumsum(sizes) + sizes, sizes) + np.arange(sizes.sum())
    cells = [np.repeat(single, sizes) * row + earlier.cells[taken] % row]
    n, mean, sd = [earlier.n[taken]], [earlier.mean[taken]], [earlier.sd[taken]]
    for unit in np.flatnonzero(count > 1):
        sources = parts.indices[parts.indptr[unit] : parts.indptr[unit + 1]]
        found = np.concatenate([figures_of(s) for s in sources])
        rest = earlier.cells[found] % row
        order = np.argsort(rest, kind="stable")
        found, rest = found[order], rest[order]
        cells_of, first, size = np.unique(rest, return_index=True, return_counts=True)
        whole = size == len(sources)  # every part has the figure
        if not whole.any():
            continue
        part_n, part_mean, part_sd = earlier.n[found], earlier.mean[found], earlier.sd[found]
        part_sd = np.where(part_n > 1, part_sd, 0.0)
        total = np.add.reduceat(part_n * part_mean, first)
        squares = np.add.reduceat(
            np.maximum(part_n - 1, 0) * part_sd**2 + part_n * part_mean**2, first
        )
        pooled = vectorised.moments(np.add.reduceat(part_n, first)[whole], total[whole],
                                    squares[whole])  # fmt: skip
        cells.append(unit * row + cells_of[whole])
        n.append(pooled.n)
        mean.append(pooled.mean)
        sd.append(pooled.sd)
    flat = np.concatenate(cells)
    order = np.argsort(flat, kind="stable")
    shape = (parts.shape[0], *earlier.shape[1:])
    return Earlier(shape, flat[order], *(np.concatenate(a)[order] for a in (n, mean, sd)))


def comment_visibility(written: Flags, data: Data, tree: Tree, k: int) -> Visibility:
    """Which cells' comment lists may be shown. written[r, c]: respondent r answered
    free-text question c. A list is shown where at least k respondents (10 by default:
    PRODUCT.md's rule for comment lists) wrote one, and the differencing rules hold on
    those counts, like any other figure."""
    slices = len(data.slices)
    own = np.zeros((len(tree), written.shape[1], slices))
    for column in range(written.shape[1]):
        rows = np.flatnonzero(written[:, column])
        np.add.at(own[:, column, :], (data.unit_of[rows], data.slice_of[rows]), 1)
    listed = np.array([bool(name) for name in data.slices])
    return visible_many(own, tree, np.full(written.shape[1], k), listed)
