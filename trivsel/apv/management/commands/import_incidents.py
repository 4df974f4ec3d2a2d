from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trivsel.apv.importing import import_apvs, import_incidents


class Command(BaseCommand):
    help = (
        "Import earlier offensive incidents (or, with --apvs, earlier APVs) from a CSV or XLSX "
        "file (docs/apv.md): every "
        "problem is listed with its row and column, and nothing is written unless all is valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check only")
        parser.add_argument(
            "--apvs", action="store_true",
            help="the file holds earlier APVs (unit code, date approved, where it is kept)",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        reader = import_apvs if options["apvs"] else import_incidents
        result = reader(path.read_bytes(), path.name, options["dry_run"])
        if result.problems:
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(result.problems)} problem(s): nothing was imported.")
        if options["dry_run"]:
            self.stdout.write("The file is valid; nothing was written (--dry-run).")
            return
        what = "APVs" if options["apvs"] else "incidents"
        self.stdout.write(f"{result.added} {what} added, {result.already} already known.")
