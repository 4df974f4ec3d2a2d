"""Benchmark of `import_org` on a generated municipality (default 45,000 employees in
~3,000 units). Every run happens inside a transaction that is rolled back, so runs are
independent and the database is left as it was. Target: a first import under 30 s."""

import io
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from trivsel.demo import organisation as demo
from trivsel.organisation.importing.files import read_table
from trivsel.organisation.models import Unit


class _Rollback(Exception):
    pass


def timed_in_rollback(
    action: Callable[[], object], before: Callable[[], object] | None = None
) -> float:
    """Seconds `action` takes, inside a transaction rolled back afterwards."""
    elapsed = 0.0
    try:
        with transaction.atomic():
            if before is not None:
                before()
            start = time.perf_counter()
            action()
            elapsed = time.perf_counter() - start
            raise _Rollback
    except _Rollback:
        pass
    return elapsed


class Command(BaseCommand):
    help = "Time import_org on a generated organisation (median of several runs)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--employees", type=int, default=45000)
        parser.add_argument("--runs", type=int, default=3)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        if Unit.objects.exists():
            raise CommandError(
                "The organisation register is not empty. Run this against an empty database "
                "(`make bench` makes a temporary one)."
            )
        org = demo.generate(options["employees"], options["seed"])
        runs = options["runs"]
        self.stdout.write(
            f"Organisation: {len(org.units)} units, {len(org.employees)} employees; "
            f"median of {runs} runs"
        )
        with tempfile.TemporaryDirectory() as folder:
            csv_files = demo.write_files(org, Path(folder), "csv")
            xlsx_files = demo.write_files(org, Path(folder), "xlsx")

            def import_org(files: tuple[Path, Path]) -> Callable[[], object]:
                return lambda: call_command(
                    "import_org", units=files[0], employees=files[1], stdout=io.StringIO()
                )

            def read_only(files: tuple[Path, Path]) -> Callable[[], object]:
                return lambda: [read_table(path.read_bytes(), path.name) for path in files]

            figures = {
                "baseline: reading the CSV files only": [
                    timed_in_rollback(read_only(csv_files)) for _ in range(runs)
                ],
                "import_org, first import (CSV)": [
                    timed_in_rollback(import_org(csv_files)) for _ in range(runs)
                ],
                "import_org, re-import with no changes (CSV)": [
                    timed_in_rollback(import_org(csv_files), before=import_org(csv_files))
                    for _ in range(runs)
                ],
                "import_org, first import (XLSX)": [
                    timed_in_rollback(import_org(xlsx_files)) for _ in range(runs)
                ],
            }
        medians = {name: statistics.median(times) for name, times in figures.items()}
        baseline = medians["baseline: reading the CSV files only"]
        for name, median in medians.items():
            ratio = median / baseline if baseline else 0.0
            self.stdout.write(f"  {name:<46} {median:7.2f} s  ({ratio:5.1f}x the baseline)")
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"  peak memory (resident) {peak_mib:.0f} MiB")
        first = medians["import_org, first import (CSV)"]
        verdict = "meets" if first < 30 else "MISSES"
        self.stdout.write(f"First import {first:.2f} s {verdict} the target of 30 s.")
        assert not Unit.objects.exists()
