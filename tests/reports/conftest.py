"""A released measurement of the test organisation: Sundhed og Omsorg's 8 people answer
(Område Nord 7, Område Syd 1)."""

from typing import Any

import pytest

from tests.results.test_build import answer_all
from trivsel.cycle.lifecycle import close_measurement, open_measurement, release_results
from trivsel.measurements.models import Measurement


@pytest.fixture
def released(measurement: Measurement, django_capture_on_commit_callbacks: Any) -> Measurement:
    return release(measurement, django_capture_on_commit_callbacks)


def release(measurement: Measurement, django_capture_on_commit_callbacks: Any) -> Measurement:
    """Open, let the 8 answer, close (building the results) and release."""
    open_measurement(measurement)
    answer_all(measurement, [4, 3, 2, 4, 1, 0, 3, 3])
    with django_capture_on_commit_callbacks(execute=True):
        close_measurement(measurement)
    release_results(measurement)
    measurement.refresh_from_db()
    return measurement
