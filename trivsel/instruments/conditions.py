"""Conditional questions, as pure functions over ids: which questions a person is asked
given their answers so far, and how a questionnaire's pages become the screens a
respondent meets.

A question with a rule is asked only when the question it depends on was asked and
answered with one of the rule's values. The rule always points to an earlier question.
When both are on the same page, the conditional question moves to a follow-up screen right
after the page ("From whom?" after "Have you been bullied?"), so the server decides what is
asked and the survey works without JavaScript."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar


@dataclass(frozen=True)
class Rule:
    depends_on: int  # an item version id
    values: frozenset[int]


class HasPk(Protocol):
    @property
    def pk(self) -> int: ...


def chosen(fields: Mapping[str, object] | None) -> set[int]:
    """The option values in an answer's fields ({"value": 3} or {"values": [1, 4]})."""
    if not fields:
        return set()
    value = fields.get("value")
    if isinstance(value, int):
        return {value}
    values = fields.get("values")
    if isinstance(values, list):
        return {v for v in values if isinstance(v, int)}
    return set()


V = TypeVar("V", bound=HasPk)


def asked(
    order: Sequence[int], rules: Mapping[int, Rule], answers: Mapping[int, Mapping[str, object]]
) -> set[int]:
    """The questions (ids, in questionnaire order) this person is asked, given their answers."""
    result: set[int] = set()
    for question in order:
        rule = rules.get(question)
        if rule is None or (
            rule.depends_on in result and chosen(answers.get(rule.depends_on)) & rule.values
        ):
            result.add(question)
    return result


def screens(pages: Sequence[Sequence[V]], rules: Mapping[int, Rule]) -> list[list[V]]:
    """The screens a respondent meets: each page, then (when some of its questions depend
    on an answer given on the page itself) its follow-up screens, one per step of such
    dependencies. Without rules, the screens are the pages."""
    result: list[list[V]] = []
    for page in pages:
        depth: dict[int, int] = {}
        for version in page:
            rule = rules.get(version.pk)
            depth[version.pk] = (
                depth[rule.depends_on] + 1 if rule and rule.depends_on in depth else 0
            )
        for step in range(max(depth.values(), default=0) + 1):
            result.append([v for v in page if depth[v.pk] == step])
    return result


def misplaced(order: Sequence[int], rules: Mapping[int, Rule]) -> list[int]:
    """Questions whose rule does not point to an earlier question of the questionnaire
    (after a move or a removal): they could never be decided in time."""
    position = {question: number for number, question in enumerate(order)}
    return [
        question
        for question, rule in rules.items()
        if question in position
        and (rule.depends_on not in position or position[rule.depends_on] >= position[question])
    ]
