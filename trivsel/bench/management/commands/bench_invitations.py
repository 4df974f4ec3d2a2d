"""Benchmark: open a measurement for the whole organisation and send every invitation to
the file e-mail backend, then run the job again (it must send nothing). Run it on a
database with the full-size demo (`make bench-invitations` builds one)."""

import logging
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.test import override_settings
from django.utils import timezone

from trivsel.cycle.lifecycle import create_measurement, open_measurement
from trivsel.demo.management.commands.seed_demo import DEMO_QUESTIONNAIRE
from trivsel.instruments.models import Questionnaire
from trivsel.organisation.models import Unit
from trivsel.survey.models import SendJob
from trivsel.survey.sending import run_send_job


class Command(BaseCommand):
    help = "Time sending invitations to everyone in the organisation (file e-mail backend)."

    def handle(self, *args: Any, **options: Any) -> None:
        logging.getLogger("trivsel.sms").setLevel(logging.WARNING)
        questionnaire = Questionnaire.objects.filter(name=DEMO_QUESTIONNAIRE).first()
        roots = list(Unit.objects.filter(parent=None, valid_to=None))
        if questionnaire is None or not roots:
            raise CommandError("Run seed_demo first (make bench-invitations does).")
        now = timezone.now()
        measurement = create_measurement(
            units=roots, name=f"Benchmark {now:%Y-%m-%d %H:%M:%S}", questionnaire=questionnaire,
            validation_starts=now, opens_at=now, closes_at=now + timedelta(days=21),
            results_release_at=now + timedelta(days=22),
        )  # fmt: skip
        start = time.perf_counter()
        participants = open_measurement(measurement)
        opened = time.perf_counter() - start
        with (
            tempfile.TemporaryDirectory() as folder,
            override_settings(
                EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
                EMAIL_FILE_PATH=folder,
            ),
        ):
            start = time.perf_counter()
            first = run_send_job(
                SendJob.objects.create(measurement=measurement, kind="invitations")
            )
            first_seconds = time.perf_counter() - start
            start = time.perf_counter()
            second = run_send_job(
                SendJob.objects.create(measurement=measurement, kind="invitations")
            )
            second_seconds = time.perf_counter() - start
            mail_bytes = sum(path.stat().st_size for path in Path(folder).iterdir())
        self.stdout.write(f"Opened for {participants} participants in {opened:.1f} s")
        self.stdout.write(
            f"First run: {first.done} invitations in {first_seconds:.1f} s "
            f"({first.by_email} e-mail, {first.by_sms} SMS, {first.need_letter} need a letter; "
            f"{mail_bytes / 1e6:.1f} MB of mail written)"
        )
        self.stdout.write(f"Second run: {second.done} sent in {second_seconds:.2f} s")
        verdict = "meets" if first_seconds < 120 and second.done == 0 else "MISSES"
        self.stdout.write(f"{verdict} the target: under 2 minutes, and nothing sent twice.")
