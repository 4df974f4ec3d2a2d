"""`bench_seal`: how long the seal after close takes (trivsel/survey/sealing.py `seal`: the
responses generalised and written again in random order with their answers, then the old
row versions vacuumed), on a synthetic closed measurement of N responses × M answers in
this database, spread over its units. Prints the median of several runs; each run builds
the measurement afresh and deletes it afterwards. Needs an organisation and the item bank
(e.g. after `seed_demo --no-measurements`)."""

import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from trivsel.instruments.models import ItemVersion, Questionnaire
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
from trivsel.survey.models import Answer, Response
from trivsel.survey.sealing import seal


class Command(BaseCommand):
    help = "Time the seal of a closed measurement's responses (the product's `seal`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--responses", type=int, default=45_000)
        parser.add_argument("--answers", type=int, default=80, help="answers per response")
        parser.add_argument("--runs", type=int, default=3)

    def handle(self, *args: Any, **options: Any) -> None:
        units = list(Unit.objects.values_list("pk", flat=True))
        versions = list(ItemVersion.objects.order_by("pk").values_list("pk", flat=True))
        questionnaire = Questionnaire.objects.first()
        if not units or questionnaire is None or len(versions) < options["answers"]:
            raise CommandError("Needs an organisation, a questionnaire and enough questions.")
        times = []
        for run in range(options["runs"]):
            measurement = self._measurement(questionnaire, units, versions[: options["answers"]],
                                            options["responses"])  # fmt: skip
            answers = Answer.objects.filter(response__measurement=measurement).count()
            start = time.perf_counter()
            seal(measurement, set())
            times.append(time.perf_counter() - start)
            self.stdout.write(f"run {run + 1}: {answers} answers sealed in {times[-1]:.1f} s")
            self._delete(measurement)
        self.stdout.write(
            f"{connection.vendor}: {options['responses']} responses × {options['answers']} "
            f"answers, seal median {statistics.median(times):.1f} s "
            f"(min {min(times):.1f}, max {max(times):.1f})"
        )

    def _measurement(
        self, questionnaire: Questionnaire, units: list[int], versions: list[int], count: int
    ) -> Measurement:
        now = timezone.now()
        measurement = Measurement.objects.create(
            name="bench_seal", questionnaire=questionnaire, state=Measurement.State.CLOSED,
            validation_starts=now, opens_at=now, closes_at=now, results_release_at=now,
        )  # fmt: skip
        with transaction.atomic():
            Response.objects.bulk_create(
                (Response(measurement=measurement, unit_id=units[n % len(units)],
                          job_group="", submitted=True, language="da")
                 for n in range(count)),
                batch_size=5000,
            )  # fmt: skip
            random = "floor(random() * 5)" if connection.vendor == "postgresql" else (
                "abs(random()) % 5"
            )  # fmt: skip
            table = connection.ops.quote_name(Answer._meta.db_table)
            values = connection.ops.quote_name("values")
            with connection.cursor() as cursor:
                for version in versions:
                    cursor.execute(
                        f"INSERT INTO {table} (response_id, item_version_id, value, {values}, "
                        f"not_relevant, text) SELECT id, %s, {random}, '[]', false, '' "
                        f"FROM {connection.ops.quote_name(Response._meta.db_table)} "
                        f"WHERE measurement_id = %s",
                        [version, measurement.pk],
                    )
        return measurement

    def _delete(self, measurement: Measurement) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            responses = connection.ops.quote_name(Response._meta.db_table)
            cursor.execute(
                f"DELETE FROM {connection.ops.quote_name(Answer._meta.db_table)} WHERE "
                f"response_id IN (SELECT id FROM {responses} WHERE measurement_id = %s)",
                [measurement.pk],
            )
            cursor.execute(f"DELETE FROM {responses} WHERE measurement_id = %s", [measurement.pk])
            measurement.delete()
