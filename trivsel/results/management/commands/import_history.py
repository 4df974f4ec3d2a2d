import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trivsel.results import history, scorefile
from trivsel.results.build import build_results


class Command(BaseCommand):
    help = (
        "Create a closed past measurement from a previous vendor's respondent-level export, "
        "so this year's results compare with it. Format: docs/history-import-format.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--questionnaire", type=Path, required=True, help="item bank JSON")
        parser.add_argument("--responses", type=Path, required=True, help="CSV or XLSX")
        parser.add_argument("--units-column", default="unit", help="the unit code column")
        parser.add_argument("--group-column", help="a background column, e.g. job_group")
        parser.add_argument("--name", required=True, help='e.g. "Trivselsmåling 2025"')
        parser.add_argument(
            "--closed-on", type=datetime.date.fromisoformat, required=True, help="YYYY-MM-DD"
        )
        parser.add_argument("--dry-run", action="store_true", help="check only")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            document = options["questionnaire"].read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from error
        table, problems = scorefile.read(options["responses"])
        spec = responses = None
        if table is not None:
            spec, responses, problems = history.check(
                document, options["questionnaire"].name, table, options["units_column"],
                options["group_column"],
            )  # fmt: skip
        if problems or spec is None or responses is None:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(problems)} problem(s); nothing was imported.")
        if options["dry_run"]:
            self.stdout.write(
                f"{len(responses.unit_codes)} respondents in "
                f"{len(set(responses.unit_codes))} units: no problems (dry run, nothing written)."
            )
            return
        try:
            imported = history.import_history(
                document, spec, responses, options["name"], options["closed_on"]
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        rows = build_results(imported.measurement)
        self.stdout.write(
            f"Imported “{imported.measurement.name}” (measurement {imported.measurement.pk}, "
            f"closed {options['closed_on']}): {imported.responses} respondents, "
            f"{imported.answers} answers; {rows} result rows built."
        )
