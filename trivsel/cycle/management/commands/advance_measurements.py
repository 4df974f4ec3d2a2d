import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from trivsel.cycle.lifecycle import advance_by_clock


class Command(BaseCommand):
    help = "Move measurements along their timelines (the clock). With --every, keep running."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=int, help="seconds between runs; once without it")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            for measurement, outcome in advance_by_clock():
                self.stdout.write(f"{measurement.pk} {measurement.name}: {outcome}")
            if not options["every"]:
                return
            time.sleep(options["every"])
