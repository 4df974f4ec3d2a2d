"""The APV's and the incident register's rules as pure functions: when an APV is due and
what its status is, when a work accident must be reported through EASY, and which incident
counts may be shown.

Sources (docs/apv.md): the APV is revised at least every three years (arbejdsmiljøloven
§ 15 a; BEK nr. 1838 of 14/12/2023, § 2); a work accident with absence beyond the day of
the injury is reported no later than 14 days after the first day of absence (BEK nr. 941 of
2022); the threshold is a dated setting because a proposed change (L 31, 2025-26) would make
it three days from 1 July 2026."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

REVISION_YEARS = 3
WARN_DAYS = (90, 30)
EASY_DAYS = 14


def add_years(day: date, years: int) -> date:
    """The same date `years` later (29 February → 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def apv_due(approved_on: date) -> date:
    """Approved 15 March 2023 → due 15 March 2026."""
    return add_years(approved_on, REVISION_YEARS)


@dataclass(frozen=True)
class ApvState:
    status: str  # none, in_progress, approved, due_soon, overdue, revision_needed
    due: date | None = None
    warning: int | None = None  # 90 or 30: the warning the APV is within


def apv_status(
    approved_on: date | None, in_progress: bool, revision_needed: bool, today: date
) -> ApvState:
    """A unit's APV status: `approved_on` its last approval (None: never approved);
    `in_progress`: a new APV is being worked on; `revision_needed`: the organisation changed
    after the last approval. Overdue and revision needed outrank the rest."""
    due = apv_due(approved_on) if approved_on else None
    if due is not None and today > due:
        return ApvState("overdue", due)
    if revision_needed and approved_on is not None:
        return ApvState("revision_needed", due)
    if due is not None:
        left = (due - today).days
        warning = next((days for days in sorted(WARN_DAYS) if left <= days), None)
        if warning is not None:
            return ApvState("due_soon", due, warning)
        return ApvState("in_progress" if in_progress else "approved", due)
    return ApvState("in_progress" if in_progress else "none")


def easy_threshold(injury_day: date, thresholds: Sequence[tuple[date, int]]) -> int:
    """The days of absence beyond the day of injury that make an accident reportable, for an
    injury on this day: the latest threshold in force (each: from date, days)."""
    in_force = [days for since, days in sorted(thresholds) if since <= injury_day]
    return in_force[-1] if in_force else 1


def easy_deadline(
    injury_day: date, first_absence: date | None, absence_days: int,
    thresholds: Sequence[tuple[date, int]],
) -> date | None:  # fmt: skip
    """When the accident must be reported to EASY: 14 days after the first day of absence,
    if the absence beyond the day of injury reaches the threshold in force on the day of
    injury; None if it need not be reported. Injury Monday 2 June 2025, absent from 3 June
    → report by 17 June 2025."""
    if first_absence is None or absence_days < easy_threshold(injury_day, thresholds):
        return None
    return first_absence + timedelta(days=EASY_DAYS)


@dataclass(frozen=True)
class ApvFacts:
    """What the approval rule needs to know about an APV (trivsel.apv.services gathers it)."""

    surveyed: bool  # a linked measurement, or the physical checklist gone through
    walkthrough: bool  # a walk-through date
    factors_unmarked: list[str]  # the psychosocial risks not marked relevant or not, with why
    absence_assessed: bool
    problems_without_plan: list[str]  # unsolved problems lacking an owner and a due date
    signed_by: set[str]  # the roles that signed
    no_amo: bool


def approval_refusals(facts: ApvFacts) -> list[str]:
    """Why the APV cannot be approved (empty: it can). The four written elements
    (arbejdsmiljøloven § 15 a; BEK nr. 1838 af 14/12/2023 § 2) and a dated sign-off by the
    leader and the AMR, or the employer and an employee representative where there is no
    work environment organisation. Reason codes; the page words them."""
    reasons = []
    if not facts.surveyed:
        reasons.append("survey")
    if not facts.walkthrough:
        reasons.append("walkthrough")
    reasons += [f"factor:{key}" for key in facts.factors_unmarked]
    if not facts.absence_assessed:
        reasons.append("absence")
    reasons += [f"plan:{title}" for title in facts.problems_without_plan]
    needed = {"employer", "employee"} if facts.no_amo else {"leader", "amr"}
    reasons += [f"signoff:{role}" for role in sorted(needed - facts.signed_by)]
    return reasons
