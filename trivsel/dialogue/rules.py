"""The dialogue's rules as pure functions: when an action is overdue, what the meeting is
proposed to focus on, and whether a dimension moved between two measurements."""

import math
from dataclasses import dataclass
from datetime import date

from scipy import stats

OPEN_STATUSES = frozenset({"not_started", "in_progress", "on_hold"})


def is_overdue(due: date, status: str, today: date) -> bool:
    """Overdue: the due date is before today (Europe/Copenhagen) and the action is neither
    done nor cancelled."""
    return due < today and status in OPEN_STATUSES


@dataclass(frozen=True)
class Interval:
    difference: float
    low: float
    high: float

    @property
    def verdict(self) -> str:
        """ "better" or "worse" when the interval excludes zero (for a dimension where higher
        is better), else "no certain change"."""
        if self.low > 0:
            return "better"
        if self.high < 0:
            return "worse"
        return "same"


def welch_interval(
    before: tuple[float, float, int], after: tuple[float, float, int], level: float = 0.90
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


@dataclass(frozen=True)
class Proposal:
    metric: str
    reason: str  # "weakest" or "worsened"


def proposals(
    scores: dict[str, float], changes: dict[str, float], higher_is_better: dict[str, bool],
    weakest: int = 3, worsened: int = 2,
) -> list[Proposal]:  # fmt: skip
    """The focus areas to propose: the `weakest` dimensions by their 0-100 scores (the
    lowest where higher is better, the highest where lower is better: 100 − score) and the
    `worsened` ones that changed most for the worse since the previous measurement
    (`changes`: the significant changes only, score now − before), each once, weakest first."""

    def good(metric: str, score: float) -> float:
        return score if higher_is_better.get(metric, True) else 100 - score

    def better(metric: str, change: float) -> float:
        return change if higher_is_better.get(metric, True) else -change

    chosen = [
        Proposal(metric, "weakest")
        for metric in sorted(scores, key=lambda m: (good(m, scores[m]), m))[:weakest]
    ]
    taken = {p.metric for p in chosen}
    worse = sorted(
        (m for m, change in changes.items() if better(m, change) < 0 and m not in taken),
        key=lambda m: (better(m, changes[m]), m),
    )
    return chosen + [Proposal(metric, "worsened") for metric in worse[:worsened]]
