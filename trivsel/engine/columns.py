"""A questionnaire's engine columns: which columns a question gives the engine and what
they are called — one rule for a bank document (`scorefile`), a measurement's
questionnaire (`build`) and the comparison with another measurement. Pure."""

from collections.abc import Sequence
from typing import Any

from trivsel.engine import vectorised
from trivsel.engine.compute import Item

OPTION_SEPARATOR = ":"
NOT_EXPOSED, EXPOSED = 100.0, 0.0
NAMED = {0: 0.0, 1: 100.0}  # a multiple-choice option's column: not named, named


def engine_items(
    key: str, options: Sequence[dict[str, Any]], multiple: bool, reverse: bool,
    dimension: int, sensitive: bool,
) -> list[Item]:  # fmt: skip
    """The engine's columns for one question, the same rule for a bank document and for a
    measurement's questionnaire (docs/itembank-format.md, "How answers are computed"):

    - one choice from a scale with scored options: one column, scored by the scale;
    - an exposure question (sensitive, one choice, no option scored, e.g. "have you been
      bullied?"): one column in which the *last* option (not exposed) scores 100 and every
      other (exposed, however often) 0, so the unfavourable share is the share exposed
      and the option shares are kept;
    - multiple choice: one 0/1 column per option, in the scale's order, keyed
      `option_key(key, value)`: 1 where the respondent named the option, 0 where they
      answered without naming it, so the mean / 100 is the share naming it.

    Exposure and multiple-choice columns join no dimension (their scores are shares, not
    a scale) and ignore `reverse`. Any other question (one choice, nothing scored, not
    sensitive) has no column."""
    if multiple:
        return [
            Item(option_key(key, value), vectorised.ItemSpec(NAMED), -1, sensitive)
            for value in option_values(options)
        ]
    scores = {o["value"]: o["score"] for o in options if o.get("score") is not None}
    if scores:
        return [Item(key, vectorised.ItemSpec(scores, reverse=reverse), dimension, sensitive)]
    if sensitive and len(options) >= 2:
        *exposed, never = option_values(options)
        scores = {value: EXPOSED for value in exposed} | {never: NOT_EXPOSED}
        return [Item(key, vectorised.ItemSpec(scores), -1, sensitive)]
    return []


def option_values(options: Sequence[dict[str, Any]]) -> list[int]:
    """A scale's answer values in display order: a multiple-choice question's columns."""
    return [int(option["value"]) for option in options]


def option_key(key: str, value: int) -> str:
    return f"{key}{OPTION_SEPARATOR}{value}"


def column_under(column_key: str, item_key: str) -> str:
    """The key of the same column under another item key (the question's key in another
    measurement): an option's column keeps its option; no key ("") stays none."""
    _key, separator, value = column_key.partition(OPTION_SEPARATOR)
    return f"{item_key}{separator}{value}" if item_key else ""
