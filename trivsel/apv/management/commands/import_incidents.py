from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trivsel.apv.importing import import_incidents


class Command(BaseCommand):
    help = (
        "Import earlier offensive incidents from a CSV or XLSX file (docs/apv.md): every "
        "problem is listed with its row and column, and nothing is written unless all is valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check only")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        result = import_incidents(path.read_bytes(), path.name, options["dry_run"])
        if result.problems:
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(result.problems)} problem(s): nothing was imported.")
        if options["dry_run"]:
            self.stdout.write("The file is valid; nothing was written (--dry-run).")
            return
        self.stdout.write(f"{result.added} incidents added, {result.already} already known.")
