"""Benchmark of the reports on a demo municipality (`seed_demo --employees 45000`): the
median time of the unit report page, the heatmap (3 and 8 levels) and its Excel file at 8
levels, the unit's Excel file and the all-units Excel and CSV files (through Django's whole
request cycle, as HR) and of one PDF, for a department and for the whole municipality, and
the time to render every unit's PDF (the bulk job's work, on every core as the job does it).
Baseline in the same run: the unit page of the organisation browser. Targets: unit report
page under 300 ms, the heatmap at 8 levels under 1 s, one PDF under 2 s, all PDFs under 30
minutes, the all-units Excel under 30 s. Nothing is written."""

import statistics
import time
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.loader import render_to_string
from django.urls import reverse

from trivsel.bench.clients import signed_in_client
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Role, RoleGrant, Unit
from trivsel.reports.bundles import render_pdfs, units_with_results
from trivsel.reports.charts import report_context
from trivsel.reports.content import unit_report
from trivsel.reports.models import PdfBundle
from trivsel.reports.pdf import unit_report_pdf
from trivsel.results.read import forget_scores


def median_seconds(action: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


class Command(BaseCommand):
    help = "Time the unit report page, one PDF and every unit's PDF (median of several runs)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument(
            "--file-runs", type=int, default=3, help="runs of the all-units Excel and CSV"
        )
        parser.add_argument(
            "--all-pdfs", type=int, default=0,
            help="render this many units' PDFs and extrapolate (0: every unit)",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        measurement = (
            Measurement.objects.filter(
                state__in=[Measurement.State.RELEASED, Measurement.State.CLOSED],
                results_build__built_at__isnull=False,
            )
            .order_by("-closes_at")
            .first()
        )
        if measurement is None:
            raise CommandError("No measurement with results: run `seed_demo` first.")
        grant = RoleGrant.objects.filter(role=Role.HR_ADMIN, unit__depth=0).first()
        if grant is None:
            raise CommandError("No HR administrator on a top unit: run `seed_demo` first.")
        user = User.objects.get(pk=grant.user_id)
        client = signed_in_client(user)
        units = units_with_results(PdfBundle(measurement=measurement))
        top = min(units, key=lambda unit: (unit.depth, unit.code))
        department = next((u for u in units if u.depth == 1), top)
        runs = options["runs"]
        self.stdout.write(
            f"{measurement.name}: {Unit.objects.count()} units, {len(units)} with results; "
            f"median of {runs} runs"
        )

        def page(unit: Unit) -> Callable[[], object]:
            url = reverse("reports:unit", args=[measurement.pk, unit.code])

            def get() -> object:
                response = client.get(url)
                assert response.status_code == 200, response.status_code
                return response

            return get

        def pdf(unit: Unit) -> bytes:
            report = unit_report(measurement, unit)
            html = render_to_string("reports/unit_pdf.html", report_context(report, pdf=True))
            return unit_report_pdf(html)

        def fetch(url: str) -> object:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        browser_page = reverse("organisation:unit", args=[department.code])
        page(department)()  # warm caches (the questionnaire, templates)
        baseline, _ = median_seconds(lambda: client.get(browser_page), runs)
        lines = [("baseline: organisation browser unit page", baseline)]
        for label, unit in (("department", department), ("whole municipality", top)):
            lines.append((f"unit report page, {label} ({unit.code})",
                          median_seconds(page(unit), runs)[0]))  # fmt: skip
        forget_scores()  # the heatmap's first request after a build reads the stored scores
        first = reverse("reports:overview", args=[measurement.pk]) + "?levels=8"
        lines.append(
            ("heatmap page, 8 levels, first request", median_seconds(partial(fetch, first), 1)[0])
        )
        for levels in (3, 8):
            heatmap = reverse("reports:overview", args=[measurement.pk]) + f"?levels={levels}"
            lines.append((f"heatmap page, {levels} levels",
                          median_seconds(partial(fetch, heatmap), runs)[0]))  # fmt: skip
        heatmap_excel = reverse("reports:overview_xlsx", args=[measurement.pk]) + "?levels=8"
        lines.append(("heatmap Excel file, 8 levels",
                      median_seconds(partial(fetch, heatmap_excel), runs)[0]))  # fmt: skip
        for label, unit in (("department", department), ("whole municipality", top)):
            excel = reverse("reports:xlsx", args=[measurement.pk, unit.code])
            lines.append((f"Excel file, {label} ({unit.code})",
                          median_seconds(partial(client.get, excel), runs)[0]))  # fmt: skip
        for label, unit in (("department", department), ("whole municipality", top)):
            lines.append((f"one PDF, {label} ({unit.code})",
                          median_seconds(partial(pdf, unit), runs)[0]))  # fmt: skip

        def whole(name: str) -> Callable[[], object]:
            url = reverse(name, args=[measurement.pk])

            def get() -> int:  # the whole file, as the browser receives it
                response = client.get(url)
                assert response.status_code == 200, response.status_code
                parts: Iterable[bytes] = response.streaming_content  # type: ignore[attr-defined]
                return sum(len(part) for part in parts)

            return get

        file_runs = options["file_runs"]
        for label, name in (("all-units Excel", "reports:all_xlsx"),
                            ("all-units CSV", "reports:all_csv")):  # fmt: skip
            lines.append((f"{label} (median of {file_runs})",
                          median_seconds(whole(name), file_runs)[0]))  # fmt: skip
        for label, seconds in lines:
            self.stdout.write(
                f"  {label:<55} {seconds * 1000:8.0f} ms ({seconds / baseline:5.1f}x)"
            )
        count = options["all_pdfs"] or len(units)
        chosen = units if count >= len(units) else units[:: max(1, len(units) // count)][:count]
        start = time.perf_counter()
        render_pdfs(measurement, chosen, lambda unit, pdf: None)  # the bulk job's own code
        elapsed = time.perf_counter() - start
        total = elapsed * len(units) / len(chosen)
        how = "measured" if len(chosen) == len(units) else f"{len(chosen)} rendered, extrapolated"
        self.stdout.write(
            f"  every unit's PDF ({len(units)} units, {how}) {total / 60:8.1f} min "
            f"({elapsed / len(chosen):.2f} s each)"
        )
        page_ms = max(seconds for label, seconds in lines if label.startswith("unit report")) * 1000
        pdf_s = max(seconds for label, seconds in lines if "PDF" in label)
        excel_s = max(seconds for label, seconds in lines if label.startswith("all-units"))
        met = page_ms < 300 and pdf_s < 2 and excel_s < 30
        self.stdout.write(
            "Targets: page under 300 ms, one PDF under 2 s, the all-units Excel and CSV "
            "under 30 s: " + ("met." if met else "NOT met.")
        )
        self.stdout.write(
            f"Bulk PDF target: every unit's PDF under 15 min, by the job's own code: "
            f"{total / 60:.1f} min: " + ("met." if total < 15 * 60 else "NOT met.")
        )
        heatmap_s = dict(lines)["heatmap page, 8 levels"]
        heatmap_excel_s = dict(lines)["heatmap Excel file, 8 levels"]
        first_s = dict(lines)["heatmap page, 8 levels, first request"]
        self.stdout.write(
            f"Heatmap target: 8 levels under 1 s as HR: {heatmap_s * 1000:.0f} ms "
            f"({heatmap_s / baseline:.1f}x the baseline; the first request after a build "
            f"{first_s * 1000:.0f} ms, the Excel file {heatmap_excel_s * 1000:.0f} ms): "
            + ("met." if heatmap_s < 1 else "NOT met.")
        )
