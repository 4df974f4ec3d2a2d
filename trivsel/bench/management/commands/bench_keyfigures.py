"""Benchmark of the key-figure import and the monthly figures (issue 19): a generated
municipality of 45,000 employees is imported once (not timed), then twelve months of its
employment and absence files (~500,000 spells) are imported with the product's own import
functions and every unit's monthly figures computed with the product's own rebuild, each
run inside a transaction that is rolled back. The baseline is reading the same two files
in the same run. Targets: the import under 60 s, the monthly figures under 5 s."""

import io
import resource
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from trivsel.demo import organisation as demo
from trivsel.demo.keyfigures import payroll
from trivsel.keyfigures.compute import rebuild
from trivsel.keyfigures.figures import add_months
from trivsel.keyfigures.importing import import_absence, import_employment
from trivsel.keyfigures.models import MonthFigure, Spell
from trivsel.organisation.importing.files import read_table
from trivsel.organisation.models import Employee, Unit


class _Rollback(Exception):
    pass


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "Time the key-figure import and monthly figures (median of several runs)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--employees", type=int, default=45000)
        parser.add_argument("--spells-a-year", type=float, default=20.0)
        parser.add_argument("--runs", type=int, default=3)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        if Unit.objects.exists():
            raise CommandError("Run this against an empty database (`make bench-keyfigures` "
                               "makes a temporary one).")  # fmt: skip
        org = demo.generate(options["employees"], options["seed"])
        with tempfile.TemporaryDirectory() as folder:
            units, employees = demo.write_files(org, Path(folder), "csv")
            call_command("import_org", units=units, employees=employees, stdout=io.StringIO())
        people = list(Employee.objects.filter(is_active=True).order_by("number")
                      .values_list("number", "unit__code"))  # fmt: skip
        first = date(2025, 1, 1)
        employment, absence = payroll(people, options["seed"], first, add_months(first, 12),
                                      options["spells_a_year"])  # fmt: skip
        runs = options["runs"]
        spells = absence.count(b"\n") - 1
        self.stdout.write(
            f"Organisation: {Unit.objects.count()} units, {len(people)} employees; "
            f"{spells} spells and {len(people)} employments over 12 months "
            f"({len(absence) / 2**20:.0f} MiB); median of {runs} runs"
        )
        before = _peak_mib()
        reading, importing, computing, shown = [], [], [], 0
        for _run in range(runs):
            start = time.perf_counter()
            read_table(employment, "ansatte.csv")
            read_table(absence, "fravær.csv")
            reading.append(time.perf_counter() - start)
        for _run in range(runs):
            try:
                with transaction.atomic():
                    start = time.perf_counter()
                    files = ((import_employment, employment, "ansatte.csv"),
                             (import_absence, absence, "fravær.csv"))  # fmt: skip
                    for reader, data, name in files:
                        result = reader(data, name)
                        if result.problems:
                            raise CommandError(f"{name}: {result.problems[:3]}")
                    importing.append(time.perf_counter() - start)
                    assert Spell.objects.count() == spells
                    start = time.perf_counter()
                    shown = rebuild().shown
                    computing.append(time.perf_counter() - start)
                    months = MonthFigure.objects.count()
                    raise _Rollback
            except _Rollback:
                pass
        baseline = statistics.median(reading)
        figures = {
            "baseline: reading the two files only": baseline,
            "import (employment and absence, validated and written)": statistics.median(importing),
            "every unit's monthly figures (computed and stored)": statistics.median(computing),
        }
        for name, median in figures.items():
            self.stdout.write(f"  {name:<56} {median:7.2f} s  ({median / baseline:5.1f}x the "
                              "baseline)")  # fmt: skip
        self.stdout.write(f"  {months} unit-months stored, {shown} shown")
        self.stdout.write(f"  peak memory (resident) {_peak_mib():.0f} MiB "
                          f"({before:.0f} MiB before the timed runs)")  # fmt: skip
        for name, target in (("import", 60), ("monthly figures", 5)):
            median = figures[next(key for key in figures if key.startswith(
                "import" if name == "import" else "every"))]  # fmt: skip
            verdict = "meets" if median < target else "MISSES"
            self.stdout.write(f"The {name}: {median:.2f} s {verdict} the target of {target} s.")
