"""`audit_results` runs the exact audit on what a stored measurement shows: nothing found in
what the suppression stored; a leak planted in the stored rows is found and named."""

import io

import pytest
from django.core.management import CommandError, call_command

from tests.results.figures import plant
from tests.results.test_build import answer_all
from trivsel.cycle.lifecycle import close_measurement, open_measurement
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
from trivsel.results.build import build_results

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(measurement: Measurement) -> Measurement:
    open_measurement(measurement)  # Sundhed og Omsorg 8: Område Nord 7, Område Syd 1
    answer_all(measurement, [4, 3, 2, 4, 1, 0, 3, 3])
    close_measurement(measurement)  # the build is started after commit: here by hand,
    build_results(measurement)  # and the audit runs before the responses are sealed
    return measurement


def test_what_the_suppression_stored_has_nothing_derivable(closed: Measurement) -> None:
    out = io.StringIO()
    call_command("audit_results", closed.pk, stdout=out)
    text = out.getvalue()
    assert "0 not audited, 0 with a derivable group of fewer than k" in text
    audited = int(text.strip().splitlines()[-1].split()[0])
    assert audited >= 5  # respondents, the short form's dimension and its four questions


def test_a_planted_leak_is_found_with_the_figures_that_give_it(closed: Measurement) -> None:
    # Showing Område Nord (7) beside Sundhed og Omsorg (8) gives Område Syd's one away.
    plant(closed, Unit.objects.get(code="SO-N"), "respondents", "", n=7)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("audit_results", closed.pk, stdout=out)
    found = [line for line in out.getvalue().splitlines() if "FOUND" in line]
    assert len(found) == 1 and found[0].startswith("respondents: FOUND 1 respondent(s) in U3")
    assert "[SO-N subtree ]" in found[0]
