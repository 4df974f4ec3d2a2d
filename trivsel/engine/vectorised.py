"""The results engine, vectorised: the same rules as `trivsel.engine.scoring` (which
stays the readable reference, and the tests hold the two together), applied to a whole
response matrix at once. Plain arrays in, plain arrays out; no ORM, no rounding.

Inputs
- answers: respondents × items, the raw answer values, NaN where missing or not relevant.
- items: per item its scale's value → score mapping and whether it is reverse-scored.
- dimension of each item (index, or -1 for items in no dimension) and each dimension's
  rule ("mean": COPSOQ half rule; "sum": all items answered).
- unit of each respondent (index into the Tree), and optionally a background group index.

Figures per unit (`compute.py`) come twice: for the unit's own respondents and for its
whole subtree, from counts, sums and sums of squares, which add up the tree.
"""

__all__ = [
    "FAVOURABLE_FROM",
    "UNFAVOURABLE_TO",
    "ItemSpec",
    "Moments",
    "item_scores",
    "moments",
    "person_scores",
]

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from trivsel.engine.scoring import FAVOURABLE_FROM, UNFAVOURABLE_TO, ScaleScoring

Matrix = NDArray[np.float64]


@dataclass(frozen=True)
class ItemSpec(ScaleScoring):
    """An item: its scale's answer value -> score mapping, and whether it is reversed."""

    reverse: bool = False


def item_scores(answers: Matrix, items: Sequence[ItemSpec]) -> Matrix:
    """Raw answer values to scores, reverse items mirrored; a value outside the scale is
    an error (the import and the survey refuse them), never silently missing."""
    scores = np.full(answers.shape, np.nan)
    for column, spec in enumerate(items):
        raw = answers[:, column]
        values = np.array(sorted(spec.scores), dtype=np.int64)
        # A lookup table from value - lowest value to score (nan: not on the scale).
        table = np.full(int(values[-1] - values[0]) + 2, np.nan)
        for value in values.tolist():
            score = float(spec.scores[value])
            table[value - values[0]] = spec.lowest + spec.highest - score if spec.reverse else score
        present = ~np.isnan(raw)
        offset = np.where(present, raw, values[0]) - values[0]
        outside = present & ((offset < 0) | (offset > len(table) - 2) | (offset % 1 != 0))
        index = np.where(outside | ~present, len(table) - 1, offset).astype(np.int64)
        column_scores = table[index]
        if (outside | (present & np.isnan(column_scores))).any():
            bad = raw[outside | (present & np.isnan(column_scores))][0]
            raise ValueError(f"item {column}: {bad:g} is not a value of its scale")
        scores[:, column] = column_scores
    return scores


def person_scores(scores: Matrix, dimension_of_item: Sequence[int], rules: Sequence[str]) -> Matrix:
    """Respondents × dimensions. "mean": the mean of answered items when at least half of
    the dimension's items are answered; "sum": the sum when all are answered."""
    dimension_of = np.asarray(dimension_of_item)
    result = np.full((scores.shape[0], len(rules)), np.nan)
    for dimension, rule in enumerate(rules):
        columns = np.flatnonzero(dimension_of == dimension)
        if not len(columns):
            continue
        block = scores[:, columns]
        answered = (~np.isnan(block)).sum(axis=1)
        total = np.nansum(block, axis=1)
        if rule == "mean":
            ok = 2 * answered >= len(columns)
            with np.errstate(invalid="ignore", divide="ignore"):
                result[ok, dimension] = total[ok] / answered[ok]
        elif rule == "sum":
            ok = answered == len(columns)
            result[ok, dimension] = total[ok]
        else:
            raise ValueError(f"unknown scoring rule {rule!r}")
    return result


@dataclass(frozen=True)
class Moments:
    """n, mean and standard deviation (n-1) per unit × column, own and subtree."""

    n: Matrix
    mean: Matrix
    sd: Matrix


def moments(n: Matrix, total: Matrix, squares: Matrix) -> Moments:
    """From n, the sum and the sum of squares: the mean (nan where n = 0) and the sample
    standard deviation (nan where n < 2). `total` and `squares` are used up: their memory
    holds the mean and the deviation (a large organisation's arrays are hundreds of MB)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.divide(total, n, out=total)
        mean[~(n > 0)] = np.nan
        # (squares - n * mean²) / (n - 1), in place
        spread = np.multiply(mean, mean)
        spread *= n
        variance = np.subtract(squares, spread, out=squares)
        del spread
        variance /= n - 1
        variance[~(n > 1)] = np.nan
        np.maximum(variance, 0.0, out=variance)
        sd = np.sqrt(variance, out=variance)
    return Moments(n, mean, sd)
