"""The overview's benchmark runs on a small organisation (what it measures is the product's
own page, through the whole request cycle, as HR with the second factor)."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from tests.dialogue.test_dialogue import add
from trivsel.dialogue import services
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit

pytestmark = pytest.mark.django_db


def test_the_overview_benchmark_runs(
    released: Measurement, org: dict[str, Unit], users: dict[str, User]
) -> None:
    add(services.dialogue_for(released, org["U1"]))
    out = io.StringIO()
    call_command("bench_dialogue", runs=2, stdout=out)
    text = out.getvalue()
    assert "1 dialogues, 1 actions" in text and "target: the overview under 500 ms" in text
