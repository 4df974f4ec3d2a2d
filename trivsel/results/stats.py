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

import numpy as np
from numpy.typing import NDArray
from scipy import stats as scipy_stats

MIN_DIFFERENCE = 5.0
ALPHA_LEVEL = 0.05


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
    """Element-wise comparison of two sets of group figures (any shape)."""

    value: NDArray[np.float64]  # unrounded, first minus second
    p: NDArray[np.float64]
    flagged: NDArray[np.bool_]


def compare(
    mean1: NDArray[np.float64], sd1: NDArray[np.float64], n1: NDArray[np.float64],
    mean2: NDArray[np.float64], sd2: NDArray[np.float64], n2: NDArray[np.float64],
) -> Differences:  # fmt: skip
    """Welch's test element-wise, e.g. every unit against its parent, the whole organisation
    or last year. Where it cannot be computed p is nan and nothing is flagged."""
    with np.errstate(invalid="ignore", divide="ignore"):
        value = mean1 - mean2
        v1, v2 = sd1 * sd1 / n1, sd2 * sd2 / n2
        t = value / np.sqrt(v1 + v2)
        df = (v1 + v2) ** 2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
        p = 2 * scipy_stats.t.sf(np.abs(t), df)
    p = np.where((n1 >= 2) & (n2 >= 2) & (v1 + v2 > 0), p, np.nan)
    flagged = (np.abs(value) >= MIN_DIFFERENCE) & (p < ALPHA_LEVEL)
    return Differences(value, p, np.asarray(flagged, dtype=bool))


def key_drivers(
    persons: NDArray[np.float64], outcome: NDArray[np.float64], min_n: int = 30
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """How strongly each dimension goes with an outcome (e.g. job satisfaction): Pearson's r
    between person scores, over the people who have both, and that n; r is nan where n is
    below min_n (too few for a stable correlation) or a side does not vary."""
    columns = persons.shape[1]
    r = np.full(columns, np.nan)
    n = np.zeros(columns)
    for column in range(columns):
        both = ~np.isnan(persons[:, column]) & ~np.isnan(outcome)
        n[column] = both.sum()
        if n[column] < max(min_n, 3):
            continue
        x, y = persons[both, column], outcome[both]
        if x.std() == 0 or y.std() == 0:
            continue
        r[column] = float(np.corrcoef(x, y)[0, 1])
    return r, n
