from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trivsel.instruments.bank import dumps, export_bank, export_document
from trivsel.instruments.models import Instrument, Questionnaire


class Command(BaseCommand):
    help = "Export the item bank, some instruments or a questionnaire as JSON (trivsel.itembank/1)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--instrument", action="append", default=[], help="instrument key")
        parser.add_argument("--questionnaire", type=int, action="append", default=[], help="id")
        parser.add_argument("--output", type=Path, help="file to write; standard output without")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["instrument"] and not options["questionnaire"]:
            document = export_bank()
        else:
            instruments = list(Instrument.objects.filter(key__in=options["instrument"]))
            missing = set(options["instrument"]) - {i.key for i in instruments}
            questionnaires = list(Questionnaire.objects.filter(pk__in=options["questionnaire"]))
            if missing or len(questionnaires) != len(set(options["questionnaire"])):
                raise CommandError(f"unknown instrument or questionnaire: {sorted(missing)}")
            document = export_document(instruments, questionnaires)
        text = dumps(document)
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
