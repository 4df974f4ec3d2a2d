"""Last time's figures on this time's units (`combine_previous`, kept sparse: only the
cells that had a figure) and the comparison with them, held to a brute force over every
unit and cell: a unit made from one earlier unit takes its figures as they were; a unit
made from several gets them pooled only where every part had one."""

import math

import numpy as np
import scipy.sparse as sparse
from hypothesis import given, settings
from hypothesis import strategies as st

from trivsel.engine.compute import Block, Earlier, combine_previous, compare_previous
from trivsel.engine.stats import welch


@st.composite
def earlier_and_parts(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    earlier_units = draw(st.integers(1, 6))
    units = draw(st.integers(1, 6))
    columns, metrics = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    shape = (earlier_units, columns, metrics)
    size = int(np.prod(shape))
    shown = draw(st.lists(st.booleans(), min_size=size, max_size=size))
    n = np.array([draw(st.integers(1, 40)) if s else 0 for s in shown], dtype=float)
    mean = np.array([draw(st.floats(0, 100)) if s else np.nan for s in shown])
    sd = np.array([draw(st.floats(0, 40)) if s and c > 1 else np.nan
                   for s, c in zip(shown, n, strict=True)])  # fmt: skip
    parts = np.zeros((units, earlier_units))
    for unit in range(units):
        for source in draw(st.sets(st.integers(0, earlier_units - 1), max_size=3)):
            parts[unit, source] = 1
    return n.reshape(shape), mean.reshape(shape), sd.reshape(shape), parts


Cell = tuple[int, int, int]
Case = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def brute_force(
    n: np.ndarray, mean: np.ndarray, sd: np.ndarray, parts: np.ndarray
) -> dict[Cell, tuple[float, float, float]]:
    """(unit, column, metric) -> (n, mean, sd) by the textbook pooling formula."""
    found: dict[Cell, tuple[float, float, float]] = {}
    for unit in range(parts.shape[0]):
        sources = np.flatnonzero(parts[unit])
        for column in range(n.shape[1]):
            for metric in range(n.shape[2]):
                cells = [(s, column, metric) for s in sources]
                if not cells or any(n[c] == 0 for c in cells):
                    continue
                if len(cells) == 1:
                    found[(unit, column, metric)] = (n[cells[0]], mean[cells[0]], sd[cells[0]])
                    continue
                total_n = sum(n[c] for c in cells)
                total = sum(n[c] * mean[c] for c in cells)
                squares = sum(
                    (n[c] - 1) * (sd[c] ** 2 if n[c] > 1 else 0) + n[c] * mean[c] ** 2
                    for c in cells
                )
                pooled_mean = total / total_n
                variance = (squares - total_n * pooled_mean**2) / (total_n - 1)
                found[(unit, column, metric)] = (
                    total_n,
                    pooled_mean,
                    math.sqrt(max(variance, 0.0)),
                )
    return found


@settings(max_examples=200, deadline=None)
@given(earlier_and_parts())
def test_last_times_figures_match_a_brute_force(case: Case) -> None:
    n, mean, sd, parts = case
    got = combine_previous(Earlier.of(n, mean, sd), sparse.csr_array(parts))
    want = brute_force(n, mean, sd, parts)
    got_n, got_mean, got_sd = got.dense()
    assert got.shape == (parts.shape[0], *n.shape[1:])
    assert {tuple(int(i) for i in np.unravel_index(c, got.shape)) for c in got.cells} == set(want)
    for cell, (w_n, w_mean, w_sd) in want.items():
        assert got_n[cell] == w_n
        assert math.isclose(got_mean[cell], w_mean, rel_tol=1e-9, abs_tol=1e-9)
        if math.isnan(w_sd):
            assert math.isnan(got_sd[cell])
        else:
            assert math.isclose(got_sd[cell], w_sd, rel_tol=1e-7, abs_tol=1e-7)
    empty = got_n == 0
    assert np.isnan(got_mean[empty]).all() and np.isnan(got_sd[empty]).all()


@settings(max_examples=100, deadline=None)
@given(earlier_and_parts(), st.randoms(use_true_random=False))
def test_the_comparison_with_last_time_is_welchs_test_on_each_shown_cell(
    case: Case, random: object
) -> None:
    n, mean, sd, parts = case
    earlier = combine_previous(Earlier.of(n, mean, sd), sparse.csr_array(parts))
    shape = earlier.shape
    rng = np.random.default_rng(random.randint(0, 2**32))  # type: ignore[attr-defined]
    now_n = rng.integers(0, 30, shape).astype(float)
    now_mean = rng.uniform(0, 100, shape)
    now_sd = rng.uniform(0, 30, shape)
    visible = (now_n >= 5) & (rng.uniform(size=shape) < 0.8)
    block = Block(now_n, now_mean, now_sd, visible)
    got = compare_previous(block, earlier)
    then_n, then_mean, then_sd = earlier.dense()
    value, p, flagged = got.value, got.p, got.flagged
    for cell in np.ndindex(*shape):
        if not visible[cell] or then_n[cell] == 0:
            assert np.isnan(value[cell]) and not flagged[cell]
            continue
        want = welch(*(float(a[cell]) for a in (now_mean, now_sd, now_n)),
                     *(float(a[cell]) for a in (then_mean, then_sd, then_n)))  # fmt: skip
        assert value[cell] == want.value
        if not np.isnan(p[cell]):  # computed where the difference could be flagged
            assert math.isclose(p[cell], want.p, rel_tol=1e-6, abs_tol=1e-12)
        assert flagged[cell] == (want.flagged if not math.isnan(want.p) else False)
