"""Background jobs whose worker died are found by the clock (their heartbeat stopped) and
finished without anyone's help: a results build is queued again, a PDF bundle is made
again without its half-written file. (Sending: tests/survey/test_sending.py; a real
SIGKILL of a real worker: test_killed_worker.py.)"""

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.results.test_build import answer_all
from trivsel.core.jobs import beating, recover_stale_jobs
from trivsel.cycle.lifecycle import close_measurement, open_measurement
from trivsel.measurements.models import Measurement
from trivsel.reports.models import PdfBundle
from trivsel.results.models import Build, Result
from trivsel.results.read import every_figure

pytestmark = pytest.mark.django_db


def long_ago(settings: Any) -> Any:
    return timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS + 1)


def clock(capture: Any) -> str:
    out = io.StringIO()
    with capture(execute=True):
        call_command("advance_measurements", stdout=out)
    return out.getvalue()


def test_a_results_build_whose_worker_died_is_built_again(
    measurement: Measurement, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Closed, and the worker that took the build was killed: the row says running, there
    are no results. The clock queues it again; it builds, then seals the responses."""
    open_measurement(measurement)
    answer_all(measurement, [4, 3, 2, 4, 1, 0, 3, 3])
    with django_capture_on_commit_callbacks(execute=False):  # the worker never finished
        close_measurement(measurement)
    build = Build.objects.get(measurement=measurement)
    Build.objects.filter(pk=build.pk).update(
        status=Build.Status.RUNNING, step=Build.Step.COMPUTE, heartbeat_at=timezone.now()
    )
    assert not Result.objects.filter(measurement=measurement).exists()
    assert clock(django_capture_on_commit_callbacks) == ""  # alive: its heartbeat is recent
    Build.objects.filter(pk=build.pk).update(heartbeat_at=long_ago(settings))
    said = clock(django_capture_on_commit_callbacks)
    assert f"results build of measurement {measurement.pk}" in said
    build.refresh_from_db()
    assert (build.status, build.restarts) == (Build.Status.DONE, 1)
    assert len(list(every_figure(measurement))) == build.rows > 0
    measurement.refresh_from_db()
    assert measurement.sealed_at is not None


def test_a_pdf_bundle_whose_worker_died_is_made_again(
    released: Measurement, settings: Any, tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    settings.DATA_DIR = tmp_path
    bundle = PdfBundle.objects.create(
        measurement=released, status=PdfBundle.Status.RUNNING, total=2, done=1
    )
    bundle.path.parent.mkdir(parents=True)
    bundle.path.with_suffix(".part").write_bytes(b"PK half a zip")
    assert clock(django_capture_on_commit_callbacks) == ""
    PdfBundle.objects.filter(pk=bundle.pk).update(updated_at=long_ago(settings))
    assert f"PDF bundle {bundle.pk}" in clock(django_capture_on_commit_callbacks)
    bundle.refresh_from_db()
    assert (bundle.status, bundle.done, bundle.restarts) == (PdfBundle.Status.DONE, 2, 1)
    assert bundle.path.exists() and not list(tmp_path.glob("reports/*.part"))


def test_the_clock_goes_on_when_a_step_fails(
    monkeypatch: Any, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    def broken() -> list[str]:
        raise RuntimeError("the database went away")

    monkeypatch.setattr("trivsel.core.jobs._recoverers", {"broken": broken})
    clock(django_capture_on_commit_callbacks)  # no exception: logged
    assert "Recovering stale broken jobs failed" in caplog.text
    monkeypatch.setattr(
        "trivsel.cycle.management.commands.advance_measurements.advance_by_clock", broken
    )
    clock(django_capture_on_commit_callbacks)
    assert "The clock's broken failed" in caplog.text


def test_a_heartbeat_thread_beats_while_a_long_step_runs(settings: Any) -> None:
    settings.JOB_STALE_SECONDS = 0.06  # a beat every 10 ms
    beats: list[object] = []
    with beating(lambda: beats.append(timezone.now())):
        import time

        time.sleep(0.1)
    assert len(beats) >= 4  # one at the start, then about every 10 ms
    assert recover_stale_jobs() == []


def test_hr_sees_every_kind_of_background_job_in_one_list(
    released: Measurement, clients: dict[str, Any], settings: Any, tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    from django.urls import reverse

    from trivsel.organisation.models import ImportJob
    from trivsel.survey.models import SendJob

    settings.DATA_DIR = tmp_path
    SendJob.objects.create(measurement=released, kind="reminders", status="done", total=7, done=7)
    ImportJob.objects.create(status=ImportJob.Status.DONE, units_filename="enheder.csv")
    PdfBundle.objects.create(measurement=released, status=PdfBundle.Status.RUNNING, total=2, done=1)
    PdfBundle.objects.filter(measurement=released).update(updated_at=long_ago(settings))
    url = reverse("measurements:jobs")
    page = clients["hr"].get(url).content.decode()
    for text in ("Invitations and reminders", "Import", "Results", "Every unit&#x27;s PDF",
                 "enheder.csv", "7/7", "Stopped: the clock starts it again",
                 released.name):  # fmt: skip
        assert text in page, text
    for persona in ("area_chief", "unit_leader", "trio", "outsider"):
        assert clients[persona].get(url).status_code == 403
