from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trivsel.results import scorefile


class Command(BaseCommand):
    help = (
        "Score a respondent-level file with the results engine and its suppression, without "
        "the database. Formats: docs/score-file-format.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--questionnaire", type=Path, required=True, help="item bank JSON")
        parser.add_argument("--responses", type=Path, required=True, help="CSV or XLSX")
        parser.add_argument("--units", type=Path, help="units file: code;parent;name")
        parser.add_argument("--unit-column", default="unit")
        parser.add_argument("--group-column")
        parser.add_argument("--min-group", type=int, default=5, help="k, 3-10")
        parser.add_argument("--min-group-sensitive", type=int, default=10)
        parser.add_argument("--output", type=Path, required=True, help=".xlsx or .csv")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 3 <= options["min_group"] <= 10:
            raise CommandError("--min-group must be from 3 to 10.")
        if options["output"].suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError("--output must end in .csv or .xlsx.")
        questionnaire = options["questionnaire"]
        try:
            data = questionnaire.read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from error
        spec, problems = scorefile.load_questionnaire(data, questionnaire.name)
        units = None
        if options["units"]:
            unit_table, unit_problems = scorefile.read(options["units"])
            problems += unit_problems
            if unit_table is not None:
                units, unit_problems = scorefile.read_units(unit_table)
                problems += unit_problems
        table, table_problems = scorefile.read(options["responses"])
        problems += table_problems
        responses = None
        if spec is not None and table is not None and not (options["units"] and units is None):
            responses, more = scorefile.read_responses(
                table,
                spec,
                options["unit_column"],
                options["group_column"],
                set(units) if units is not None else None,
            )
            problems += more
        if problems or spec is None or responses is None:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(problems)} problem(s); nothing was written.")
        try:
            rows = scorefile.score(
                spec, responses, units, options["min_group"], options["min_group_sensitive"]
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        scorefile.write(rows, options["output"])
        self.stdout.write(
            f"{len(responses.unit_codes)} respondents, {len(spec.items)} scored questions: "
            f"{len(rows)} result rows written to {options['output']}"
        )
