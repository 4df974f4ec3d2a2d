"""Benchmark of the results computation: `bench_results --employees 45000 --units 3000
--items 60`. Generates an organisation and two measurements (this year's and last year's,
with some units merged since), then times, median of several runs, everything a closed
measurement needs: every unit, own and subtree, in total and per job group; dimensions,
composite indices, items with option shares; suppression of every figure; comparisons with
the parent, the organisation, reference values and last year (through the unit mapping);
alpha and key drivers. Also times turning the outcome into result rows.

Baseline, in the same run: the straightforward way, SQL aggregation queries per unit and
scope (count, sum, sum of squares per item and per dimension's person scores, per job
group, over the unit's own respondents and over its subtree by path prefix) on an in-memory
SQLite database with indexes on unit and path. It computes less (no suppression, shares,
comparisons or drivers).
Target: under 3 s and at least 10x faster than the baseline. Nothing touches the app's
database."""

import gc
import resource
import sqlite3
import statistics
import time
import tracemalloc
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sparse
from django.core.management.base import BaseCommand, CommandParser

from trivsel.engine import vectorised
from trivsel.engine.compute import (
    Data,
    Earlier,
    Item,
    Outcome,
    Spec,
    all_comparisons,
    combine_previous,
    compute,
    with_organisation,
)
from trivsel.engine.rows import BLOCKS, Units, records

TARGET_SECONDS = 3.0
TARGET_RATIO = 10.0
JOB_GROUPS = ["Social- og sundhedshjælper", "Social- og sundhedsassistent", "Sygeplejerske",
              "Pædagog", "Lærer", "Administrativ medarbejder", "Leder", "Øvrige"]  # fmt: skip
JOB_WEIGHTS = [0.22, 0.15, 0.1, 0.16, 0.14, 0.12, 0.05, 0.06]


@dataclass(frozen=True)
class Organisation:
    parents: list[int]
    paths: list[str]
    codes: list[str]
    unit_of: np.ndarray  # per employee
    group_of: np.ndarray


def organisation(employees: int, units: int, rng: np.random.Generator) -> Organisation:
    """A municipality-like tree: 1 top, areas, departments, sections, teams (most people
    in teams), employees spread over it with job groups."""
    sizes = [1, 8, max(1, units // 50), max(1, units // 6)]
    sizes.append(max(0, units - sum(sizes)))
    parents: list[int] = []
    level_of: list[int] = []
    previous_level: list[int] = []
    for level, size in enumerate(sizes):
        start = len(parents)
        for _ in range(size):
            parents.append(int(rng.choice(previous_level)) if previous_level else -1)
            level_of.append(level)
        previous_level = list(range(start, start + size)) or previous_level
    parents, level_of = parents[:units], level_of[:units]
    paths: list[str] = []
    for unit, parent in enumerate(parents):
        paths.append((paths[parent] if parent >= 0 else "") + f"{unit:05d}/")
    weight = np.array([0.02, 0.05, 0.3, 0.6, 1.0])[np.array(level_of)]
    unit_of = rng.choice(units, size=employees, p=weight / weight.sum())
    group_of = rng.choice(len(JOB_GROUPS), size=employees, p=JOB_WEIGHTS)
    return Organisation(parents, paths, [f"U{u:05d}" for u in range(units)], unit_of, group_of)


def questionnaire(items: int) -> Spec:
    """5-point items (0/25/50/75/100) in dimensions of five, every seventh reversed, the
    last five sensitive; two composite indices; reference values for a few dimensions."""
    dimensions = max(1, items // 5)
    spec = Spec(
        dimensions=[("job_satisfaction" if d == 0 else f"dim{d:02d}", "mean")
                    for d in range(dimensions)],
        indices=[("index_a", list(range(dimensions // 2))),
                 ("index_b", list(range(dimensions // 2, dimensions)))],
        references={"job_satisfaction": 70.0, "dim01": 65.0, "index_a": 68.0},
        outcome="job_satisfaction",
    )  # fmt: skip
    scores = {1: 0.0, 2: 25.0, 3: 50.0, 4: 75.0, 5: 100.0}
    for i in range(items):
        spec.items.append(
            Item(
                f"q{i:03d}",
                vectorised.ItemSpec(scores, reverse=i % 7 == 6),
                min(i // 5, dimensions - 1),
                i >= items - 5,
            )
        )
    return spec


def responses(org: Organisation, spec: Spec, rng: np.random.Generator) -> Data:
    """85 % respond; answers 1-5 from a personal level plus noise; 3 % skipped."""
    respond = rng.random(len(org.unit_of)) < 0.85
    people = np.flatnonzero(respond)
    level = rng.normal(3.6, 0.7, size=(len(people), 1)) + rng.normal(0, 0.3, size=(1, 1))
    answers = np.clip(np.rint(level + rng.normal(0, 0.9, (len(people), len(spec.items)))), 1, 5)
    answers[rng.random(answers.shape) < 0.03] = np.nan
    units = len(org.parents) + 1
    invited = np.zeros((units, len(JOB_GROUPS)))
    np.add.at(invited, (org.unit_of, org.group_of), 1)
    return Data(answers, org.unit_of[people], org.group_of[people], list(JOB_GROUPS), invited)


Figures = tuple[np.ndarray, np.ndarray, np.ndarray]


def stored_figures(outcome: Outcome) -> dict[tuple[int, str], Figures]:
    """Last year's figures as the app stores them: n = 0 where a figure was hidden."""
    result: dict[tuple[int, str], Figures] = {}
    for part, scope in ((0, outcome.own), (1, outcome.subtree)):
        for block_name, _kind in BLOCKS:
            block = getattr(scope, block_name)
            result[(part, block_name)] = (np.where(block.visible, block.n, 0.0), block.mean,
                                          block.sd)  # fmt: skip
    return result


def everything(
    spec: Spec, data: Data, tree: Any, last_year: dict[tuple[int, str], Figures],
    parts: sparse.csr_array,
) -> tuple[Outcome, Any]:  # fmt: skip
    """What building a closed measurement's results computes (the app's `build_results`
    does the same, reading last year's figures from the stored results)."""
    outcome = compute(spec, data, tree, 5, 10)
    earlier = {
        key: combine_previous(Earlier.of(*figures), parts) for key, figures in last_year.items()
    }
    return outcome, all_comparisons(outcome, spec, earlier)


def baseline(org: Organisation, data: Data, spec: Spec) -> float:
    """Seconds for per-unit SQL aggregation on in-memory SQLite: for every unit, over its
    own respondents and over its subtree (path prefix), per job group: count, sum and sum
    of squares of every item's scores and of every dimension's person scores (the person
    scores are computed beforehand, untimed)."""
    db = sqlite3.connect(":memory:")
    db.execute("create table person (id integer primary key, unit integer, grp integer, path text)")
    db.execute("create table answer (person integer, item integer, score real)")
    db.execute("create table person_score (person integer, dimension integer, score real)")
    db.executemany(
        "insert into person values (?, ?, ?, ?)",
        ((p, int(u), int(g), org.paths[u]) for p, (u, g) in
         enumerate(zip(data.unit_of.tolist(), data.slice_of.tolist(), strict=True))),
    )  # fmt: skip
    scores = vectorised.item_scores(data.answers, [item.spec for item in spec.items])
    persons = vectorised.person_scores(
        scores, [item.dimension for item in spec.items], [rule for _k, rule in spec.dimensions]
    )
    for table, values in (("answer", scores), ("person_score", persons)):
        person, column = np.nonzero(~np.isnan(values))
        db.executemany(
            f"insert into {table} values (?, ?, ?)",
            zip(person.tolist(), column.tolist(), values[person, column].tolist(), strict=True),
        )
    db.execute("create index person_unit on person (unit)")
    db.execute("create index person_path on person (path)")
    db.execute("create index answer_person on answer (person)")
    db.execute("create index person_score_person on person_score (person)")
    db.commit()
    queries = [
        f"select x.{column}, p.grp, count(x.score), sum(x.score), sum(x.score * x.score) "
        f"from {table} x join person p on p.id = x.person where {{}} group by x.{column}, p.grp"
        for table, column in (("answer", "item"), ("person_score", "dimension"))
    ]
    start = time.perf_counter()
    for unit, path in enumerate(org.paths):
        for query in queries:
            db.execute(query.format("p.unit = ?"), (unit,)).fetchall()
            db.execute(query.format("p.path >= ? and p.path < ?"), (path, path + "~")).fetchall()
    elapsed = time.perf_counter() - start
    db.close()
    return elapsed


class Command(BaseCommand):
    help = "Time the results computation on a generated organisation (median of several runs)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--employees", type=int, default=45000)
        parser.add_argument("--units", type=int, default=3000)
        parser.add_argument("--items", type=int, default=60)
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--baseline-runs", type=int, default=3)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        rng = np.random.default_rng(options["seed"])
        org = organisation(options["employees"], options["units"], rng)
        spec = questionnaire(options["items"])
        tree = with_organisation(org.parents)
        data = responses(org, spec, rng)
        last_year = stored_figures(compute(spec, responses(org, spec, rng), tree, 5, 10))
        # Since last year, every 50th team was made from itself and its next sibling unit.
        rows, cols = list(range(len(tree))), list(range(len(tree)))
        for unit in range(len(org.parents) - 1, len(org.parents) // 2, -50):
            rows.append(unit)
            cols.append(unit - 1)
        parts = sparse.csr_array((np.ones(len(rows)), (rows, cols)), shape=(len(tree),) * 2)
        self.stdout.write(
            f"Organisation: {len(org.parents)} units (depth {int(tree.depth.max()) - 1}), "
            f"{options['employees']} employees, {len(data.unit_of)} respondents, "
            f"{len(spec.items)} items in {len(spec.dimensions)} dimensions, "
            f"{len(JOB_GROUPS)} job groups; median of {options['runs']} runs "
            f"(baseline: {options['baseline_runs']})"
        )
        times = []
        outcome = comparisons = None
        for _run in range(options["runs"]):
            gc.collect()
            start = time.perf_counter()
            outcome, comparisons = everything(spec, data, tree, last_year, parts)
            times.append(time.perf_counter() - start)
        # Peak memory of one more run, measured apart (tracing slows numpy down).
        gc.collect()
        tracemalloc.start()
        everything(spec, data, tree, last_year, parts)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert outcome is not None and comparisons is not None
        start = time.perf_counter()
        found = sum(1 for _ in records(outcome, spec, Units(org.codes, org.codes), comparisons))
        rows_time = time.perf_counter() - start
        base = [baseline(org, data, spec) for _ in range(options["baseline_runs"])]
        ours, theirs = statistics.median(times), statistics.median(base)
        shown = int(outcome.subtree.visible[:-1, -1].sum())
        self.stdout.write(
            f"  baseline: per-unit SQL (own + subtree, per group, items + dims)  "
            f"{theirs:7.2f} s  (1.0x)\n"
            f"  results: everything, all units, own and subtree, 8 groups   "
            f"{ours:7.2f} s  ({theirs / ours:5.1f}x faster than the baseline)\n"
            f"    runs: {', '.join(f'{t:.2f}' for t in times)} s\n"
            f"  turning the outcome into {found} result rows                  "
            f"{rows_time:7.2f} s\n"
            f"  units whose subtree may be shown: {shown} of {len(org.parents)}\n"
            f"  peak memory: computation {peak / 2**20:.0f} MiB traced; process "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB resident"
        )
        met = ours < TARGET_SECONDS and theirs / ours >= TARGET_RATIO
        self.stdout.write(
            f"Target: under {TARGET_SECONDS:g} s and at least {TARGET_RATIO:g}x the baseline: "
            + ("met." if met else "NOT met.")
        )
