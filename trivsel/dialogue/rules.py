"""The dialogue's rules as pure functions: when an action is overdue, what the meeting is
proposed to focus on, and whether a dimension moved between two measurements."""

from dataclasses import dataclass
from datetime import date

from trivsel.engine.intervals import Interval, welch_interval

__all__ = ["Interval", "Proposal", "is_overdue", "proposals", "welch_interval"]

OPEN_STATUSES = frozenset({"not_started", "in_progress", "on_hold"})


def is_overdue(due: date, status: str, today: date) -> bool:
    """Overdue: the due date is before today (Europe/Copenhagen) and the action is neither
    done nor cancelled."""
    return due < today and status in OPEN_STATUSES


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
