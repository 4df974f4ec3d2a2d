"""The whole computation on a tiny organisation, worked by hand: composite index person
scores with the half rule, option shares, favourable shares, invited and respondents rolled
up, comparisons with the parent, the organisation and a reference value (from unrounded
values, flagged by Welch's test), and the records that come out."""

import math

import numpy as np
import pytest

from trivsel.engine import vectorised
from trivsel.engine.compute import Data, Item, Spec, all_comparisons, compute, with_organisation
from trivsel.engine.rows import Units, records
from trivsel.engine.stats import welch

NA = np.nan
FIVE = {1: 0.0, 2: 25.0, 3: 50.0, 4: 75.0, 5: 100.0}


def tiny() -> tuple[Spec, Data, Units]:
    spec = Spec(
        items=[Item(f"q{i}", vectorised.ItemSpec(FIVE), i // 2, False) for i in range(4)],
        dimensions=[("d0", "mean"), ("d1", "mean")],
        indices=[("both", [0, 1])],
        references={"d0": 50.0},
    )
    answers = np.array([
        [5, 5, 1, 1],    # A: d0 100, d1 0, index 50
        [4, 4, 2, 2],    # A: 75, 25, 50
        [5, NA, 3, 3],   # A: 100 (1 of 2 answered is half), 50, 75
        [3, 3, NA, NA],  # A: 50, none, index 50 (1 of 2 parts)
        [1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1],  # B: all 0
    ], dtype=np.float64)  # fmt: skip
    data = Data(
        answers=answers,
        unit_of=np.array([1, 1, 1, 1, 2, 2, 2, 2]),
        slice_of=np.zeros(8, dtype=np.int64),
        slices=["nurse"],
        invited=np.array([[0.0], [5], [6], [0]]),
    )
    return spec, data, Units(["R", "A", "B"], ["Root", "Unit A", "Unit B"])


def test_everything_by_hand() -> None:
    spec, data, units = tiny()
    tree = with_organisation([-1, 0, 0])  # R above A and B; the organisation above R
    outcome = compute(spec, data, tree, k=3, k_sensitive=3)
    sub = outcome.subtree
    everyone = -1
    assert sub.respondents[:, everyone].tolist() == [8, 4, 4, 8]
    assert sub.invited[:, everyone].tolist() == [11, 5, 6, 11]
    assert sub.dimensions.mean[1, everyone, 0] == pytest.approx((100 + 75 + 100 + 50) / 4)
    assert sub.dimensions.n[1, everyone, 1] == 3  # one person has no d1 score
    assert sub.indices.mean[1, everyone, 0] == pytest.approx((50 + 50 + 75 + 50) / 4)
    assert sub.dimensions.mean[0, everyone, 0] == pytest.approx(325 / 8)
    # q0 in A: answers 5, 4, 5, 3.
    assert sub.favourable[1, everyone, 0] == pytest.approx(0.75)
    assert sub.unfavourable[1, everyone, 0] == pytest.approx(0.0)
    assert sub.neutral[1, everyone, 0] == pytest.approx(0.25)
    q0 = {value: column for column, (item, value) in enumerate(outcome.option_columns)
          if item == 0}  # fmt: skip
    assert {v: sub.options[1, everyone, c] for v, c in q0.items()} == {1: 0, 2: 0, 3: 1, 4: 1, 5: 2}
    comparisons = all_comparisons(outcome, spec)
    a_scores = [100.0, 75, 100, 50]
    r_scores = [*a_scores, 0, 0, 0, 0]
    expected = welch(
        float(np.mean(a_scores)), float(np.std(a_scores, ddof=1)), 4,
        float(np.mean(r_scores)), float(np.std(r_scores, ddof=1)), 8,
    )  # fmt: skip
    parent = comparisons[(1, "dimensions")]["parent"]
    assert parent.value[1, everyone, 0] == pytest.approx(81.25 - 40.625)
    assert parent.p[1, everyone, 0] == pytest.approx(expected.p)
    assert bool(parent.flagged[1, everyone, 0]) == expected.flagged
    reference = comparisons[(1, "dimensions")]["reference"]
    assert reference.value[1, everyone, 0] == pytest.approx(81.25 - 50)
    assert math.isnan(reference.value[1, everyone, 1])  # d1 has no reference value

    rows = list(records(outcome, spec, units, comparisons))
    a_d0 = next(r for r in rows if r["unit"] == "A" and r["scope"] == "subtree"
                and r["group"] == "" and r["metric"] == "d0")  # fmt: skip
    assert a_d0["n"] == 4 and a_d0["vs_parent"] == pytest.approx(40.625)
    assert a_d0["vs_reference"] == pytest.approx(31.25)
    a_q0 = next(r for r in rows if r["unit"] == "A" and r["scope"] == "subtree"
                and r["group"] == "" and r["metric"] == "q0")  # fmt: skip
    assert a_q0["options"] == {"1": 0.0, "2": 0.0, "3": 0.25, "4": 0.25, "5": 0.5}
    organisation = next(r for r in rows if r["unit"] == "*" and r["kind"] == "respondents")
    assert organisation["n"] == 8 and organisation["invited"] == 11
    assert "vs_parent" not in next(r for r in rows if r["unit"] == "*" and r["metric"] == "d0")
    # The one group "nurse" holds everyone: shown, with the same figures as everyone.
    # (Groups are published for the whole organisation.)
    nurses = next(r for r in rows if r["unit"] == "*" and r["scope"] == "all"
                  and r["group"] == "nurse" and r["metric"] == "d0")  # fmt: skip
    everyone_d0 = next(r for r in rows if r["unit"] == "*" and r["group"] == ""
                       and r["metric"] == "d0")  # fmt: skip
    assert nurses["score"] == pytest.approx(everyone_d0["score"]) == pytest.approx(40.625)


def test_favourable_shares_follow_each_scale() -> None:
    """On a 0-4 scale (the short form) favourable is 3-4 and unfavourable 0-1, as 75-100
    and 0-25 are on a 0-100 scale: the top and bottom two of five answers."""
    short = {v: float(v) for v in range(5)}
    spec = Spec(items=[Item("s", vectorised.ItemSpec(short), -1, False)])
    data = Data(
        answers=np.array([[4.0], [3], [2], [1], [0]]),
        unit_of=np.zeros(5, dtype=np.int64),
        slice_of=np.zeros(5, dtype=np.int64),
        slices=["x"],
    )
    outcome = compute(spec, data, with_organisation([-1]), k=3, k_sensitive=3)
    assert outcome.subtree.favourable[0, -1, 0] == pytest.approx(2 / 5)
    assert outcome.subtree.unfavourable[0, -1, 0] == pytest.approx(2 / 5)
    assert outcome.subtree.neutral[0, -1, 0] == pytest.approx(1 / 5)


@pytest.mark.parametrize("seed", range(12))
def test_the_build_without_own_figures_shows_exactly_the_same(seed: int) -> None:
    """The app's build leaves out the units' own figures (never shown) to save memory:
    every record, comparisons included, is the same as from the full computation."""
    rng = np.random.default_rng(seed)
    units = int(rng.integers(2, 25))
    parents = [-1] + [int(rng.integers(0, u)) for u in range(1, units)]
    people = int(rng.integers(20, 300))
    items = int(rng.integers(1, 7))
    spec = Spec(
        items=[Item(f"q{i}", vectorised.ItemSpec(FIVE), i % 2 if i < 4 else -1, i == 5)
               for i in range(items)],
        dimensions=[("d0", "mean"), ("d1", "sum")][: min(2, items)],
        indices=[("both", [0, 1])] if items >= 2 else [],
        references={"d0": 50.0},
    )  # fmt: skip
    answers = rng.integers(1, 6, size=(people, items)).astype(np.float64)
    answers[rng.random((people, items)) < 0.1] = np.nan
    slices = ["", "nurse", "helper"][: int(rng.integers(1, 4))]
    data = Data(
        answers=answers,
        unit_of=rng.integers(0, units, people),
        slice_of=rng.integers(0, len(slices), people),
        slices=slices,
        invited=np.full((units + 1, len(slices)), 3.0),
    )
    tree = with_organisation(parents)
    names = Units([f"U{u}" for u in range(units)], [f"Unit {u}" for u in range(units)])
    full = compute(spec, data, tree, k=3, k_sensitive=5)
    lean = compute(spec, data, tree, k=3, k_sensitive=5, own_figures=False)
    assert lean.own.items.n.shape[2] == 0  # the own figures are not kept
    expected = list(records(full, spec, names, all_comparisons(full, spec)))
    got = list(records(lean, spec, names, all_comparisons(lean, spec)))
    assert got == expected and any(r["kind"] == "item" for r in expected)
