"""The vectorised engine: hand-computed cases, and agreement with the readable reference
rules in trivsel.instruments.scoring on random data."""

import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from trivsel.instruments import scoring
from trivsel.results.engine import (
    ItemSpec,
    favourable_shares,
    group_moments,
    item_scores,
    option_counts,
    person_scores,
    respondents,
)
from trivsel.results.stats import cronbach_alpha, shown, shown_difference, welch
from trivsel.results.tree import Tree

NA = math.nan
EXTENT5 = ItemSpec({1: 100, 2: 75, 3: 50, 4: 25, 5: 0})
# root 0; 1 and 2 below it; 3 below 1
TREE = Tree.from_parents([-1, 0, 0, 1])


def test_tree_rolls_up_and_refuses_cycles_and_bad_parents() -> None:
    assert TREE.subtree_totals(np.array([1.0, 2, 3, 4])).tolist() == [10, 6, 3, 4]
    assert TREE.depth.tolist() == [0, 1, 1, 2]
    with pytest.raises(ValueError, match="cycle"):
        Tree.from_parents([-1, 2, 1])
    with pytest.raises(ValueError, match="out of range"):
        Tree.from_parents([-1, 7])


def test_item_scores_map_values_and_mirror_reverse_items() -> None:
    answers = np.array([[1, 1], [2, 4], [5, NA]])
    scores = item_scores(answers, [EXTENT5, ItemSpec(EXTENT5.scores, reverse=True)])
    assert np.array_equal(scores, np.array([[100, 0], [75, 75], [0, NA]]), equal_nan=True)
    with pytest.raises(ValueError, match="6 is not a value"):
        item_scores(np.array([[6.0]]), [EXTENT5])


def test_person_scores_half_rule_and_sum_rule() -> None:
    # Four items of one dimension answered 2, missing, 3, and a reverse item answered 4:
    # 75, -, 50, 75 -> 66.67 (the same case as the reference tests).
    items = [EXTENT5, EXTENT5, EXTENT5, ItemSpec(EXTENT5.scores, reverse=True)]
    answers = np.array([[2, NA, 3, 4], [2, NA, NA, 4], [2, NA, NA, NA], [NA, NA, NA, NA]])
    scores = person_scores(item_scores(answers, items), [0, 0, 0, 0], ["mean"])
    assert scores[0, 0] == pytest.approx(200 / 3)
    assert scores[1, 0] == 75  # 2 of 4 answered: enough
    assert math.isnan(scores[2, 0]) and math.isnan(scores[3, 0])  # 1 of 4, none
    short = ItemSpec({0: 0, 1: 1, 2: 2, 3: 3, 4: 4})
    summed = person_scores(
        item_scores(np.array([[3, 2, 4, 1], [3, 2, 4, NA]]), [short] * 4), [0] * 4, ["sum"]
    )
    assert summed[0, 0] == 10 and math.isnan(summed[1, 0])


def test_group_moments_own_and_subtree_by_hand() -> None:
    # Unit 1: persons 50 and 100; unit 3 (below 1): 25; unit 2: 80 and a missing score.
    values = np.array([[50.0], [100], [25], [80], [NA]])
    unit_of = np.array([1, 1, 3, 2, 2])
    own, subtree = group_moments(values, unit_of, TREE)
    assert own.n[:, 0].tolist() == [0, 2, 1, 1]
    assert own.mean[1, 0] == 75 and own.sd[1, 0] == pytest.approx(35.3553, abs=1e-4)
    assert math.isnan(own.sd[3, 0])  # one person: no standard deviation
    assert subtree.n[:, 0].tolist() == [4, 3, 1, 1]
    assert subtree.mean[1, 0] == pytest.approx(175 / 3)
    assert subtree.sd[1, 0] == pytest.approx(38.1881, abs=1e-4)
    assert subtree.mean[0, 0] == pytest.approx(255 / 4)
    own_n, subtree_n = respondents(unit_of, TREE)
    assert own_n.tolist() == [0, 2, 2, 1] and subtree_n.tolist() == [5, 3, 2, 1]


def test_favourable_shares_and_option_counts_by_hand() -> None:
    answers = np.array([[1.0], [2], [3], [4], [NA], [5], [1]])
    unit_of = np.array([1, 1, 1, 1, 1, 3, 2])
    own, subtree = favourable_shares(item_scores(answers, [EXTENT5]), unit_of, TREE)
    assert own.n[1, 0] == 4  # the missing answer is not counted
    assert (own.favourable[1, 0], own.neutral[1, 0], own.unfavourable[1, 0]) == (0.5, 0.25, 0.25)
    assert subtree.n[1, 0] == 5 and subtree.unfavourable[1, 0] == pytest.approx(2 / 5)
    assert subtree.favourable[0, 0] == pytest.approx(3 / 6)
    counts_own, counts_subtree = option_counts(answers, 0, [1, 2, 3, 4, 5], unit_of, TREE)
    assert counts_own[1].tolist() == [1, 1, 1, 1, 0]
    assert counts_subtree[0].tolist() == [2, 1, 1, 1, 1]


def test_welch_matches_scipy_on_raw_scores() -> None:
    a = np.array([50.0, 75, 75, 100, 25, 50, 75])
    b = np.array([25.0, 25, 50, 0, 50, 25])
    difference = welch(a.mean(), a.std(ddof=1), len(a), b.mean(), b.std(ddof=1), len(b))
    reference = scipy_stats.ttest_ind(a, b, equal_var=False)
    assert difference.t == pytest.approx(reference.statistic)
    assert difference.p == pytest.approx(reference.pvalue)
    assert difference.value == pytest.approx(64.2857 - 29.1667, abs=1e-3)
    assert difference.flagged  # 35 points, p < 0.05
    small = welch(60, 20, 10, 56, 20, 10)
    assert not small.flagged  # 4 points: under 5 whatever the test says
    assert not welch(70, 30, 3, 50, 30, 3).flagged  # 20 points, not significant with n=3
    assert math.isnan(welch(70, 0, 1, 50, 10, 10).p)


def test_cronbach_alpha_on_a_small_matrix_worked_by_hand() -> None:
    # item variances 1.6667 and 1.5833, total (3, 5, 6, 9) variance 6.25:
    # alpha = 2/1 * (1 - 3.25/6.25) = 0.96; the incomplete row is left out.
    items = np.array([[1.0, 2], [2, 3], [3, 3], [4, 5], [5, NA]])
    alpha, n = cronbach_alpha(items)
    assert alpha == pytest.approx(0.96) and n == 4


def test_rounding_half_up_and_differences_from_unrounded_values() -> None:
    assert shown(2.5) == Decimal("3") and shown(3.5) == Decimal("4")  # not banker's rounding
    assert shown(-2.5) == Decimal("-3")
    assert shown(0.125, 2) == Decimal("0.13")
    assert shown(NA) is None
    # 62.4 and 57.5 show as 62 and 58, but the difference shown is round(4.9) = 5, not 4.
    assert (shown(62.4), shown(57.5)) == (Decimal("62"), Decimal("58"))
    assert shown_difference(62.4, 57.5) == Decimal("5")


answer = st.one_of(st.none(), st.integers(min_value=1, max_value=5))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(answer, min_size=4, max_size=4), min_size=1, max_size=30),
    st.lists(st.booleans(), min_size=4, max_size=4),
)
def test_engine_agrees_with_the_reference_rules(
    rows: list[list[int | None]], reversed_items: list[bool]
) -> None:
    specs = [ItemSpec(EXTENT5.scores, reverse=r) for r in reversed_items]
    answers = np.array([[NA if v is None else v for v in row] for row in rows])
    scored = item_scores(answers, specs)
    engine = person_scores(scored, [0, 0, 0, 0], ["mean"])[:, 0]
    scale = scoring.ScaleScoring(EXTENT5.scores)
    for row, got in zip(rows, engine, strict=True):
        reference = scoring.person_mean_score(
            [scoring.item_score(v, scale, r) for v, r in zip(row, reversed_items, strict=True)]
        )
        assert (reference is None and math.isnan(got)) or got == pytest.approx(reference)
    own, _subtree = group_moments(
        engine[:, None], np.zeros(len(rows), dtype=np.int64), Tree.from_parents([-1])
    )
    expected = scoring.group_score([None if math.isnan(s) else float(s) for s in engine])
    assert (expected is None and math.isnan(own.mean[0, 0])) or own.mean[0, 0] == pytest.approx(
        expected
    )


def test_compare_flags_like_the_scalar_test_element_wise() -> None:
    from trivsel.results.stats import compare

    mean1, sd1, n1 = (
        np.array([64.29, 60, 70, 70]),
        np.array([24.4, 20, 30, 0]),
        np.array([7.0, 10, 3, 1]),
    )
    mean2, sd2, n2 = (
        np.array([29.17, 56, 50, 50]),
        np.array([18.8, 20, 30, 10]),
        np.array([6.0, 10, 3, 10]),
    )
    result = compare(mean1, sd1, n1, mean2, sd2, n2)
    for i in range(4):
        scalar = welch(mean1[i], sd1[i], n1[i], mean2[i], sd2[i], n2[i])
        assert result.value[i] == pytest.approx(scalar.value)
        if abs(scalar.value) < 5 or abs(scalar.t) < 1.96 or math.isnan(scalar.p):  # no p
            assert math.isnan(result.p[i])
        else:
            assert result.p[i] == pytest.approx(scalar.p)
        assert bool(result.flagged[i]) == scalar.flagged
    assert result.flagged.tolist() == [True, False, False, False]


def test_key_drivers_by_hand() -> None:
    from trivsel.results.stats import key_drivers

    outcome = np.array([10.0, 20, 30, 40, 50, NA])
    persons = np.column_stack([
        [1.0, 2, 3, 4, 5, 6],  # rises with the outcome: r = 1
        [5.0, 4, 3, 2, 1, 0],  # falls: r = -1
        [1.0, 1, 1, 1, 1, 1],  # does not vary: no r
        [NA, NA, 3, 4, 5, 6],  # only 3 with both: fewer than min_n
    ])  # fmt: skip
    r, n = key_drivers(persons, outcome, min_n=4)
    assert r[0] == pytest.approx(1) and r[1] == pytest.approx(-1)
    assert math.isnan(r[2]) and math.isnan(r[3])
    assert n.tolist() == [5, 5, 5, 3]
