"""Statistics for results: differences and their significance, reliability, rounding.

- A difference is flagged when it is at least 5 points *and* significant at 5 % by
  Welch's t-test on the two groups' person scores (unequal variances, Welch-Satterthwaite
  degrees of freedom), computed from unrounded means, standard deviations and n.
  `compare` does this element-wise for whole arrays of groups (unit vs parent, vs the
  whole organisation, vs last year).
- Cronbach's alpha per dimension, on respondents who answered every item of it.
- Key drivers: Pearson's r between each dimension's person scores and an outcome's, where
  at least `min_n` people have both.
- Displayed values are rounded half up; a displayed difference is the rounded difference of
  the unrounded values, never the difference of two rounded values.
"""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import special
from scipy import stats as scipy_stats

MIN_DIFFERENCE = 5.0
ALPHA_LEVEL = 0.05
NORMAL_CRITICAL = 1.959963984540054  # two-sided 5 % for the normal distribution


@dataclass(frozen=True)
class Difference:
    value: float  # unrounded: first minus second
    t: float
    df: float
    p: float

    @property
    def flagged(self) -> bool:
        return abs(self.value) >= MIN_DIFFERENCE and self.p < ALPHA_LEVEL


def welch(mean1: float, sd1: float, n1: float, mean2: float, sd2: float, n2: float) -> Difference:
    """Welch's two-sided t-test from summary figures; p is nan when it cannot be computed
    (fewer than two in a group, or no variance in either)."""
    value = mean1 - mean2
    if n1 < 2 or n2 < 2:
        return Difference(value, math.nan, math.nan, math.nan)
    v1, v2 = sd1 * sd1 / n1, sd2 * sd2 / n2
    if v1 + v2 == 0:
        return Difference(value, math.nan, math.nan, 0.0 if value else 1.0)
    t = value / math.sqrt(v1 + v2)
    df = (v1 + v2) ** 2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
    p = 2 * float(scipy_stats.t.sf(abs(t), df))
    return Difference(value, t, df, p)


def cronbach_alpha(items: NDArray[np.float64]) -> tuple[float, int]:
    """Alpha and n for respondents × items (NaN missing): only complete rows count.
    alpha = k/(k-1) · (1 - Σ var(item) / var(total)), sample variances."""
    complete = items[~np.isnan(items).any(axis=1)]
    n, k = complete.shape
    if k < 2 or n < 2:
        return math.nan, int(n)
    total_variance = complete.sum(axis=1).var(ddof=1)
    if total_variance == 0:
        return math.nan, int(n)
    alpha = k / (k - 1) * (1 - complete.var(axis=0, ddof=1).sum() / total_variance)
    return float(alpha), int(n)


def shown(value: float, places: int = 0) -> Decimal | None:
    """Rounded half up for display (Python's round() rounds half to even)."""
    if value is None or math.isnan(value):
        return None
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def shown_difference(first: float, second: float, places: int = 0) -> Decimal | None:
    return shown(first - second, places)


@dataclass(frozen=True)
class Differences:
    """Element-wise comparison of two sets of group figures (any shape), kept only for the
    compared cells (flat indices, ascending); `value`, `p`, `flagged` give dense arrays
    (nan / False elsewhere), `at` looks cells up."""

    shape: tuple[int, ...]
    cells: NDArray[np.intp]
    values: NDArray[np.float64]  # unrounded, first minus second
    ps: NDArray[np.float64]

    def _dense(self, fill: float, data: NDArray[Any]) -> NDArray[Any]:
        result = np.full(self.shape, fill, dtype=data.dtype)
        result.ravel()[self.cells] = data
        return result

    @property
    def value(self) -> NDArray[np.float64]:
        return self._dense(np.nan, self.values)

    @property
    def p(self) -> NDArray[np.float64]:
        return self._dense(np.nan, self.ps)

    @property
    def flags(self) -> NDArray[np.bool_]:
        return (np.abs(self.values) >= MIN_DIFFERENCE) & (self.ps < ALPHA_LEVEL)

    @property
    def flagged(self) -> NDArray[np.bool_]:
        return self._dense(False, self.flags)

    def at(self, cells: NDArray[np.intp]) -> tuple[NDArray[np.float64], ...]:
        """value, p and flagged (0/1) for the given flat cells; nan where not compared."""
        if not len(self.cells):
            return tuple(np.full(len(cells), np.nan) for _ in range(3))
        where = np.minimum(np.searchsorted(self.cells, cells), len(self.cells) - 1)
        found = self.cells[where] == cells
        return tuple(
            np.where(found, data[where], np.nan)
            for data in (self.values, self.ps, self.flags.astype(np.float64))
        )


def welch_many(
    mean1: NDArray[np.float64], sd1: NDArray[np.float64], n1: NDArray[np.float64],
    mean2: NDArray[np.float64], sd2: NDArray[np.float64], n2: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:  # fmt: skip
    """`welch` for 1-d arrays: the differences, and p where the difference could be
    flagged: at least 5 points and |t| at least 1.96 (below that p is above 5 % for any
    degrees of freedom, since t's tails are heavier than the normal's). Elsewhere, and
    where it cannot be computed, p is nan."""
    value = mean1 - mean2
    p = np.full(value.shape, np.nan)
    big = np.flatnonzero(np.abs(value) >= MIN_DIFFERENCE)
    c1, c2 = n1[big], n2[big]
    with np.errstate(invalid="ignore", divide="ignore"):
        v1, v2 = sd1[big] ** 2 / c1, sd2[big] ** 2 / c2
        t = value[big] / np.sqrt(v1 + v2)
        ok = (c1 >= 2) & (c2 >= 2) & (v1 + v2 > 0) & (np.abs(t) >= NORMAL_CRITICAL)
        big, v1, v2, c1, c2, t = big[ok], v1[ok], v2[ok], c1[ok], c2[ok], t[ok]
        df = (v1 + v2) ** 2 / (v1 * v1 / (c1 - 1) + v2 * v2 / (c2 - 1))
        df = np.where(np.isnan(df), np.inf, df)  # one exact side (a reference value)
        p[big] = 2 * special.stdtr(df, -np.abs(t))  # two-sided: 2 · P(T > |t|)
    return value, p


def compare(
    mean1: NDArray[np.float64], sd1: NDArray[np.float64], n1: NDArray[np.float64],
    mean2: NDArray[np.float64], sd2: NDArray[np.float64], n2: NDArray[np.float64],
    where: NDArray[np.bool_] | None = None,
) -> Differences:  # fmt: skip
    """Welch's test element-wise (any shapes that broadcast), e.g. every unit against last
    year, for the cells in `where` (default all; elsewhere value and p are nan)."""
    shape = np.broadcast_shapes(mean1.shape, mean2.shape)
    cells = np.ones(shape, dtype=bool) if where is None else np.broadcast_to(where, shape)
    flat = np.flatnonzero(cells)
    first, second = (
        [np.broadcast_to(a, shape).ravel()[flat] for a in arrays]
        for arrays in ((mean1, sd1, n1), (mean2, sd2, n2))
    )
    return differences_at(shape, flat, *welch_many(*first, *second))


def differences_at(
    shape: tuple[int, ...], flat: NDArray[np.intp], value: NDArray[np.float64],
    p: NDArray[np.float64],
) -> Differences:  # fmt: skip
    """Differences for the cells at flat indices (ascending); none elsewhere."""
    return Differences(shape, flat, value, p)
