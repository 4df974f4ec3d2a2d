from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from tests.factories import EMPLOYEES_CSV, UNITS_CSV, import_csv
from trivsel.cycle.lifecycle import (
    TransitionRefused,
    advance_by_clock,
    answer_validation,
    close_measurement,
    open_measurement,
    population,
    release_results,
    start_validation,
)
from trivsel.measurements.models import Measurement, Participant, ScopeUnit, UnitValidation
from trivsel.organisation.models import Unit
from trivsel.survey.models import Invitation

pytestmark = pytest.mark.django_db
State = Measurement.State


def test_population_is_the_scoped_subtrees_active_people(measurement: Measurement) -> None:
    numbers = set(population(measurement).values_list("number", flat=True))
    # SO: Ole (SO-N), Lise/Anna/Karl (U1), Tove (U1-T1), Sune/Bo (U2), Sara (U3)
    assert numbers == {"1002", "1003", "1004", "1005", "1006", "1007", "1008", "1009"}
    measurement.leaders_only = True
    assert set(population(measurement).values_list("number", flat=True)) == {
        "1002",
        "1003",
        "1007",
        "1009",
    }


def test_single_unit_without_subtree(measurement: Measurement, org: dict[str, Unit]) -> None:
    ScopeUnit.objects.filter(measurement=measurement).update(unit=org["U1"], include_subtree=False)
    assert set(population(measurement).values_list("number", flat=True)) == {"1003", "1004", "1005"}


def test_full_cycle_with_validation_and_snapshot(measurement: Measurement, users: dict) -> None:  # type: ignore[type-arg]
    start_validation(measurement)
    assert measurement.state == State.VALIDATION
    units = set(
        UnitValidation.objects.filter(measurement=measurement).values_list("unit__code", flat=True)
    )
    assert units == {"SO-N", "U1", "U1-T1", "U2", "U3"}
    u1 = UnitValidation.objects.get(measurement=measurement, unit__code="U1")
    answer_validation(u1, users["unit_leader"], "")
    u2 = UnitValidation.objects.get(measurement=measurement, unit__code="U2")
    answer_validation(u2, users["hr"], "Bo Borger har fået nyt job i U3")
    u1.refresh_from_db()
    u2.refresh_from_db()
    assert (u1.status, u1.handled) == ("confirmed", True)
    assert (u2.status, u2.handled, u2.corrections) == (
        "corrections",
        False,
        "Bo Borger har fået nyt job i U3",
    )

    assert open_measurement(measurement) == 8
    measurement.questionnaire.refresh_from_db()
    assert measurement.questionnaire.is_locked
    snapshot = set(
        Participant.objects.filter(measurement=measurement).values_list(
            "employee__number", "unit__code"
        )
    )
    # A reorganisation after opening does not change who belonged where.
    import_csv(
        UNITS_CSV,
        EMPLOYEES_CSV.replace(
            "1008;Bo Borger;bo@testby.dk;20000008;Social- og sundhedshjælper;U2",
            "1008;Bo Borger;bo@testby.dk;20000008;Social- og sundhedshjælper;U3",
        ),
    )
    assert (
        set(
            Participant.objects.filter(measurement=measurement).values_list(
                "employee__number", "unit__code"
            )
        )
        == snapshot
    )
    assert ("1008", "U2") in snapshot

    with pytest.raises(TransitionRefused):
        answer_validation(u1, users["unit_leader"], "")  # validation is over
    close_measurement(measurement)
    release_results(measurement)
    assert Measurement.objects.get(pk=measurement.pk).state == State.RELEASED


@pytest.mark.parametrize(
    "steps",
    [[close_measurement], [release_results], [start_validation, start_validation],
     [open_measurement, start_validation], [open_measurement, release_results]],
)  # fmt: skip
def test_impossible_moves_are_refused(measurement: Measurement, steps: list) -> None:  # type: ignore[type-arg]
    *before, refused = steps
    for step in before:
        step(measurement)
    state = Measurement.objects.get(pk=measurement.pk).state
    with pytest.raises(TransitionRefused):
        refused(measurement)
    assert Measurement.objects.get(pk=measurement.pk).state == state


def test_cannot_open_with_an_empty_questionnaire(measurement: Measurement) -> None:
    measurement.questionnaire.pages.get().elements.all().delete()
    with pytest.raises(TransitionRefused, match="no questions"):
        open_measurement(measurement)
    assert not Participant.objects.exists()


def test_the_clock_moves_measurements_along_their_timeline(
    measurement: Measurement, django_capture_on_commit_callbacks: Any
) -> None:
    assert advance_by_clock() == []
    later = timezone.now() + timedelta(days=9)
    with django_capture_on_commit_callbacks(execute=True):
        states = [outcome for _m, outcome in advance_by_clock(later)]
    assert states == ["validation", "open", "sending invitations"]
    assert Participant.objects.filter(measurement=measurement).count() == 8
    assert Invitation.objects.filter(measurement=measurement, invited_at=None).count() == 0
    assert [o for _m, o in advance_by_clock(later + timedelta(days=30))] == ["closed", "released"]
    assert advance_by_clock(later + timedelta(days=60)) == []


def test_the_clock_sends_scheduled_reminders_once_each_to_non_respondents(
    measurement: Measurement, django_capture_on_commit_callbacks: Any
) -> None:
    def clock(at: datetime) -> list[str]:
        with django_capture_on_commit_callbacks(execute=True):
            return [outcome for _m, outcome in advance_by_clock(at)]

    Measurement.objects.filter(pk=measurement.pk).update(
        first_reminder_at=measurement.opens_at + timedelta(days=7),
        second_reminder_at=measurement.opens_at + timedelta(days=14),
    )
    opened = measurement.opens_at + timedelta(minutes=1)
    assert clock(opened) == ["validation", "open", "sending invitations"]
    answered = Invitation.objects.filter(measurement=measurement, channel="email").first()
    assert answered is not None
    Invitation.objects.filter(pk=answered.pk).update(responded=True)
    mail.outbox.clear()
    assert clock(opened + timedelta(days=6)) == []
    assert clock(opened + timedelta(days=7)) == ["sending reminders"]
    reachable = Invitation.objects.filter(measurement=measurement, channel__in=["email", "sms"])
    emailed = reachable.filter(channel="email").count()
    assert len(mail.outbox) == emailed - 1  # not the one who answered
    assert answered.participant.employee.email not in {m.to[0] for m in mail.outbox}
    # The clock runs again before the second reminder is due: nothing new.
    assert clock(opened + timedelta(days=8)) == []
    assert clock(opened + timedelta(days=15)) == ["sending reminders"]
    assert set(reachable.exclude(pk=answered.pk).values_list("reminders", flat=True)) == {2}
    assert Invitation.objects.get(pk=answered.pk).reminders == 0


def test_the_clock_reminds_leaders_who_have_not_validated_once(measurement: Measurement) -> None:
    """Halfway through the validation phase, each unit whose list still waits gets one
    e-mail to its leaders with the link; a confirmed unit and a second run send nothing."""
    start_validation(measurement)
    u2 = UnitValidation.objects.get(measurement=measurement, unit__code="U2")
    UnitValidation.objects.filter(pk=u2.pk).update(status=UnitValidation.Status.CONFIRMED)
    halfway = (
        measurement.validation_starts + (measurement.opens_at - measurement.validation_starts) / 2
    )
    mail.outbox.clear()
    assert advance_by_clock(halfway - timedelta(minutes=1)) == [] and mail.outbox == []
    [(_measurement, said)] = advance_by_clock(halfway)
    pending = UnitValidation.objects.filter(measurement=measurement, status="pending").count()
    assert said == f"reminded the leaders of {pending} units to validate"
    to = {address for message in mail.outbox for address in message.to}
    assert "lise@testby.dk" in to and "sara@testby.dk" in to  # leaders of U1 and U3
    assert "sune@testby.dk" not in to  # U2 is confirmed
    lise = next(m for m in mail.outbox if m.to == ["lise@testby.dk"])
    assert f"/measurements/{measurement.pk}/units/U1/validate/" in lise.body
    assert "Lokalcenter Egebakken" in lise.body and "Dear Lise" in lise.body
    mail.outbox.clear()
    assert advance_by_clock(halfway + timedelta(days=1)) == [] and mail.outbox == []
