from typing import Any

import pytest

from tests.reports.conftest import release
from trivsel.measurements.models import Measurement


@pytest.fixture
def released(measurement: Measurement, django_capture_on_commit_callbacks: Any) -> Measurement:
    """The test organisation's measurement, answered by Sundhed og Omsorg's 8, released."""
    return release(measurement, django_capture_on_commit_callbacks)


from tests.results.test_history_and_mapping import bank_file, last_year  # noqa: E402, F401
