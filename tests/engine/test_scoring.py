"""Scoring rules against hand-computed examples, and properties for every input."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trivsel.engine.scoring import (
    ScaleScoring,
    Shares,
    composite_score,
    favourable_shares,
    group_score,
    item_score,
    person_dimension_score,
    person_mean_score,
    person_sum_score,
    reverse,
)

FIVE = ScaleScoring({1: 100, 2: 75, 3: 50, 4: 25, 5: 0})  # 1 = "to a very large extent"
ZERO_TO_FOUR = ScaleScoring({4: 4, 3: 3, 2: 2, 1: 1, 0: 0})


def test_five_point_answers_map_to_copsoq_scores() -> None:
    assert [item_score(v, FIVE) for v in (1, 2, 3, 4, 5)] == [100, 75, 50, 25, 0]


def test_reverse_item_is_mirrored() -> None:
    # "I am often exhausted": answering 1 (very large extent) is the worst -> 0
    assert item_score(1, FIVE, reversed_item=True) == 0
    assert item_score(4, FIVE, reversed_item=True) == 75


def test_missing_and_not_relevant_stay_missing() -> None:
    assert item_score(None, FIVE) is None
    assert item_score(None, FIVE, reversed_item=True) is None


def test_value_outside_scale_is_an_error() -> None:
    with pytest.raises(ValueError):
        item_score(6, FIVE)


def test_person_score_hand_computed_with_a_missing_and_a_reverse_item() -> None:
    # Four items: answers 2, missing, 3, and a reverse item answered 4.
    scores = [item_score(2, FIVE), None, item_score(3, FIVE), item_score(4, FIVE, True)]
    assert scores == [75, None, 50, 75]
    assert person_mean_score(scores) == pytest.approx((75 + 50 + 75) / 3)  # 66.67


def test_half_rule_at_its_boundary() -> None:
    assert person_mean_score([100, 50, None, None]) == 75  # exactly half answered: scored
    assert person_mean_score([100, None, None, None]) is None  # less than half: missing
    assert person_mean_score([100, None, None]) is None  # 1 of 3 < half
    assert person_mean_score([100, 0, None]) == 50  # 2 of 3
    assert person_mean_score([None]) is None
    assert person_mean_score([]) is None


def test_sum_score_short_social_capital_form() -> None:
    # 4 items 0-4: answers 3, 2, 4, 1 -> 10 of 16
    scores = [item_score(v, ZERO_TO_FOUR) for v in (3, 2, 4, 1)]
    assert person_sum_score(scores) == 10
    assert person_sum_score([3, 2, None, 1]) is None


def test_group_score_is_mean_of_person_scores_ignoring_missing() -> None:
    assert group_score([75, 50, None, 100]) == 75
    assert group_score([None, None]) is None


def test_favourable_shares_top_two_of_five() -> None:
    shares = favourable_shares([100, 75, 50, 25, 0, None, 75, 100])
    assert shares == Shares(favourable=4 / 7, neutral=1 / 7, unfavourable=2 / 7, answered=7)
    assert favourable_shares([None]) is None


def test_composite_index_mean_of_sub_dimensions_with_half_rule() -> None:
    assert composite_score([60, 70, 80, 90]) == 75
    assert composite_score([60, 80, None, None]) == 70
    assert composite_score([60, None, None, None]) is None


def test_rule_dispatch() -> None:
    assert person_dimension_score("mean", [50, 100]) == 75
    assert person_dimension_score("sum", [1, 2]) == 3
    with pytest.raises(ValueError):
        person_dimension_score("median", [1])


answers = st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=1, max_size=30)


@given(answers, st.lists(st.booleans(), min_size=30, max_size=30))
def test_person_score_is_within_0_and_100(
    raw: list[int | None], reversed_flags: list[bool]
) -> None:
    scores = [item_score(a, FIVE, r) for a, r in zip(raw, reversed_flags, strict=False)]
    result = person_mean_score(scores)
    if result is not None:
        assert 0 <= result <= 100


@given(st.sampled_from([0, 25, 50, 75, 100]))
def test_reversing_twice_is_identity(score: float) -> None:
    assert reverse(reverse(score, 0, 100), 0, 100) == score


@given(answers)
def test_half_rule_decides_exactly_when_a_score_exists(raw: list[int | None]) -> None:
    scores = [item_score(a, FIVE) for a in raw]
    answered = sum(1 for s in scores if s is not None)
    assert (person_mean_score(scores) is not None) == (2 * answered >= len(scores))


@given(st.lists(st.one_of(st.none(), st.floats(0, 100)), min_size=1, max_size=50))
def test_group_score_lies_between_min_and_max(person_scores: list[float | None]) -> None:
    result = group_score(person_scores)
    present = [s for s in person_scores if s is not None]
    if present:
        assert result is not None
        assert min(present) - 1e-9 <= result <= max(present) + 1e-9
    else:
        assert result is None


@given(st.lists(st.one_of(st.none(), st.sampled_from([0, 25, 50, 75, 100])), min_size=1))
def test_shares_sum_to_one(scores: list[float | None]) -> None:
    shares = favourable_shares(scores)
    if shares is not None:
        assert shares.favourable + shares.neutral + shares.unfavourable == pytest.approx(1)
