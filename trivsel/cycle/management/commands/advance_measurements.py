import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from trivsel.core.audit import Actor, acting, record_setting_changes
from trivsel.core.clock import Step
from trivsel.core.clock import steps as clock_steps
from trivsel.core.jobs import recover_stale_jobs
from trivsel.core.retention import run_retention
from trivsel.cycle.lifecycle import advance_by_clock

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "The clock: put background jobs whose worker died back on the queue, move "
        "measurements along their timelines, and delete personal data past its retention. "
        "With --every, keep running until SIGTERM or SIGINT; an error is logged and the next "
        "round goes on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=int, help="seconds between runs; once without it")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        if options["every"]:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
        while not stop.is_set():
            self.tick()
            if not options["every"]:
                return
            stop.wait(options["every"])
            close_old_connections()  # before the next round: one that went away meanwhile
        self.stdout.write("Stopped.")

    def tick(self) -> None:
        """One round; whatever fails is logged, and the rest of the round still runs."""
        with acting(Actor(name="clock")):  # what the clock does is the clock's in the audit log
            self._steps()

    def _steps(self) -> None:
        registered = [_registered(name, step) for name, step in clock_steps()]
        rounds: list[Callable[[], Any]] = [
            recover_stale_jobs, record_setting_changes, advance_by_clock, *registered,
            run_retention,
        ]  # fmt: skip
        for step in rounds:
            try:
                for line in step():
                    if isinstance(line, tuple):
                        measurement, outcome = line
                        line = f"{measurement.pk} {measurement.name}: {outcome}"
                    self.stdout.write(str(line))
            except Exception:
                logger.exception("The clock's %s failed; it goes on", step.__name__)


def _registered(name: str, step: Step) -> Callable[[], list[str]]:
    def run() -> list[str]:
        return list(step(timezone.now()))

    run.__name__ = name
    return run
