"""The one direction rule. Whether a figure is better or worse than what it is compared with
follows the dimension's `higher_is_better` (for burnout or work pace a higher score is worse),
and for an item its dimension's: every figure, arrow, colour, bar, ranking and text in every
report, the heatmap, the PDF and the Excel files asks here. ▲ always means better and ▼ worse
(whatever the sign of the difference), and the word is always there for those who do not see
the symbol or the colour."""

from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from django.utils.translation import gettext as _

BETTER, WORSE, SAME = "better", "worse", "same"
T = TypeVar("T")
SYMBOLS = {BETTER: "▲", WORSE: "▼", SAME: ""}


@dataclass(frozen=True)
class Verdict:
    """A difference judged by the direction rule; `significant`: flagged by the engine
    (significant and at least the minimum difference)."""

    way: str  # BETTER, WORSE or SAME (a difference of zero)
    significant: bool

    @property
    def symbol(self) -> str:
        """▲ better, ▼ worse: only for significant differences."""
        return SYMBOLS[self.way] if self.significant else ""

    @property
    def css(self) -> str:
        """The class that colours it (only significant differences are coloured)."""
        return f"verdict-{self.way}" if self.significant else ""

    @property
    def short(self) -> str:
        """One word, for a table cell next to the symbol."""
        if self.way == SAME:
            return _("the same")
        return _("better") if self.way == BETTER else _("worse")

    @property
    def word(self) -> str:
        """In words, for screen readers, tables and the Excel file."""
        if self.significant:
            return _("significantly better") if self.way == BETTER else _("significantly worse")
        # Not flagged: under 5 points, or not significant (which of the two is not stored).
        if self.way == BETTER:
            return _("better, but not a clear difference")
        if self.way == WORSE:
            return _("worse, but not a clear difference")
        return _("the same")


def judge(difference: float | Decimal, higher_is_better: bool, significant: bool) -> Verdict:
    """`difference`: the figure minus what it is compared with."""
    if difference == 0:
        return Verdict(SAME, False)
    better = (difference > 0) == higher_is_better
    return Verdict(BETTER if better else WORSE, significant)


def good_first(value: float | Decimal, higher_is_better: bool) -> float | Decimal:
    """A sort key that puts the best figures first (for rankings)."""
    return -value if higher_is_better else value


def good_and_bad(favourable: T, unfavourable: T, higher_is_better: bool) -> tuple[T, T]:
    """The good answers' share, then the bad answers': the engine's favourable share is the
    top of the score range, which for a dimension where lower is better is the bad end."""
    return (favourable, unfavourable) if higher_is_better else (unfavourable, favourable)
