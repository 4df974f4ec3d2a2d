"""Scoring rules, as pure functions on plain values. No ORM, no requests.

Conventions (COPSOQ): an answer maps to a score through its scale (5-point items to
0/25/50/75/100); a reverse-scored item is mirrored within the scale's range; "not
relevant" / "I have no leader" and unanswered items are missing (None).

- Person score of a dimension (COPSOQ rule): mean of the answered items' scores, if at
  least half of the dimension's items are answered; otherwise missing.
- Sum score (e.g. the 4-item social capital short form, 0-4 each, 0-16): the sum of the
  item scores, only when every item is answered.
- Group score: the mean of the group's person scores that are not missing.
- Percent favourable per item: shares of answers scored at or above `favourable_from`
  (top two of five: 75), at or below `unfavourable_to` (bottom two: 25), and between.
- Composite index (e.g. social capital = mean of its four sub-dimensions): the mean of
  the person's sub-dimension scores, if at least half are present.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean

Score = float | None


@dataclass(frozen=True)
class ScaleScoring:
    """How the answer values of a scale map to scores."""

    scores: Mapping[int, float]

    @property
    def lowest(self) -> float:
        return min(self.scores.values())

    @property
    def highest(self) -> float:
        return max(self.scores.values())


def reverse(score: float, lowest: float, highest: float) -> float:
    """Mirror a score within its scale's range; reversing twice gives the score back."""
    return lowest + highest - score


def item_score(answer: int | None, scale: ScaleScoring, reversed_item: bool = False) -> Score:
    """The score of one answer. None (missing, not relevant) stays None; a value the
    scale does not have is an error, never silently missing."""
    if answer is None:
        return None
    if answer not in scale.scores:
        raise ValueError(f"{answer} is not a value of this scale")
    score = float(scale.scores[answer])
    return reverse(score, scale.lowest, scale.highest) if reversed_item else score


def _at_least_half(present: int, total: int) -> bool:
    return total > 0 and 2 * present >= total


def person_mean_score(item_scores: Sequence[Score]) -> Score:
    """COPSOQ rule: mean of answered items when at least half of them are answered."""
    answered = [score for score in item_scores if score is not None]
    if not _at_least_half(len(answered), len(item_scores)):
        return None
    return fmean(answered)


def person_sum_score(item_scores: Sequence[Score]) -> Score:
    """Sum of the items; missing unless every item is answered."""
    if not item_scores or any(score is None for score in item_scores):
        return None
    return float(sum(score for score in item_scores if score is not None))


def group_score(person_scores: Sequence[Score]) -> Score:
    present = [score for score in person_scores if score is not None]
    return fmean(present) if present else None


@dataclass(frozen=True)
class Shares:
    favourable: float
    neutral: float
    unfavourable: float
    answered: int


FAVOURABLE_FROM, UNFAVOURABLE_TO = 75.0, 25.0  # per cent of a scale's range


def favourable_shares(
    item_scores: Sequence[Score], scale: ScaleScoring | None = None
) -> Shares | None:
    """Shares (0-1) of favourable, neutral and unfavourable answers among those answered:
    favourable from three quarters of the scale's range up (the top two answers of five),
    unfavourable up to a quarter. Without a scale, scores are 0-100."""
    answered = [score for score in item_scores if score is not None]
    if not answered:
        return None
    low, high = (0.0, 100.0) if scale is None else (scale.lowest, scale.highest)
    favourable_from = low + (high - low) * FAVOURABLE_FROM / 100
    unfavourable_to = low + (high - low) * UNFAVOURABLE_TO / 100
    total = len(answered)
    favourable = sum(1 for score in answered if score >= favourable_from)
    unfavourable = sum(1 for score in answered if score <= unfavourable_to)
    return Shares(
        favourable / total, (total - favourable - unfavourable) / total, unfavourable / total, total
    )


def composite_score(part_scores: Sequence[Score]) -> Score:
    """An index over sub-dimensions: their mean when at least half are present."""
    return person_mean_score(part_scores)


RULES = {"mean": person_mean_score, "sum": person_sum_score}


def person_dimension_score(rule: str, item_scores: Sequence[Score]) -> Score:
    try:
        return RULES[rule](item_scores)
    except KeyError:
        raise ValueError(f"unknown scoring rule {rule!r}") from None
