"""Benchmark of the dialogue overview on a demo municipality (`seed_demo --employees 45000`:
about 3,000 units' dialogues and 10,000 actions about last year's measurement): the median
time of the overview page through Django's whole request cycle, as HR (every unit) and as an
area chief, and its number of queries (a guard: more than QUERY_LIMIT fails the command).
Baseline in the same run: the organisation page. Target: the overview under 500 ms."""

import statistics
import time
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.urls import reverse

from trivsel.bench.clients import signed_in_client
from trivsel.dialogue.models import Action, Dialogue
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Employee, Role, RoleGrant

TARGET_SECONDS = 0.5
QUERY_LIMIT = 20


def median_seconds(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


class Command(BaseCommand):
    help = "Time the dialogue overview (median of several runs) and count its queries."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        found = Measurement.objects.filter(state=Measurement.State.RELEASED).order_by("-closes_at")
        measurement = next(
            (m for m in found if Dialogue.objects.filter(measurement=m).exists()), None
        )
        if measurement is None:
            raise CommandError("No released measurement with dialogues: run `seed_demo` first.")
        grant = RoleGrant.objects.filter(role=Role.HR_ADMIN, unit__depth=0).first()
        if grant is None:
            raise CommandError("No HR administrator on a top unit: run `seed_demo` first.")
        hr = signed_in_client(User.objects.get(pk=grant.user_id))
        chief = Employee.objects.filter(is_leader=True, unit__depth=2, user__isnull=False).first()
        runs = options["runs"]
        url = reverse("dialogue:overview", args=[measurement.pk])
        dialogues = Dialogue.objects.filter(measurement=measurement).count()
        actions = Action.objects.filter(dialogue__measurement=measurement).count()
        self.stdout.write(
            f"{measurement.name}: {dialogues} dialogues, {actions} actions; median of {runs} runs"
        )

        def get(client: Any, address: str) -> Callable[[], object]:
            def run() -> object:
                response = client.get(address)
                assert response.status_code == 200, (address, response.status_code)
                return response

            return run

        get(hr, url)()  # warm: templates, caches
        queries: list[str] = []

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            get(hr, url)()
        baseline = median_seconds(get(hr, reverse("organisation:tree")), runs)
        overview = median_seconds(get(hr, url), runs)
        self.stdout.write(f"  baseline (organisation page, HR): {baseline * 1000:.0f} ms")
        self.stdout.write(
            f"  overview, HR, every unit: {overview * 1000:.0f} ms "
            f"({overview / baseline:.1f}x baseline), {len(queries)} queries"
        )
        if chief is not None and chief.user is not None:
            area = signed_in_client(chief.user)
            get(area, url)()
            self.stdout.write(
                f"  overview, area chief ({chief.unit.name}): "
                f"{median_seconds(get(area, url), runs) * 1000:.0f} ms"
            )
        verdict = "met" if overview < TARGET_SECONDS else "NOT met"
        self.stdout.write(f"  target: the overview under {TARGET_SECONDS * 1000:.0f} ms: {verdict}")
        if len(queries) > QUERY_LIMIT:
            raise CommandError(f"The overview made {len(queries)} queries (limit {QUERY_LIMIT}).")
