"""SIGKILL a real worker (`manage.py db_worker`, with its PDF processes) in the middle of
its work, run the clock (`advance_measurements`) and a new worker: nobody misses a message
(only the one leaving at the kill may arrive twice, and the job says so), the results are
complete, the PDF bundle is finished without a half-written file, and no person had to do
anything. Real processes on their own SQLite database in a temporary data directory, as in
production; the clock is told that a job is stale after one second."""

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
# These processes use their own SQLite database whatever the suite runs on: the SQLite run
# covers them, and the PostgreSQL run does not repeat the same minute.
pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="runs on its own SQLite database (covered by the SQLite run)",
)
STALE = 1  # JOB_STALE_SECONDS for every process here


def environment(data: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "TRIVSEL_TASKS_IMMEDIATE")  # its own SQLite file
    }
    env.update(TRIVSEL_DATA_DIR=str(data), JOB_STALE_SECONDS=str(STALE), **extra)
    return env


def manage(data: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment(data),
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def query(data: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(data / "trivsel.sqlite3", timeout=30)) as db:
        return db.execute(sql, params).fetchall()


def wait_for(condition: Callable[[], object], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


@contextmanager
def worker(data: Path, **extra: str) -> Iterator[subprocess.Popen[bytes]]:
    """A db_worker in its own process group (so that a kill takes its PDF processes too)."""
    process = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker"], cwd=ROOT,
        env=environment(data, **extra), stdout=subprocess.DEVNULL,
        stderr=(data / f"worker-{time.monotonic_ns()}.log").open("wb"), start_new_session=True,
    )  # fmt: skip
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


def kill(process: subprocess.Popen[bytes]) -> None:
    """As a pulled plug: SIGKILL, the worker and its children, no chance to clean up."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def clock_after_stale(data: Path) -> str:
    time.sleep(STALE + 0.5)  # the dead worker's last heartbeat becomes stale
    return manage(data, "advance_measurements")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo municipality (150 employees, three measurements; builds queued)."""
    data = tmp_path_factory.mktemp("seeded")
    manage(data, "migrate", "-v0")
    manage(data, "seed_demo", "--employees", "150")
    return data


@pytest.fixture
def data(seeded: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(seeded, copy)
    return copy


def build_status(data: Path, measurement: int) -> str:
    rows = query(data, "SELECT status FROM results_build WHERE measurement_id = ?", measurement)
    return str(rows[0][0]) if rows else ""


def test_killed_during_a_results_build(data: Path) -> None:
    first = query(data, "SELECT MIN(measurement_id) FROM results_build")[0][0]
    with worker(data) as process:
        wait_for(lambda: build_status(data, first) == "running")
        kill(process)
    assert build_status(data, first) == "running"  # for ever, before this issue
    assert "results build of measurement" in clock_after_stale(data)
    with worker(data):
        wait_for(lambda: {s for (s,) in query(data, "SELECT status FROM results_build")}
                 == {"done"})  # fmt: skip
    for (measurement, rows, sealed) in query(
        data, "SELECT b.measurement_id, b.rows, m.sealed_at FROM results_build b "
        "JOIN measurements_measurement m ON m.id = b.measurement_id"
    ):  # fmt: skip
        assert rows > 0 and sealed is not None, measurement


def test_killed_while_sending_reminders(data: Path) -> None:
    with worker(data):  # the seed's builds first, so that they do not slow the sending
        wait_for(lambda: {s for (s,) in query(data, "SELECT status FROM results_build")}
                 == {"done"})  # fmt: skip
    measurement = query(data, "SELECT id FROM measurements_measurement WHERE state = 'open'")[0][0]
    targets = dict(query(
        data, "SELECT id, reminders FROM survey_invitation WHERE measurement_id = ? AND "
        "responded = 0 AND channel IN ('email', 'sms')", measurement,
    ))  # fmt: skip
    assert len(targets) > 50
    shutil.rmtree(data / "mail", ignore_errors=True)  # the seed's invitations
    (data / "sms.log").unlink(missing_ok=True)
    job = int(manage(data, "shell", "-v0", "-c", (
        "from django.db import transaction\n"
        "from trivsel.measurements.models import Measurement\n"
        "from trivsel.survey.tasks import start_send_job\n"
        "with transaction.atomic():\n"
        f"    job = start_send_job(Measurement.objects.get(pk={measurement}), 'reminders')\n"
        "print(job.pk)\n"
    )).strip())  # fmt: skip

    def reminded() -> int:
        return int(query(
            data, "SELECT COUNT(*) FROM survey_invitation WHERE measurement_id = ? AND "
            "reminded_at IS NOT NULL", measurement,
        )[0][0])  # fmt: skip

    slow = {"EMAIL_BACKEND": "tests.core.slow_mail.EmailBackend"}
    with worker(data, **slow) as process:
        wait_for(lambda: reminded() >= 20)
        kill(process)
    assert reminded() < len(targets)  # killed in the middle
    assert query(data, "SELECT status FROM survey_sendjob WHERE id = ?", job)[0][0] == "sending"
    assert f"send job {job}" in clock_after_stale(data)
    with worker(data, **slow):
        wait_for(lambda: query(data, "SELECT status FROM survey_sendjob WHERE id = ?", job)
                 == [("done",)])  # fmt: skip
    # Everyone reminded exactly once in the register; in the outboxes, at most the one
    # message that was leaving at the kill twice, and the job says how many that can be.
    after = dict(query(
        data, "SELECT id, reminders FROM survey_invitation WHERE id IN (%s)"
        % ",".join(map(str, targets)),
    ))  # fmt: skip
    assert after == {pk: count + 1 for pk, count in targets.items()}
    mails = "".join(path.read_text() for path in (data / "mail").iterdir())
    # Only the survey's mails (the clock also sends leaders the dialogue's reminders).
    messages = [m for m in mails.split("-" * 79) if "handleplan" not in m]
    received = Counter(re.findall(r"^To: (.+)$", "".join(messages), flags=re.M))
    received.update(re.findall(r"SMS to (\+\d+):", (data / "sms.log").read_text()))
    doubled = query(data, "SELECT possibly_doubled, restarts FROM survey_sendjob WHERE id = ?", job)
    assert doubled[0][1] == 1 and doubled[0][0] <= 1
    twice = [who for who, count in received.items() if count > 1]
    assert len(twice) <= doubled[0][0] and max(received.values()) <= 2
    assert sum(received.values()) == len(targets) + len(twice)


def test_killed_while_making_every_units_pdf(data: Path) -> None:
    with worker(data):
        wait_for(lambda: {s for (s,) in query(data, "SELECT status FROM results_build")}
                 == {"done"})  # fmt: skip
    released = query(
        data,
        "SELECT MAX(id) FROM measurements_measurement WHERE state = 'released' AND kind = 'main'",
    )[0][0]
    bundle = int(manage(data, "shell", "-v0", "-c", (
        "from django.db import transaction\n"
        "from trivsel.reports.bundles import make_bundle_task\n"
        "from trivsel.reports.models import PdfBundle\n"
        "with transaction.atomic():\n"
        f"    bundle = PdfBundle.objects.create(measurement_id={released})\n"
        "    transaction.on_commit(lambda: make_bundle_task.enqueue(bundle.pk))\n"
        "print(bundle.pk)\n"
    )).strip())  # fmt: skip

    def progress() -> tuple[str, int, int]:
        status, done, total = query(
            data, "SELECT status, done, total FROM reports_pdfbundle WHERE id = ?", bundle
        )[0]  # fmt: skip
        return str(status), int(done), int(total)

    with worker(data) as process:
        wait_for(lambda: progress()[0] == "running" and progress()[1] >= 8)
        kill(process)
    status, done, total = progress()
    assert status == "running" and done < total
    assert list((data / "reports").glob("*.part"))  # the half-written ZIP
    assert f"PDF bundle {bundle}" in clock_after_stale(data)
    with worker(data):
        wait_for(lambda: progress()[0] == "done", seconds=180)
    assert not list((data / "reports").glob("*.part"))
    [archive] = (data / "reports").glob("*.zip")
    assert len(zipfile.ZipFile(archive).namelist()) == total
