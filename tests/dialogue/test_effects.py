""" "Since last time": at the next measurement a completed action shows its focus area's
change with a 90 % Welch interval and a verdict, or "cannot be compared" when the figures are
of different units (here: U1 was shown last year, this year only its department)."""

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.dialogue.test_dialogue import add
from tests.results.test_build import answer_all
from trivsel.cycle.lifecycle import close_measurement, open_measurement, release_results
from trivsel.dialogue.effects import effects
from trivsel.dialogue.models import Action, Dialogue
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit

pytestmark = pytest.mark.django_db


def test_a_completed_action_shows_its_change_at_the_next_measurement(
    last_year: Measurement, measurement: Measurement, org: dict[str, Unit],
    clients: dict[str, Client], django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    for code in ("SO", "U1"):
        before = Dialogue.objects.create(measurement=last_year, unit=org[code],
                                         window_ends=date(2025, 12, 1))  # fmt: skip
        add(before, title=f"Handling i {code}", status=Action.Status.DONE,
            evaluation="Godt.")  # fmt: skip
    open_measurement(measurement)
    answer_all(measurement, [4, 3, 2, 4, 1, 0, 3, 3])  # SO: 8 answer, U1 too few
    with django_capture_on_commit_callbacks(execute=True):
        close_measurement(measurement)
    release_results(measurement)
    previous, found = effects(measurement, org["SO"])
    assert previous == last_year and len(found) == 1
    effect = found[0]
    assert effect.before == pytest.approx(8.0) and effect.after == pytest.approx(10.0)
    assert effect.interval is not None
    assert effect.interval.low < 0 < effect.interval.high and effect.verdict == "same"
    _, in_u1 = effects(measurement, org["U1"])
    assert [e.verdict for e in in_u1] == ["not comparable"]
    html = clients["hr"].get(reverse("dialogue:dialogue", args=[measurement.pk, "SO"]))
    text = html.content.decode()
    assert "Since last time: the actions after Trivselsmåling 2025" in text
    assert "Handling i SO" in text and "No certain change" in text
    u1 = clients["hr"].get(reverse("dialogue:dialogue", args=[measurement.pk, "U1"]))
    assert "Cannot be compared" in u1.content.decode()
