"""`manage.py load_suggested_actions FILE`: the organisation's own suggested actions (the
format of trivsel/dialogue/bundled/suggested-actions.json), shown before Trivsel's. Every
problem is reported with its path and nothing is loaded unless there is none."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trivsel.dialogue.suggestions import load_own


class Command(BaseCommand):
    help = "Load the organisation's own catalogue of suggested actions (JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{file}: {error}") from error
        try:
            count = load_own(document)
        except ValueError as problems:
            raise CommandError(f"{file}: nothing was loaded.\n{problems}") from problems
        self.stdout.write(f"Loaded {count} suggested actions.")
