"""Benchmark: complete survey responses submitted by concurrent clients to the app under
gunicorn, on 127.0.0.1 only.

Each simulated respondent does what a browser does without JavaScript: GET the first page
(for the CSRF cookie), POST every page with answers, POST the submission. A response is
*acknowledged* when the submission's POST answered with the redirect to the thanks page.
Afterwards the stored responses are counted: every acknowledged one must be there.

With --kill-every S the server is killed with SIGKILL every S seconds and started again;
clients retry as a browser user would (reload their link, go on from where it resumes). A
submission committed just before a kill but never acknowledged shows up on the retry as
the thanks page; it is counted apart, so that stored = acknowledged + those.

Prints the median of --runs runs, with a baseline measured in the same run: the same
clients fetching the kiosk page (a plain Django page without writes).
"""

import http.client
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from queue import Empty, Queue
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from trivsel.cycle.lifecycle import create_measurement, open_measurement
from trivsel.instruments.models import ItemVersion, Questionnaire
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
from trivsel.survey.answering import field_name, pages_of
from trivsel.survey.models import Invitation, Response

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REVISION_FIELD = re.compile(r'name="revision" value="(\d+)"')
PAGE_FIELD = re.compile(r'name="page" value="(\d+)"')
TARGET_RATE, TARGET_P99 = 200, 250
RETRYABLE = (ConnectionError, http.client.HTTPException, OSError, TimeoutError)


class ServerDown(Exception):
    pass


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    acknowledged: int = 0
    committed_unacknowledged: int = 0
    retries: int = 0
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def answer_form(versions: list[ItemVersion], rng: random.Random) -> dict[str, str]:
    """A valid answer to each question on a page, as the browser posts it."""
    data: dict[str, str] = {}
    for version in versions:
        if version.kind == ItemVersion.Kind.FREE_TEXT:
            if rng.random() < 0.2:
                data[field_name(version)] = "Godt samarbejde, men travlt."
        elif version.scale is not None and not version.scale.multiple:
            data[field_name(version)] = str(rng.choice(version.scale.options)["value"])
    return data


class Client:
    """One simulated browser: one keep-alive connection, its own cookies."""

    def __init__(self, port: int, tally: Tally):
        self.port, self.tally = port, tally
        self.connection: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}

    def request(
        self, kind: str, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        headers = {
            "Host": "127.0.0.1",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        started = time.perf_counter()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode()
        except RETRYABLE as error:
            if self.connection is not None:
                self.connection.close()
            self.connection = None
            raise ServerDown(str(error)) from error
        self.tally.add(kind, time.perf_counter() - started)
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        return response.status, response.getheader("Location", ""), text

    def get(self, path: str) -> str:
        """GET, following redirects as a browser does."""
        for _hop in range(4):
            status, location, html = self.request("get page", "GET", path)
            if status == 200:
                return html
            if status != 302:
                raise ServerDown(f"GET {path} answered {status}")
            path = location
        raise ServerDown(f"too many redirects from {path}")

    def respond(self, token: str, pages: list[list[ItemVersion]], rng: random.Random) -> None:
        """Answer every page and submit, resuming after a server restart like a person
        reloading their link."""
        base = f"/s/{token}/"
        forms = [answer_form(versions, rng) for versions in pages]
        for _attempt in range(300):  # about 30 s of a server that is down
            try:
                self._respond(base, forms)
                return
            except ServerDown:
                with self.tally.lock:
                    self.tally.retries += 1
                time.sleep(0.1)
        raise ServerDown(f"gave up on {base}")

    def _respond(self, link: str, forms: list[dict[str, str]]) -> None:
        html = self.get(link)  # the link puts the invitation in the session, then redirects
        base = "/s/svar/"
        if "<h1>Tak for dine svar" in html:  # committed before a kill, never acknowledged
            with self.tally.lock:
                self.tally.committed_unacknowledged += 1
            return
        while True:
            csrf = CSRF_FIELD.search(html)
            revision = REVISION_FIELD.search(html)
            if csrf is None or revision is None:
                raise ServerDown("no form on the page")
            page = PAGE_FIELD.search(html)
            if page is None:  # the submit page
                form = {"csrfmiddlewaretoken": csrf.group(1), "revision": revision.group(1)}
                status, location, _ = self.request("submit", "POST", base + "send/", form)
                if status == 302 and location.rstrip("/").endswith(base.rstrip("/")):
                    with self.tally.lock:
                        self.tally.acknowledged += 1
                    return
                raise ServerDown(f"submit answered {status}")
            number = int(page.group(1))
            form = {
                "csrfmiddlewaretoken": csrf.group(1),
                "page": str(number),
                "revision": revision.group(1),
                "next": "1",
            } | forms[number - 1]
            status, location, _ = self.request("save page", "POST", base, form)
            if status != 302:
                raise ServerDown(f"page answered {status}")
            html = self.get(location)  # the next page, or the submit page


class Server:
    def __init__(self, port: int, workers: int, log: Path):
        self.port, self.workers, self.log = port, workers, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [
                    str(gunicorn),
                    "trivsel.wsgi",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(self.workers),
                    "--worker-class",
                    "gthread",
                    "--threads",
                    "2",
                    "--keep-alive",
                    "30",
                    "--backlog",
                    "2048",
                ],
                stdout=log,
                stderr=log,
                start_new_session=True,
                env=os.environ | {"DJANGO_SETTINGS_MODULE": "trivsel.settings"},
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                probe.request("GET", "/kiosk/", headers={"Host": "127.0.0.1"})
                if probe.getresponse().status == 200:
                    probe.close()
                    return
            except OSError:
                time.sleep(0.1)
        self.kill()
        raise CommandError(f"gunicorn did not start; see {self.log}")

    def kill(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
            self.process = None


def run_clients(
    clients: int, work: Queue[str], task: Callable[[Client, str, random.Random], None], port: int
) -> tuple[Tally, float]:
    tally = Tally()

    def loop(number: int) -> None:
        client = Client(port, tally)
        rng = random.Random(number)
        while True:
            try:
                item = work.get_nowait()
            except Empty:
                return
            try:
                task(client, item, rng)
            except Exception as error:  # reported with the results, not hidden
                with tally.lock:
                    tally.failures.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.perf_counter() - started


class Command(BaseCommand):
    help = "Benchmark complete survey submissions under gunicorn (see the module docstring)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--responses", type=int, default=1000, help="per run")
        parser.add_argument("--runs", type=int, default=3)
        parser.add_argument("--clients", type=int, default=12)
        parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--questionnaire", default="", help="name; default: the largest")
        parser.add_argument("--kill-every", type=float, default=0, metavar="SECONDS")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            self.stdout.write(
                f"Note: the database is {connection.vendor}; the target is set for PostgreSQL."
            )
        measurement = self._measurement(options)
        pages = pages_of(measurement)
        needed = options["responses"] * options["runs"]
        tokens = list(
            Invitation.objects.filter(measurement=measurement, responded=False)
            .order_by("?")
            .values_list("token", flat=True)[:needed]
        )
        if len(tokens) < needed:
            raise CommandError(
                f"The organisation has {len(tokens)} people; {needed} are needed. "
                "Seed a larger one (seed_demo --employees N) or ask for fewer --responses."
            )
        log = Path(settings.DATA_DIR) / "bench-gunicorn.log"
        server = Server(options["port"], options["workers"], log)
        questions = sum(len(versions) for versions in pages)
        self.stdout.write(
            f"Survey benchmark on {connection.vendor}: gunicorn {options['workers']} workers "
            f"x 2 threads, {options['clients']} concurrent clients on 127.0.0.1, "
            f"{len(pages)} pages / {questions} questions per response, "
            f"{options['responses']} responses per run, median of {options['runs']} runs"
            + (f", server killed every {options['kill_every']} s" if options["kill_every"] else "")
        )
        try:
            server.start()
            rows = self._runs(server, options, tokens, pages)
        finally:
            server.stop()
        self._report(rows, measurement, options)

    def _measurement(self, options: dict[str, Any]) -> Measurement:
        questionnaires = Questionnaire.objects.all()
        if options["questionnaire"]:
            questionnaires = questionnaires.filter(name=options["questionnaire"])
        questionnaire = max(
            questionnaires,
            key=lambda q: sum(len(v) for v in pages_of(Measurement(questionnaire=q))),
            default=None,
        )
        if questionnaire is None:
            raise CommandError("No questionnaire: run seed_demo first.")
        now = timezone.now()
        measurement = create_measurement(
            units=list(Unit.objects.filter(parent=None, valid_to=None)),
            name=f"Benchmark {now:%Y-%m-%d %H:%M:%S}",
            questionnaire=questionnaire,
            validation_starts=now,
            opens_at=now,
            closes_at=now + timedelta(days=1),
            results_release_at=now + timedelta(days=2),
        )
        open_measurement(measurement)
        return measurement

    def _runs(
        self,
        server: Server,
        options: dict[str, Any],
        tokens: list[str],
        pages: list[list[ItemVersion]],
    ) -> list[dict[str, Any]]:
        rows = []
        size = options["responses"]
        for run in range(options["runs"]):
            baseline_work: Queue[str] = Queue()
            for _ in range(size * 2):
                baseline_work.put("/kiosk/")
            base_tally, base_seconds = run_clients(
                options["clients"],
                baseline_work,
                lambda client, path, _rng: self._get(client, path),
                options["port"],
            )
            work: Queue[str] = Queue()
            for token in tokens[run * size : (run + 1) * size]:
                work.put(token)
            stop = threading.Event()
            kills = [0]
            if options["kill_every"]:
                threading.Thread(
                    target=self._killer, args=(server, options["kill_every"], stop, kills)
                ).start()
            tally, seconds = run_clients(
                options["clients"],
                work,
                lambda client, token, rng: client.respond(token, pages, rng),
                options["port"],
            )
            stop.set()
            time.sleep(0.2)
            row = {
                "baseline_rps": len(base_tally.latencies.get("baseline", [])) / base_seconds,
                "responses_per_s": tally.acknowledged / seconds,
                "posts_per_s": (
                    len(tally.latencies.get("save page", []))
                    + len(tally.latencies.get("submit", []))
                )
                / seconds,
                "tally": tally,
                "kills": kills[0],
                "seconds": seconds,
            }
            posts = tally.latencies.get("save page", []) + tally.latencies.get("submit", [])
            self.stdout.write(
                f"  run {run + 1}: {row['responses_per_s']:7.1f} complete responses/s, "
                f"{row['posts_per_s']:7.1f} answer POSTs/s, POST p50 "
                f"{1000 * percentile(posts, 0.5):5.1f} ms "
                f"p99 {1000 * percentile(posts, 0.99):6.1f} ms; "
                f"baseline {row['baseline_rps']:7.1f} GET/s"
                + (f"; {kills[0]} kills, {tally.retries} retries" if options["kill_every"] else "")
            )
            rows.append(row)
        return rows

    @staticmethod
    def _get(client: Client, path: str) -> None:
        status, _location, _text = client.request("baseline", "GET", path)
        if status != 200:
            raise ServerDown(f"baseline GET {status}")

    @staticmethod
    def _killer(server: Server, every: float, stop: threading.Event, kills: list[int]) -> None:
        while not stop.wait(every):
            server.kill()
            kills[0] += 1
            time.sleep(0.3)  # down for a moment, as a real crash would be
            server.start()

    def _report(
        self, rows: list[dict[str, Any]], measurement: Measurement, options: dict[str, Any]
    ) -> None:
        median = statistics.median
        tallies: list[Tally] = [row["tally"] for row in rows]
        posts = [
            s for t in tallies for k in ("save page", "submit") for s in t.latencies.get(k, [])
        ]
        submits = [s for t in tallies for s in t.latencies.get("submit", [])]
        baseline = median(row["baseline_rps"] for row in rows)
        responses = median(row["responses_per_s"] for row in rows)
        post_rate = median(row["posts_per_s"] for row in rows)
        acknowledged = sum(t.acknowledged for t in tallies)
        unacknowledged = sum(t.committed_unacknowledged for t in tallies)
        failures = [f for t in tallies for f in t.failures]
        stored = Response.objects.filter(measurement=measurement, submitted=True).count()
        responded = Invitation.objects.filter(measurement=measurement, responded=True).count()
        self.stdout.write(f"  baseline: GET of the kiosk page           {baseline:8.1f} /s (1.00x)")
        for label, rate in (
            ("complete responses (all pages + submit)", responses),
            ("answer POSTs (page saves + submissions)", post_rate),
        ):
            self.stdout.write(f"  {label}  {rate:8.1f} /s ({rate / baseline:.2f}x)")
        self.stdout.write(
            f"  latency, every answer POST:  p50 {1000 * percentile(posts, 0.5):6.1f} ms  "
            f"p99 {1000 * percentile(posts, 0.99):6.1f} ms"
        )
        self.stdout.write(
            f"  latency, submission POST:    p50 {1000 * percentile(submits, 0.5):6.1f} ms  "
            f"p99 {1000 * percentile(submits, 0.99):6.1f} ms"
        )
        self.stdout.write(
            f"  acknowledged {acknowledged}, committed but not acknowledged (server killed) "
            f"{unacknowledged}, stored {stored} (invitations marked responded: {responded})"
        )
        p99 = 1000 * percentile(posts, 0.99)
        verdict = {True: "met", False: "NOT met"}
        self.stdout.write(
            f"Target: at least {TARGET_RATE} submissions/s with p99 under {TARGET_P99} ms. "
            f"Complete responses {responses:.1f}/s: {verdict[responses >= TARGET_RATE]}; "
            f"answer POSTs {post_rate:.1f}/s: {verdict[post_rate >= TARGET_RATE]}; "
            f"p99 {p99:.0f} ms: {verdict[p99 < TARGET_P99]}."
        )
        if failures:
            self.stdout.write(f"  {len(failures)} clients failed; first: {failures[0]}")
        ok = stored == acknowledged + unacknowledged == responded and not failures
        self.stdout.write(
            "Every acknowledged response is stored, none twice." if ok else "MISMATCH: see above."
        )
        if not ok:
            raise CommandError("stored responses differ from acknowledged ones")
