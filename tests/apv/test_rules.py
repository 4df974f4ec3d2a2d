"""The APV's and the incident register's rules: the three-year clock with its warnings, the
EASY deadline with the dated threshold, and incident counts checked against the exact audit
(no set of 1 to k − 1 incidents can be worked out from what is shown)."""

import os
from datetime import date

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from trivsel.apv.rules import add_years, apv_due, apv_status, easy_deadline, easy_threshold
from trivsel.apv.statistics import KINDS, METRICS, SOURCES, decide
from trivsel.engine.audit import audit

EXAMPLES = int(os.environ.get("TRIVSEL_PROPERTY_EXAMPLES", "300"))
TODAY_RULE = [(date(2000, 1, 1), 1)]
PROPOSED = [(date(2000, 1, 1), 1), (date(2026, 7, 1), 3)]  # L 31 (2025-26), as configured


def test_the_apv_is_due_three_years_after_its_approval() -> None:
    assert apv_due(date(2023, 3, 15)) == date(2026, 3, 15)
    assert add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)
    approved = date(2023, 3, 15)
    assert apv_status(approved, False, False, date(2025, 12, 1)).status == "approved"
    ninety = apv_status(approved, False, False, date(2025, 12, 15))
    assert (ninety.status, ninety.warning) == ("due_soon", 90)
    thirty = apv_status(approved, False, False, date(2026, 2, 13))
    assert (thirty.status, thirty.warning) == ("due_soon", 30)
    assert apv_status(approved, False, False, date(2026, 3, 15)).status == "due_soon"
    assert apv_status(approved, False, False, date(2026, 3, 16)).status == "overdue"
    assert apv_status(approved, False, True, date(2025, 1, 1)).status == "revision_needed"
    assert apv_status(None, False, False, date(2025, 1, 1)).status == "none"
    assert apv_status(None, True, False, date(2025, 1, 1)).status == "in_progress"


def test_the_easy_deadline_with_the_dated_threshold() -> None:
    # Injury Monday 2 June 2025, absent from 3 June: report by 17 June 2025.
    assert easy_deadline(date(2025, 6, 2), date(2025, 6, 3), 1, TODAY_RULE) == date(2025, 6, 17)
    assert easy_deadline(date(2025, 6, 2), None, 0, TODAY_RULE) is None  # no absence
    # The proposed rule: from 1 July 2026, three days beyond the day of injury.
    assert easy_threshold(date(2026, 6, 30), PROPOSED) == 1
    assert easy_threshold(date(2026, 7, 1), PROPOSED) == 3
    assert easy_deadline(date(2026, 6, 30), date(2026, 7, 1), 1, PROPOSED) == date(2026, 7, 15)
    assert easy_deadline(date(2026, 7, 6), date(2026, 7, 7), 2, PROPOSED) is None
    assert easy_deadline(date(2026, 7, 6), date(2026, 7, 7), 3, PROPOSED) == date(2026, 7, 21)


@st.composite
def registers(draw: st.DrawFn) -> tuple[list[int], list[tuple[int, int, int]], int]:
    """1-7 units up to depth 3, 0-14 incidents each of a kind and a source, k 3 or 5."""
    units = draw(st.integers(min_value=1, max_value=7))
    parents, depth = [-1], [0]
    for _ in range(units - 1):
        parent = draw(st.sampled_from([-1, *[u for u, d in enumerate(depth) if d < 2]]))
        parents.append(parent)
        depth.append(0 if parent < 0 else depth[parent] + 1)
    incidents = draw(st.lists(
        st.tuples(st.integers(0, len(parents) - 1), st.integers(0, len(KINDS) - 1),
                  st.integers(0, len(SOURCES) - 1)), max_size=14,
    ))  # fmt: skip
    return parents, incidents, draw(st.sampled_from([3, 5]))


@settings(max_examples=EXAMPLES, deadline=None)
@given(registers())
def test_no_small_number_of_incidents_can_be_worked_out(
    register: tuple[list[int], list[tuple[int, int, int]], int],
) -> None:
    parents, incidents, k = register
    own = np.zeros((len(parents), len(METRICS)), dtype=np.int64)
    cross = np.zeros((len(parents), len(KINDS), len(SOURCES)), dtype=np.int64)
    atoms: dict[tuple[int, int, int], int] = {}
    for unit, kind, source in incidents:
        cross[unit, kind, source] += 1
        own[unit, 0] += 1
        own[unit, 1 + kind] += 1
        own[unit, 1 + len(KINDS) + source] += 1
        atoms[(unit, kind, source)] = atoms.get((unit, kind, source), 0) + 1
    shown = decide(own, parents, k, cross)
    keys = list(atoms)

    def below(unit: int, top: int) -> bool:
        while unit >= 0:
            if unit == top:
                return True
            unit = parents[unit]
        return False

    cells = []
    for top in range(len(parents)):
        for m, metric in enumerate(METRICS):
            if not shown[top, m]:
                continue
            cells.append(frozenset(
                number for number, (unit, kind, source) in enumerate(keys)
                if below(unit, top) and (
                    metric == "all" or metric == f"kind:{KINDS[kind]}"
                    or metric == f"source:{SOURCES[source]}"
                )
            ))  # fmt: skip
    for cell in cells:  # a kind none of the incidents had may say 0: it is no one
        assert sum(atoms[keys[a]] for a in cell) == 0 or sum(atoms[keys[a]] for a in cell) >= k
    assert audit(cells, [atoms[key] for key in keys], k) is None


def test_breakdowns_are_shown_where_they_give_no_one_away() -> None:
    """One unit: 6 incidents, 5 violence by citizens and 1 threat by a colleague. The total
    is shown; the kinds would give the threat away (6 − 5), so neither breakdown is shown.
    With 6 and 5, every block is none or at least k, so both are. A unit below holding 5 of
    the violence leaves 1 violence above it: the unit above shows its total only."""
    own = np.zeros((1, len(METRICS)), dtype=np.int64)
    cross = np.zeros((1, len(KINDS), len(SOURCES)), dtype=np.int64)
    cross[0, 0, 0], cross[0, 1, 1] = 5, 1
    own[0, 0] = 6
    shown = decide(own, [-1], 5, cross)
    assert shown[0, 0] and not shown[0, 1:].any()
    # 6 violence by citizens and 5 threats by colleagues: every block is 0 or at least 5
    cross[0, 0, 0], cross[0, 1, 1] = 6, 5
    own[0, 0] = 11
    assert decide(own, [-1], 5, cross)[0].all()
    # a second unit below with 5 of the violence: its remainder above keeps 1 violence
    both = np.zeros((2, len(METRICS)), dtype=np.int64)
    both[0, 0], both[1, 0] = 6, 5
    split = np.zeros((2, len(KINDS), len(SOURCES)), dtype=np.int64)
    split[0, 0, 0], split[0, 1, 1], split[1, 0, 0] = 1, 5, 5
    shown = decide(both, [-1, 0], 5, split)
    assert shown[:, 0].all() and not shown[0, 1:].any() and shown[1, 1:].all()
