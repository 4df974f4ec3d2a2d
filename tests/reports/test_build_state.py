"""The results build is a tracked job, and the report pages say where it is: waiting,
running (and on which step), failed (HR sees the error and can start it again; everyone
else is told HR can), or built (HR can build again). A failed rebuild keeps the last good
results. Uses the released measurement of tests/reports/conftest.py."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import trivsel.results.build
from trivsel.measurements.models import Measurement
from trivsel.results.models import Build, Hidden, Result
from trivsel.results.read import every_figure
from trivsel.results.tasks import build_results_task, start_build

pytestmark = pytest.mark.django_db


def page(client: Client, measurement: Measurement, code: str = "SO") -> str:
    return client.get(reverse("reports:unit", args=[measurement.pk, code])).content.decode()


def heatmap(client: Client, measurement: Measurement) -> str:
    return client.get(reverse("reports:overview", args=[measurement.pk])).content.decode()


def unbuilt(measurement: Measurement, **build: Any) -> None:
    """As right after close, before the build has stored anything."""
    Result.objects.filter(measurement=measurement).delete()
    Hidden.objects.filter(measurement=measurement).delete()
    Build.objects.filter(measurement=measurement).update(built_at=None, rows=0, **build)


REFRESH = '<meta http-equiv="refresh" content="10">'
REBUILD = "Build the results again"


def test_a_waiting_build_says_so_and_the_page_updates_itself(
    released: Measurement, clients: dict[str, Client]
) -> None:
    unbuilt(released, status=Build.Status.QUEUED, queued_at=timezone.now())
    for persona, code in (("hr", "SO"), ("area_chief", "SO-N")):
        text = page(clients[persona], released, code)
        assert "The results have not been built yet: they are waiting to be built" in text
        assert REFRESH in text
        assert "fewer than 5" not in text and "Invited" not in text
    assert "waiting to be built" in heatmap(clients["hr"], released)


def test_a_running_build_names_its_step(released: Measurement, clients: dict[str, Client]) -> None:
    unbuilt(released, status=Build.Status.RUNNING, step=Build.Step.COMPUTE,
            started_at=timezone.now())  # fmt: skip
    text = page(clients["area_chief"], released, "SO-N")
    assert "The results are being built now (computing the figures, started at" in text
    assert REFRESH in text and "fewer than 5" not in text


def test_a_failed_build_shows_hr_the_error_and_a_button_and_others_that_hr_can_retry(
    released: Measurement, clients: dict[str, Client]
) -> None:
    unbuilt(released, status=Build.Status.FAILED, error="MemoryError: out of memory",
            finished_at=timezone.now())  # fmt: skip
    hr = page(clients["hr"], released)
    assert "Building the results failed" in hr and "MemoryError: out of memory" in hr
    assert REBUILD in hr and REFRESH not in hr
    leader = page(clients["area_chief"], released, "SO-N")
    assert "Building the results failed" in leader and "HR can start the build again" in leader
    assert "MemoryError" not in leader and REBUILD not in leader
    assert "MemoryError" in heatmap(clients["hr"], released)


def test_a_built_measurement_offers_hr_a_rebuild_and_nobody_else(
    released: Measurement, clients: dict[str, Client]
) -> None:
    hr = page(clients["hr"], released)
    assert "Results built " in hr and "Build again" in hr and REFRESH not in hr
    leader = page(clients["area_chief"], released, "SO-N")
    assert "Results for Område Nord" in leader and "Build again" not in leader


def test_the_job_records_a_failure_and_keeps_the_last_good_results(
    released: Measurement, clients: dict[str, Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = sorted(
        Result.objects.filter(measurement=released).values_list("pk", "figures"), key=str
    )
    built_at = Build.objects.get(measurement=released).built_at

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the computation broke")

    monkeypatch.setattr(trivsel.results.build, "refresh_previous", broken)
    assert build_results_task.call(released.pk) == 0
    build = Build.objects.get(measurement=released)
    assert build.status == Build.Status.FAILED
    assert build.error == "RuntimeError: the computation broke"
    assert build.built_at == built_at and build.finished_at is not None
    after = sorted(
        Result.objects.filter(measurement=released).values_list("pk", "figures"), key=str
    )
    assert after == before
    hr = page(clients["hr"], released)
    assert "Building the results again failed" in hr and "the computation broke" in hr
    assert "Invited" in hr  # the figures are still there
    leader = page(clients["area_chief"], released, "SO-N")  # hidden to protect Syd
    assert "failed" not in leader and "although at least 5 answered" in leader


def test_hr_starts_a_rebuild_that_runs_to_done(
    released: Measurement, clients: dict[str, Client], django_capture_on_commit_callbacks: Any
) -> None:
    Build.objects.filter(measurement=released).update(
        status=Build.Status.FAILED, error="RuntimeError: x"
    )
    url = reverse("results:rebuild", args=[released.pk])
    back = reverse("reports:unit", args=[released.pk, "SO"])
    for persona in ("area_chief", "unit_leader", "trio", "outsider"):
        assert clients[persona].post(url, {"next": back}).status_code == 403
    assert clients["anonymous"].post(url).status_code == 302  # to the login
    assert Build.objects.get(measurement=released).status == Build.Status.FAILED
    assert clients["hr"].get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["hr"].post(url, {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    build = Build.objects.get(measurement=released)
    assert build.status == Build.Status.DONE and build.error == ""
    assert build.rows == len(list(every_figure(released))) > 0
    response = clients["hr"].post(url, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("reports:overview", args=[released.pk])


def test_a_rebuild_is_refused_before_close(
    measurement: Measurement, clients: dict[str, Client]
) -> None:
    response = clients["hr"].post(reverse("results:rebuild", args=[measurement.pk]), follow=True)
    assert "Results are built only for a closed measurement" in response.content.decode()
    assert not Build.objects.filter(measurement=measurement).exists()


def test_one_waiting_build_is_enough(
    released: Measurement, django_capture_on_commit_callbacks: Any
) -> None:
    Build.objects.filter(measurement=released).update(status=Build.Status.RUNNING)
    with django_capture_on_commit_callbacks() as callbacks:
        start_build(released)  # behind the running one
        start_build(released)  # the waiting one will do
    assert len(callbacks) == 1
    assert Build.objects.get(measurement=released).status == Build.Status.QUEUED
