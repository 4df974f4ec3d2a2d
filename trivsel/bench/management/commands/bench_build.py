"""`bench_build`: the time from a closed measurement to every report readable, on this
database — the product's own `build_results`, step by step (reading the answers,
computing, comparing, comments, converting and writing the rows) — and the process's peak
memory. Each run builds the results of a synthetic closed measurement of the demo
questionnaire answered by N employees of the organisation (their own unit and job group,
random answers on each question's scale), compared with last year's (built the same way
first, not timed); the measurements are deleted afterwards. Printed per step: its time and
the process's peak memory during it.

Baseline, in the same run: the per-unit SQL way (one aggregation query per unit over its
subtree by path prefix: count and mean per question), timed on a sample of units and
scaled to every unit. Target (issue 12): under 30 s end to end and under 1.5 GB.
Needs `seed_demo --no-measurements` (an organisation and the demo questionnaire)."""

import os
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from trivsel.demo.management.commands.seed_demo import DEMO_QUESTIONNAIRE
from trivsel.instruments.builder import pages_of
from trivsel.instruments.models import ItemVersion, Questionnaire
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Employee, Unit
from trivsel.results.build import build_results
from trivsel.results.models import Result
from trivsel.survey.models import Answer, Response

TARGET_SECONDS, TARGET_GB = 30.0, 1.5
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss() -> int:
    """This process's resident memory now, in bytes (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


@contextmanager
def peak_memory(every: float = 0.01) -> Iterator[list[int]]:
    """The process's highest resident memory while the block runs (sampled), in bytes."""
    peak = [rss()]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(every):
            peak[0] = max(peak[0], rss())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        done.set()
        sampler.join()
        peak[0] = max(peak[0], rss())


class Command(BaseCommand):
    help = "Time the results build of a closed measurement (the product's build_results)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--responses", type=int, default=45_000)
        parser.add_argument("--runs", type=int, default=3)
        parser.add_argument("--baseline-units", type=int, default=60,
                            help="units timed for the per-unit SQL baseline")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        questionnaire = Questionnaire.objects.filter(name=DEMO_QUESTIONNAIRE).first()
        people = list(
            Employee.objects.filter(is_active=True)
            .order_by("pk")
            .values_list("unit_id", "job_group")[: options["responses"]]
        )
        if questionnaire is None or not people:
            raise CommandError("Run `seed_demo --no-measurements` first.")
        scale = [
            v for page in pages_of(questionnaire) for v in page
            if v.kind == ItemVersion.Kind.SCALE and v.scale and not v.scale.multiple
        ]  # fmt: skip
        units = Unit.objects.count()
        self.stdout.write(
            f"Results build on {connection.vendor}: {len(people)} responses, {units} units, "
            f"{len(scale)} scale questions; median of {options['runs']} runs"
        )
        totals, steps_seen, peaks, rows = [], [], [], 0
        baseline = None
        # Last year's measurement, built first and not timed: every timed build compares
        # with it, as a yearly measurement's does.
        earlier = self._measurement(questionnaire, people, scale, days_ago=365)
        build_results(earlier)
        for run in range(options["runs"]):
            measurement = self._measurement(questionnaire, people, scale)
            if baseline is None:
                baseline = self._baseline(measurement, scale, options["baseline_units"])
            marks: list[tuple[str, float]] = []
            step_peaks: list[int] = []  # the highest memory during each step

            start = time.perf_counter()
            with peak_memory() as peak:

                def mark(
                    step: str, marks: list[tuple[str, float]] = marks,
                    step_peaks: list[int] = step_peaks, peak: list[int] = peak,
                ) -> None:  # fmt: skip
                    if marks:
                        step_peaks.append(max(peak[0], rss()))
                    peak[0] = rss()  # from here on, the next step's peak
                    marks.append((step, time.perf_counter()))

                rows = build_results(measurement, mark)
            end = time.perf_counter()
            step_peaks.append(peak[0])
            peaks.append(max(step_peaks) / 1024**3)
            totals.append(end - start)
            steps = {
                step: (marks[i + 1][1] if i + 1 < len(marks) else end) - at
                for i, (step, at) in enumerate(marks)
            }
            steps_seen.append(steps)
            self.stdout.write(
                f"  run {run + 1}: {totals[-1]:6.1f} s, {peaks[-1]:.2f} GB, {rows} figures ("
                + ", ".join(
                    f"{step} {seconds:.1f} s / {top / 1024**3:.2f} GB"
                    for (step, seconds), top in zip(steps.items(), step_peaks, strict=True)
                )
                + ")"
            )
            self._delete(measurement)
        self._delete(earlier)
        median = statistics.median(totals)
        highest = max(peaks)
        per_step = {
            step: statistics.median(s.get(step, 0.0) for s in steps_seen) for step in steps_seen[0]
        }
        self.stdout.write(
            "Median: "
            + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in per_step.items())
            + f"; total {median:.1f} s; peak memory of the process during a build {highest:.2f} GB"
        )
        assert baseline is not None
        self.stdout.write(
            f"Baseline (per-unit SQL, {options['baseline_units']} units timed, scaled to "
            f"{units}): {baseline:.1f} s; the build is {baseline / median:.1f}x faster"
        )
        met = median < TARGET_SECONDS and highest < TARGET_GB
        self.stdout.write(
            f"Target: under {TARGET_SECONDS:.0f} s and under {TARGET_GB} GB: "
            + ("met" if met else "NOT met")
        )

    def _measurement(
        self, questionnaire: Questionnaire, people: list[tuple[int, str]],
        scale: list[ItemVersion], days_ago: int = 0,
    ) -> Measurement:  # fmt: skip
        now = timezone.now() - timedelta(days=days_ago)
        measurement = Measurement.objects.create(
            name="bench_build", questionnaire=questionnaire, state=Measurement.State.CLOSED,
            validation_starts=now, opens_at=now, closes_at=now, results_release_at=now,
        )  # fmt: skip
        random = (
            "random()"
            if connection.vendor == "postgresql"
            else "(abs(random()) % 1000000) / 1000000.0"
        )
        table = connection.ops.quote_name(Answer._meta.db_table)
        responses = connection.ops.quote_name(Response._meta.db_table)
        values = connection.ops.quote_name("values")
        with transaction.atomic():
            Response.objects.bulk_create(
                (Response(measurement=measurement, unit_id=unit, job_group=group,
                          submitted=True, language="da") for unit, group in people),
                batch_size=5000,
            )  # fmt: skip
            with connection.cursor() as cursor:
                for version in scale:
                    assert version.scale is not None
                    options = sorted(o["value"] for o in version.scale.options)
                    low, count = options[0], len(options)
                    cursor.execute(
                        f"INSERT INTO {table} (response_id, item_version_id, value, {values}, "
                        f"not_relevant, text) SELECT id, %s, {low} + floor({random} * {count}), "
                        f"'[]', false, '' FROM {responses} WHERE measurement_id = %s",
                        [version.pk, measurement.pk],
                    )
        return measurement

    def _baseline(self, measurement: Measurement, scale: list[ItemVersion], sample: int) -> float:
        """Per-unit SQL: for each unit, one query over its subtree's answers (count and mean
        per question); timed on `sample` units spread over the tree, scaled to all."""
        units = list(Unit.objects.order_by("path").values_list("path", flat=True))
        chosen = units[:: max(1, len(units) // sample)][:sample]
        answers = connection.ops.quote_name(Answer._meta.db_table)
        responses = connection.ops.quote_name(Response._meta.db_table)
        unit_table = connection.ops.quote_name(Unit._meta.db_table)
        versions = [v.pk for v in scale]
        marks = ", ".join(["%s"] * len(versions))
        start = time.perf_counter()
        with connection.cursor() as cursor:
            for path in chosen:
                cursor.execute(
                    f"SELECT a.item_version_id, count(a.value), avg(a.value) FROM {answers} a "
                    f"JOIN {responses} r ON r.id = a.response_id "
                    f"JOIN {unit_table} u ON u.id = r.unit_id "
                    f"WHERE r.measurement_id = %s AND u.path LIKE %s "
                    f"AND a.item_version_id IN ({marks}) GROUP BY a.item_version_id",
                    [measurement.pk, path + "%", *versions],
                )
                cursor.fetchall()
        return (time.perf_counter() - start) / len(chosen) * len(units)

    def _delete(self, measurement: Measurement) -> None:
        with transaction.atomic():
            Result.objects.filter(measurement=measurement).delete()
            Answer.objects.filter(response__measurement=measurement).delete()
            Response.objects.filter(measurement=measurement).delete()
            measurement.delete()
