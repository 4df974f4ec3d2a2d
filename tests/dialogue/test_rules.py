"""The dialogue's pure rules, on the issue's worked examples."""

from datetime import date

import pytest

from trivsel.dialogue.rules import is_overdue, proposals, welch_interval


@pytest.mark.parametrize(
    ("status", "overdue"),
    [("in_progress", True), ("not_started", True), ("on_hold", True), ("done", False),
     ("cancelled", False)],
)  # fmt: skip
def test_overdue_after_the_due_date_unless_done_or_cancelled(status: str, overdue: bool) -> None:
    assert is_overdue(date(2026, 3, 1), status, date(2026, 3, 2)) is overdue
    assert is_overdue(date(2026, 3, 1), status, date(2026, 3, 1)) is False  # due today


def test_welch_interval_on_the_worked_examples() -> None:
    small = welch_interval((3.5, 1.0, 10), (3.9, 1.0, 10))
    assert small is not None
    assert (round(small.low, 2), round(small.high, 2)) == (-0.38, 1.18)
    assert small.verdict == "same"  # no certain change
    large = welch_interval((3.5, 1.0, 100), (3.9, 1.0, 100))
    assert large is not None
    assert (round(large.low, 2), round(large.high, 2)) == (0.17, 0.63)
    assert large.verdict == "better"
    worse = welch_interval((3.9, 1.0, 100), (3.5, 1.0, 100))
    assert worse is not None and worse.verdict == "worse"
    assert welch_interval((3.5, 1.0, 1), (3.9, 1.0, 10)) is None


def test_proposals_take_the_direction_into_account() -> None:
    scores = {"trust": 70.0, "meaning": 80.0, "demands": 75.0, "justice": 60.0, "support": 65.0,
              "burnout": 27.0}  # fmt: skip
    changes = {"meaning": -9.0, "demands": 8.0, "trust": 3.0, "burnout": -9.0}
    # demands and burnout: lower is better — 75 is weak (as 25 would be), +8 is worse; a
    # burnout of 27 is good (as 73 would be), and its fall of 9 is better, not worse.
    higher = {"demands": False, "burnout": False}
    found = proposals(scores, changes, higher, weakest=3, worsened=2)
    assert [(p.metric, p.reason) for p in found] == [
        ("demands", "weakest"), ("justice", "weakest"), ("support", "weakest"),
        ("meaning", "worsened"),
    ]  # fmt: skip
    assert proposals({"burnout": 27.0, "trust": 50.0}, {}, higher, weakest=1)[0].metric == "trust"
