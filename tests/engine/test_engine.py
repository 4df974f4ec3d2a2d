"""The vectorised engine and the live computation (`compute`): hand-computed cases, and
agreement with the readable reference rules in trivsel.engine.scoring on random data."""

import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from trivsel.engine import scoring
from trivsel.engine.compute import Data, Item, Outcome, Spec, compute, with_organisation
from trivsel.engine.stats import cronbach_alpha, shown, shown_difference, welch
from trivsel.engine.tree import Tree
from trivsel.engine.vectorised import ItemSpec, item_scores, person_scores

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


def computed(
    answers: list[list[float]], unit_of: list[int], specs: list[ItemSpec] | None = None,
    parents: list[int] | None = None, outcome: str = "",
) -> Outcome:  # fmt: skip
    """The live computation (`compute`) with every cell shown (k = 1): one dimension per
    item column ("d0", "d1", ...), mean rule, no job groups."""
    matrix = np.array(answers, dtype=np.float64)
    specs = specs or [EXTENT5] * matrix.shape[1]
    spec = Spec(
        items=[Item(f"i{c}", s, c, False) for c, s in enumerate(specs)],
        dimensions=[(f"d{c}", "mean") for c in range(len(specs))],
        outcome=outcome,
    )
    data = Data(matrix, np.array(unit_of, dtype=np.int64), np.zeros(len(unit_of), np.int64), [""])
    return compute(spec, data, with_organisation(parents or [-1, 0, 0, 1]), 1, 1)


def test_moments_own_and_subtree_by_hand() -> None:
    # Unit 1: answers scoring 50 and 100; unit 3 (below 1): 25; unit 2: 75 and a missing one.
    out = computed([[3.0], [1], [4], [2], [NA]], [1, 1, 3, 2, 2])
    own, subtree = out.own.dimensions, out.subtree.dimensions
    assert own.n[:4, -1, 0].tolist() == [0, 2, 1, 1]
    assert own.mean[1, -1, 0] == 75 and own.sd[1, -1, 0] == pytest.approx(35.3553, abs=1e-4)
    assert math.isnan(own.sd[3, -1, 0])  # one person: no standard deviation
    assert subtree.n[:4, -1, 0].tolist() == [4, 3, 1, 1]
    assert subtree.mean[1, -1, 0] == pytest.approx(175 / 3)
    assert subtree.sd[1, -1, 0] == pytest.approx(38.1881, abs=1e-4)
    assert subtree.mean[0, -1, 0] == pytest.approx(250 / 4)
    assert subtree.mean[out.organisation, -1, 0] == pytest.approx(250 / 4)
    assert out.own.respondents[:4, -1].tolist() == [0, 2, 2, 1]
    assert out.subtree.respondents[:4, -1].tolist() == [5, 3, 2, 1]


def test_favourable_shares_and_option_counts_by_hand() -> None:
    out = computed([[1.0], [2], [3], [4], [NA], [5], [1]], [1, 1, 1, 1, 1, 3, 2])
    own, subtree = out.own, out.subtree
    assert own.items.n[1, -1, 0] == 4  # the missing answer is not counted
    shares = (own.favourable[1, -1, 0], own.neutral[1, -1, 0], own.unfavourable[1, -1, 0])
    assert shares == (0.5, 0.25, 0.25)
    assert subtree.items.n[1, -1, 0] == 5
    assert subtree.unfavourable[1, -1, 0] == pytest.approx(2 / 5)
    assert subtree.favourable[0, -1, 0] == pytest.approx(3 / 6)
    columns = [value for _item, value in out.option_columns]
    assert own.options[1, -1, :].tolist() == [
        {1: 1, 2: 1, 3: 1, 4: 1, 5: 0}[value] for value in columns
    ]
    assert subtree.options[0, -1, :].tolist() == [
        {1: 2, 2: 1, 3: 1, 4: 1, 5: 1}[value] for value in columns
    ]


def test_favourable_follows_the_scale_in_the_reference_and_the_engine() -> None:
    """On a 0-4 scale (the short form) the top quarter is 3 and up, as in the engine."""
    short = ItemSpec({0: 0, 1: 1, 2: 2, 3: 3, 4: 4})
    answers: list[list[float]] = [[0.0], [1.0], [2.0], [3.0], [4.0]]
    reference = scoring.favourable_shares([float(a[0]) for a in answers], short)
    assert reference is not None and (reference.favourable, reference.unfavourable) == (0.4, 0.4)
    out = computed(answers, [1] * 5, [short])
    assert out.own.favourable[1, -1, 0] == pytest.approx(reference.favourable)
    assert out.own.unfavourable[1, -1, 0] == pytest.approx(reference.unfavourable)


def test_key_drivers_by_hand_in_the_live_computation() -> None:
    """Pearson's r of each dimension with the outcome over a unit's subtree, from 30 people
    who have both; one dimension rises with the outcome, one falls, one does not vary."""
    rng = np.random.default_rng(3)
    outcome = rng.integers(1, 6, size=40).astype(np.float64)
    answers = np.column_stack([outcome, 6 - outcome, np.full(40, 3.0), outcome]).tolist()
    answers[0][3] = NA  # the fourth dimension: one person without it
    out = computed(answers, [1] * 20 + [3] * 20, outcome="d0")
    r, n = out.drivers
    assert r[1, 0] == pytest.approx(1) and r[1, 1] == pytest.approx(-1)
    assert math.isnan(r[1, 2])  # does not vary
    assert n[1, 3] == 39 and r[1, 3] == pytest.approx(1)
    expected = np.corrcoef(np.array(answers)[1:, 0], np.array(answers)[1:, 3])[0, 1]
    assert r[1, 3] == pytest.approx(expected)
    assert math.isnan(r[3, 0])  # unit 3 alone: 20 people, fewer than 30
    assert r[out.organisation, 1] == pytest.approx(-1)


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
    # The live computation's group figure for the same people: the mean of the person
    # scores, as the reference's group score.
    out = computed([[NA if v is None else v for v in row] for row in rows], [1] * len(rows),
                   specs, parents=[-1, 0])  # fmt: skip
    persons = [None if math.isnan(s) else float(s) for s in engine]
    expected = scoring.group_score(persons)
    got = out.own.items.mean  # (per item) and the dimension of all four items:
    spec4 = Spec(
        items=[Item(f"i{c}", s, 0, False) for c, s in enumerate(specs)],
        dimensions=[("d", "mean")],
    )
    data = Data(answers, np.ones(len(rows), np.int64), np.zeros(len(rows), np.int64), [""])
    dimension = compute(spec4, data, with_organisation([-1, 0]), 1, 1).own.dimensions
    assert got.shape[-1] == 4
    mean = dimension.mean[1, -1, 0]
    assert (expected is None and math.isnan(mean)) or mean == pytest.approx(expected)
    # ...and each item's favourable share as the reference's, on the item's scale
    for column, item_spec in enumerate(specs):
        scores = [scoring.item_score(row[column], item_spec, item_spec.reverse) for row in rows]
        shares = scoring.favourable_shares(scores, item_spec)
        if shares is None:
            assert out.own.items.n[1, -1, column] == 0
        else:
            assert out.own.favourable[1, -1, column] == pytest.approx(shares.favourable)
            assert out.own.unfavourable[1, -1, column] == pytest.approx(shares.unfavourable)


def test_compare_flags_like_the_scalar_test_element_wise() -> None:
    from trivsel.engine.stats import compare

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


def test_a_group_is_not_compared_with_itself() -> None:
    """The top unit holds everyone: against the organisation (its parent) it is the same
    people, so there is no comparison (not a difference of 0); the units below have one."""
    from trivsel.engine.compute import compare_within

    # Unit 0 is the top unit; 1 and 2 below it; 3 below 1. Unit 0 has nobody of its own.
    out = computed([[3.0], [1], [4], [2], [5]], [1, 1, 3, 2, 2])
    tree = with_organisation([-1, 0, 0, 1])
    both = compare_within(out.subtree, out.subtree, "dimensions", tree)
    for against in (both.parent, both.organisation):
        value = against.value
        assert math.isnan(value[0, -1, 0])  # the top unit against the organisation: itself
        assert not math.isnan(value[1, -1, 0])  # unit 1 (3 people of 5) against the top
        assert not math.isnan(value[2, -1, 0])
