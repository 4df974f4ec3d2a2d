"""Confidence intervals in words a leader understands: the change of a mean between two
measurements (Welch's t with the Welch–Satterthwaite degrees of freedom) and the interval
of one mean (Student's t). Pure functions of (mean, sd, n)."""

import math
from dataclasses import dataclass

from scipy import stats

LEVEL = 0.90  # the follow-up's and the trend's intervals


@dataclass(frozen=True)
class Interval:
    difference: float
    low: float
    high: float

    @property
    def verdict(self) -> str:
        """ "better" or "worse" when the interval excludes zero (for a figure where higher
        is better), else "same" (no certain change)."""
        if self.low > 0:
            return "better"
        if self.high < 0:
            return "worse"
        return "same"


def welch_interval(
    before: tuple[float, float, int], after: tuple[float, float, int], level: float = LEVEL
) -> Interval | None:
    """The confidence interval of after − before, each (mean, sd, n), by Welch's t with the
    Welch–Satterthwaite degrees of freedom; None when either side has fewer than 2."""
    (m1, s1, n1), (m2, s2, n2) = before, after
    if n1 < 2 or n2 < 2:
        return None
    v1, v2 = s1 * s1 / n1, s2 * s2 / n2
    se = math.sqrt(v1 + v2)
    difference = m2 - m1
    if se == 0:
        return Interval(difference, difference, difference)
    df = (v1 + v2) ** 2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
    t = float(stats.t.ppf(0.5 + level / 2, df))
    return Interval(difference, difference - t * se, difference + t * se)


def mean_interval(mean: float, sd: float, n: int, level: float = LEVEL) -> tuple[float, float]:
    """The confidence interval of a mean (Student's t, n − 1 degrees of freedom); the mean
    itself when n < 2."""
    if n < 2:
        return mean, mean
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
    return mean - half, mean + half


def pooled(parts: list[tuple[float, float, int]]) -> tuple[float, float, int]:
    """Several groups' (mean, sd, n) as one group's (e.g. the units a merged unit was made
    from): the mean weighted by n and the sd from the pooled sums of squares."""
    n = sum(part[2] for part in parts)
    if n == 0:
        return 0.0, 0.0, 0
    mean = sum(m * k for m, _s, k in parts) / n
    squares = sum((k - 1) * s * s + k * (m - mean) ** 2 for m, s, k in parts)
    return mean, math.sqrt(squares / (n - 1)) if n > 1 else 0.0, n
