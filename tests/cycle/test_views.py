"""Measurement pages: HR plans and moves measurements; leaders validate their own lists."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from trivsel.cycle.lifecycle import open_measurement, start_validation
from trivsel.instruments.models import Questionnaire
from trivsel.measurements.models import Measurement, Participant, UnitValidation

pytestmark = pytest.mark.django_db
PERSONAS = ("area_chief", "unit_leader", "trio", "outsider")


def form_data(questionnaire: Questionnaire, **overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Trivselsmåling 2027", "kind": "main", "questionnaire": questionnaire.pk,
        "units": "SO-N, U3", "validation_starts": "2027-10-01T08:00",
        "opens_at": "2027-10-20T08:00", "closes_at": "2027-11-10T16:00",
        "results_release_at": "2027-11-15T08:00", "dialogue_deadline": "2028-02-01",
    }  # fmt: skip
    return data | overrides


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_hr_plans_and_moves_measurements(
    clients: dict[str, Client], measurement: Measurement, persona: str
) -> None:
    assert clients[persona].get(reverse("measurements:list")).status_code == 403
    assert (
        clients[persona].get(reverse("measurements:detail", args=[measurement.pk])).status_code
        == 403
    )
    url = reverse("measurements:action", args=[measurement.pk, "open"])
    assert clients[persona].post(url).status_code == 403
    assert Measurement.objects.get(pk=measurement.pk).state == "draft"
    edit = reverse("measurements:edit", args=[measurement.pk])
    assert clients[persona].get(edit).status_code == 403
    assert clients[persona].post(edit, {"name": "x"}).status_code == 403
    delete = reverse("measurements:delete", args=[measurement.pk])
    assert clients[persona].post(delete, {"confirmed": "yes"}).status_code == 403
    assert Measurement.objects.get(pk=measurement.pk).name == "Trivselsmåling 2026"


def test_hr_creates_a_measurement(clients: dict[str, Client], questionnaire: Questionnaire) -> None:
    response = clients["hr"].post(reverse("measurements:list"), form_data(questionnaire))
    assert response.status_code == 302
    measurement = Measurement.objects.get(name="Trivselsmåling 2027")
    assert sorted(measurement.scope.values_list("unit__code", flat=True)) == ["SO-N", "U3"]
    page = clients["hr"].get(response["Location"]).content.decode()
    assert "People in the population now" in page and "<dd>8</dd>" in page


def test_bad_measurement_form_says_what_is_wrong(
    clients: dict[str, Client], questionnaire: Questionnaire
) -> None:
    data = form_data(questionnaire, units="SO-N GHOST", closes_at="2027-10-10T08:00")
    html = clients["hr"].post(reverse("measurements:list"), data).content.decode()
    assert "These unit codes do not exist or are closed: GHOST" in html
    assert not Measurement.objects.exists()
    data = form_data(questionnaire, closes_at="2027-10-10T08:00")
    html = clients["hr"].post(reverse("measurements:list"), data).content.decode()
    assert "The timeline must run" in html
    assert not Measurement.objects.exists()
    data = form_data(
        questionnaire, first_reminder_at="2027-11-20T08:00", second_reminder_at="2027-10-01T08:00"
    )
    html = clients["hr"].post(reverse("measurements:list"), data).content.decode()
    assert html.count("A reminder is sent while collection is open.") == 2
    data = form_data(
        questionnaire, first_reminder_at="2027-11-05T08:00", second_reminder_at="2027-10-25T08:00"
    )
    html = clients["hr"].post(reverse("measurements:list"), data).content.decode()
    assert "The second reminder comes after the first." in html
    assert not Measurement.objects.exists()


def test_hr_schedules_reminders(clients: dict[str, Client], questionnaire: Questionnaire) -> None:
    data = form_data(
        questionnaire, first_reminder_at="2027-10-27T08:00", second_reminder_at="2027-11-03T08:00"
    )
    response = clients["hr"].post(reverse("measurements:list"), data)
    measurement = Measurement.objects.get()
    assert [t.day for t in measurement.reminder_times] == [27, 3]
    page = clients["hr"].get(response["Location"]).content.decode()
    assert "First reminder" in page and "Second reminder" in page


def test_hr_moves_the_measurement_and_impossible_moves_say_why(
    clients: dict[str, Client], measurement: Measurement
) -> None:
    hr = clients["hr"]
    hr.post(reverse("measurements:action", args=[measurement.pk, "open"]), {"confirmed": "yes"})
    assert Participant.objects.filter(measurement=measurement).count() == 8
    response = hr.post(
        reverse("measurements:action", args=[measurement.pk, "release"]), {"confirmed": "yes"},
        follow=True,
    )  # fmt: skip
    assert "cannot become" in response.content.decode()
    assert Measurement.objects.get(pk=measurement.pk).state == "open"
    assert (
        hr.post(reverse("measurements:action", args=[measurement.pk, "explode"])).status_code == 404
    )


def test_leader_validates_own_unit_and_hr_sees_it(
    clients: dict[str, Client], measurement: Measurement
) -> None:
    start_validation(measurement)
    unit_page = (
        clients["unit_leader"].get(reverse("organisation:unit", args=["U1"])).content.decode()
    )
    assert "please validate this unit" in unit_page
    url = reverse("measurements:validate", args=[measurement.pk, "U1"])
    page = clients["unit_leader"].get(url).content.decode()
    assert "Lise Leder" in page and "anna@testby.dk" in page
    clients["unit_leader"].post(url, {"report": "1", "corrections": "Karl er stoppet 1. oktober"})
    validation = UnitValidation.objects.get(measurement=measurement, unit__code="U1")
    assert validation.status == "corrections"
    detail = (
        clients["hr"].get(reverse("measurements:detail", args=[measurement.pk])).content.decode()
    )
    assert (
        "Karl er stoppet 1. oktober" in detail
        and "0 confirmed and 1 with corrections, of 5 units" in detail
    )
    # The leader's login was later deleted: the page still shows the correction.
    UnitValidation.objects.filter(pk=validation.pk).update(answered_by=None)
    detail_url = reverse("measurements:detail", args=[measurement.pk])
    assert "Karl er stoppet" in clients["hr"].get(detail_url).content.decode()
    clients["hr"].post(reverse("measurements:handled", args=[measurement.pk, validation.pk]))
    validation.refresh_from_db()
    assert validation.handled
    clients["unit_leader"].post(url, {"confirm": "1"})
    validation.refresh_from_db()
    assert validation.status == "confirmed"
    page = clients["unit_leader"].get(url).content.decode()
    assert "you can answer again until the measurement opens" in page
    # Once open, the page says what is true now, and offers no buttons that cannot work.
    open_measurement(measurement)
    page = clients["unit_leader"].get(url).content.decode()
    assert "The measurement has opened, so the list can no longer be changed" in page
    assert "until the measurement opens" not in page and 'name="confirm"' not in page


def test_reporting_without_corrections_is_refused(
    clients: dict[str, Client], measurement: Measurement
) -> None:
    start_validation(measurement)
    url = reverse("measurements:validate", args=[measurement.pk, "U1"])
    response = clients["unit_leader"].post(url, {"report": "1", "corrections": "  "})
    assert response.status_code == 200 and "field-error" in response.content.decode()
    assert UnitValidation.objects.get(measurement=measurement, unit__code="U1").status == "pending"


@pytest.mark.parametrize(
    ("persona", "code", "status"),
    [("unit_leader", "U2", 404), ("trio", "U1", 403), ("outsider", "U1", 404),
     ("area_chief", "U1", 200), ("hr", "U3", 200)],
)  # fmt: skip
def test_validation_page_access(
    clients: dict[str, Client], measurement: Measurement, persona: str, code: str, status: int
) -> None:
    start_validation(measurement)
    url = reverse("measurements:validate", args=[measurement.pk, code])
    assert clients[persona].get(url).status_code == status


def test_every_step_asks_first_with_its_numbers(
    clients: dict[str, Client], measurement: Measurement
) -> None:
    """One misclick must not open or close a survey for thousands: the button leads to a page
    that says what will happen, in numbers; only its own button does it."""
    hr = clients["hr"]
    url = reverse("measurements:action", args=[measurement.pk, "open"])
    page = hr.post(url).content.decode()
    assert "Open for answers now?" in page and "8 people can answer from now on" in page
    assert "7 by e-mail, 1 by SMS; 0 need a letter" in page and "cannot be undone" in page
    assert Measurement.objects.get(pk=measurement.pk).state == "draft"  # nothing done yet
    hr.post(url, {"confirmed": "yes"})
    assert Measurement.objects.get(pk=measurement.pk).state == "open"
    close = reverse("measurements:action", args=[measurement.pk, "close"])
    page = hr.post(close).content.decode()
    assert "0 of 8 participants have answered; the other 8 can no longer answer." in page
    assert Measurement.objects.get(pk=measurement.pk).state == "open"
    remind = reverse("measurements:send", args=[measurement.pk, "reminders"])
    assert "people who have not answered get a reminder" in hr.post(remind).content.decode()


def test_hr_changes_and_deletes_a_draft_but_not_a_started_measurement(
    clients: dict[str, Client], questionnaire: Questionnaire
) -> None:
    hr = clients["hr"]
    hr.post(reverse("measurements:list"), form_data(questionnaire))
    measurement = Measurement.objects.get()
    edit = reverse("measurements:edit", args=[measurement.pk])
    page = hr.get(edit).content.decode()
    assert 'value="Trivselsmåling 2027"' in page and "SO-N U3" in page  # the plan as it is
    bad = hr.post(edit, form_data(questionnaire, units="GHOST")).content.decode()
    assert "These unit codes do not exist or are closed: GHOST" in bad
    hr.post(edit, form_data(questionnaire, name="Trivselsmåling efterår", units="SO"))
    measurement.refresh_from_db()
    assert measurement.name == "Trivselsmåling efterår"
    assert list(measurement.scope.values_list("unit__code", flat=True)) == ["SO"]
    delete = reverse("measurements:delete", args=[measurement.pk])
    assert "Delete the draft?" in hr.post(delete).content.decode()  # asks first
    assert Measurement.objects.exists()
    start_validation(measurement)  # started: neither can be done any more
    hr.post(edit, form_data(questionnaire, name="Changed"))
    hr.post(delete, {"confirmed": "yes"})
    measurement.refresh_from_db()
    assert measurement.name == "Trivselsmåling efterår"
    Measurement.objects.filter(pk=measurement.pk).update(state="draft")
    UnitValidation.objects.filter(measurement=measurement).delete()
    response = hr.post(delete, {"confirmed": "yes"}, follow=True)
    assert not Measurement.objects.exists() and "was deleted" in response.content.decode()


def test_hr_ticks_units_in_the_organisation_with_their_head_counts(
    clients: dict[str, Client], questionnaire: Questionnaire
) -> None:
    page = clients["hr"].get(reverse("measurements:list")).content.decode()
    assert 'name="picked" value="SO"' in page and "SO · 8 people" in page  # with those below
    assert 'value="U1"' not in page  # deeper units are typed by code
    data = form_data(questionnaire, units="U3") | {"picked": ["SO-N", "U3"]}
    response = clients["hr"].post(reverse("measurements:list"), data)
    assert response.status_code == 302
    measurement = Measurement.objects.get()
    assert sorted(measurement.scope.values_list("unit__code", flat=True)) == ["SO-N", "U3"]
    bad = clients["hr"].post(reverse("measurements:list"), form_data(questionnaire, units=""))
    assert "Name at least one unit." in bad.content.decode()
