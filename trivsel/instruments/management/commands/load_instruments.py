from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trivsel.instruments.bank import BankRejected, import_document, load_bundled, parse_json


class Command(BaseCommand):
    help = (
        "Load the bundled item bank, or an item-bank JSON file (trivsel.itembank/1): e.g. the "
        "official NFA/COPSOQ wording an organisation holds, or reference values. Loading the "
        "same content twice changes nothing; nothing is loaded unless the file is valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, help="a JSON file; without it, the bundled bank")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["file"] is None:
                created = load_bundled()
            else:
                created = import_document(parse_json(options["file"].read_bytes()))
        except BankRejected as rejected:
            for problem in rejected.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(rejected.problems)} problem(s); nothing was loaded."
            ) from None
        self.stdout.write("New: " + ", ".join(f"{n} {kind}" for kind, n in created.items()))
