from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trivsel.keyfigures.compute import covered, rebuild
from trivsel.keyfigures.importing import import_absence, import_employment


class Command(BaseCommand):
    help = (
        "Import employment and absence spells (CSV or XLSX; every problem listed with its row "
        "and column, nothing written unless all is valid; a period imported again replaces "
        "it), then compute every unit's monthly key figures for the months they cover."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--employment", type=Path)
        parser.add_argument("--absence", type=Path)
        parser.add_argument("--period", help="the period the absence file covers, "
                            "FROM:TO as 2025-01-01:2025-12-31 (default: its first to its "
                            "last spell's start)")  # fmt: skip
        parser.add_argument("--recompute-all", action="store_true",
                            help="also recompute months older than the revisable ones, whose "
                            "figures have been shown (they change)")  # fmt: skip
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["employment"] and not options["absence"]:
            raise CommandError("Give --employment FILE, --absence FILE or both.")
        for name, reader in (("employment", import_employment), ("absence", import_absence)):
            path: Path | None = options[name]
            if path is None:
                continue
            extra = {}
            if name == "absence" and options["period"]:
                try:
                    first, last = (date.fromisoformat(d) for d in options["period"].split(":"))
                except ValueError as error:
                    raise CommandError(
                        "--period: give FROM:TO as 2025-01-01:2025-12-31."
                    ) from error
                extra["period"] = (first, last)
            result = reader(path.read_bytes(), path.name, options["dry_run"], **extra)
            if result.problems:
                for problem in result.problems:
                    self.stderr.write(str(problem))
                raise CommandError(f"{len(result.problems)} problem(s) in {path.name}: "
                                   "nothing was imported.")  # fmt: skip
            self.stdout.write(f"{path.name}: {result.written} rows ({result.replaced} replaced)")
        if options["dry_run"]:
            return
        span = covered()
        rebuilt = rebuild(everything=options["recompute_all"])
        shown = rebuilt.shown
        if rebuilt.kept:
            self.stdout.write(f"{len(rebuilt.kept)} month(s) shown before, {rebuilt.kept[0]:%Y-%m} "
                              f"to {rebuilt.kept[-1]:%Y-%m}, kept as they were "
                              "(--recompute-all recomputes them).")  # fmt: skip
        if span is not None:
            self.stdout.write(f"Monthly figures {span[0]:%Y-%m} to {span[1]:%Y-%m}: "
                              f"{shown} shown.")  # fmt: skip
