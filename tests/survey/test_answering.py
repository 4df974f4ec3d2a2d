"""Answering: the whole survey by personal link, every refusal, and anonymity after close."""

import logging
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.anonymity import assert_no_link_from_responses_to_people
from trivsel.cycle.lifecycle import close_measurement, create_measurement, open_measurement
from trivsel.instruments.builder import add_instrument, add_page
from trivsel.instruments.models import Instrument, ItemVersion
from trivsel.measurements.models import Measurement
from trivsel.survey.answering import draft_of, submit
from trivsel.survey.models import Answer, Invitation, Response

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(measurement: Measurement) -> Measurement:
    page = add_page(measurement.questionnaire, {"da": "Kommentarer", "en": "Comments"})
    add_instrument(page, Instrument.objects.get(key="comments"))
    open_measurement(measurement)
    return measurement


def short_form() -> list[ItemVersion]:
    return list(ItemVersion.objects.filter(item__key__startswith="sc.short.").order_by("item__key"))


PAGE, SUBMIT = "/s/svar/", "/s/svar/send/"


def link(invitation: Invitation) -> str:
    return reverse("survey:link", args=[invitation.token])


def open_link(client: Client, invitation: Invitation, query: str = "") -> str:
    """Follow the personal link (it redirects to the token-free page) and return the page."""
    return str(client.get(link(invitation) + query, follow=True).content.decode())


def post_page(
    client: Client, invitation: Invitation, page: int, answers: dict[str, Any], **extra: Any
) -> Any:
    client.get(link(invitation))  # (again: another person may have used this browser)
    invitation.refresh_from_db()
    draft = draft_of(invitation)
    revision = draft.revision if draft else 0
    data = {"page": page, "revision": revision, "next": "1"} | answers | extra
    return client.post(PAGE, data)


def test_every_participant_gets_an_unguessable_invitation(opened: Measurement) -> None:
    invitations = Invitation.objects.filter(measurement=opened)
    assert invitations.count() == 8
    assert all(len(i.token) >= 32 for i in invitations)  # 24 random bytes, url-safe
    assert len({i.token for i in invitations}) == 8


def test_answer_the_whole_survey_resume_and_submit(opened: Measurement) -> None:
    invitation = Invitation.objects.filter(measurement=opened).first()
    assert invitation is not None
    client = Client()
    first = open_link(client, invitation)
    assert "Samarbejdet mellem mig og mine kolleger er godt." in first
    items = short_form()
    answers = {f"item-{items[0].pk}": "4", f"item-{items[1].pk}": "3"}
    assert post_page(client, invitation, 1, answers).status_code == 302
    # Resume from another device with the same link: the answers are there, on page 2.
    other_device = Client()
    page2 = open_link(other_device, invitation)
    assert "Side 2 af 2" in page2
    comment = ItemVersion.objects.get(item__key="free.comments")
    post_page(other_device, invitation, 2, {f"item-{comment.pk}": "Godt samarbejde"})
    page1 = other_device.get(PAGE + "?page=1").content.decode()
    assert f'name="item-{items[0].pk}" value="4" checked' in page1
    response = other_device.get(SUBMIT)
    assert "Du har besvaret 3 af 5 spørgsmål" in response.content.decode()
    draft = draft_of(invitation)
    assert draft is not None and draft.language == "da"
    other_device.post(SUBMIT, {"revision": draft.revision})
    invitation.refresh_from_db()
    assert invitation.responded and draft_of(invitation) is None
    stored = Response.objects.get(measurement=opened)
    assert stored.is_submitted and stored.submitted_on == timezone.localdate()
    expected = {(items[0].pk, 4, ""), (items[1].pk, 3, ""), (comment.pk, None, "Godt samarbejde")}
    assert {(a.item_version_id, a.value, a.text) for a in stored.answers.all()} == expected
    assert "Tak for dine svar" in open_link(other_device, invitation)


def test_language_switch(opened: Measurement) -> None:
    invitation = Invitation.objects.filter(measurement=opened).first()
    assert invitation is not None
    client = Client()
    english = open_link(client, invitation, "?lang=en")
    assert (
        "Collaboration between me and my colleagues is good." in english and 'lang="en"' in english
    )
    assert "Collaboration between me" in client.get(PAGE).content.decode()  # remembered


def test_same_page_twice_is_refused_and_changes_nothing(opened: Measurement) -> None:
    invitation = Invitation.objects.filter(measurement=opened).first()
    assert invitation is not None
    client = Client()
    item = short_form()[0]
    client.get(link(invitation))
    client.post(PAGE, {"page": 1, "revision": 0, f"item-{item.pk}": "4", "next": "1"})
    response = client.post(
        PAGE,
        {"page": 1, "revision": 0, f"item-{item.pk}": "0", "next": "1"},
        follow=True,
    )
    assert (
        "already saved" in response.content.decode() or "allerede gemt" in response.content.decode()
    )
    assert Answer.objects.get(item_version=item).value == 4


def test_tampered_value_is_refused_with_a_message(opened: Measurement) -> None:
    invitation = Invitation.objects.filter(measurement=opened).first()
    assert invitation is not None
    item = short_form()[0]
    response = post_page(Client(), invitation, 1, {f"item-{item.pk}": "99"})
    assert response.status_code == 400
    assert (
        "ikke et af de svar" in response.content.decode()
        or "not one of the answers" in response.content.decode()
    )
    assert not Response.objects.exists()


def test_unknown_item_and_other_measurements_items_are_refused(
    opened: Measurement, org: dict[str, Any]
) -> None:
    invitation = Invitation.objects.filter(measurement=opened).first()
    assert invitation is not None
    apv_item = ItemVersion.objects.get(item__key="apv.bullying")  # not in this questionnaire
    for field in (f"item-{apv_item.pk}", "item-999999"):
        response = post_page(Client(), invitation, 1, {field: "1"})
        assert response.status_code == 400
    assert not Response.objects.exists()


def test_token_of_another_measurement_cannot_answer_this_one(
    opened: Measurement, org: dict[str, Any]
) -> None:
    now = timezone.now()
    other = create_measurement(
        units=[org["BA"]], name="Andet", questionnaire=opened.questionnaire,
        validation_starts=now, opens_at=now, closes_at=now + timedelta(days=1),
        results_release_at=now + timedelta(days=2),
    )  # fmt: skip
    open_measurement(other)
    theirs = Invitation.objects.filter(measurement=other).first()
    assert theirs is not None
    response = post_page(Client(), theirs, 1, {f"item-{short_form()[0].pk}": "4"})
    assert response.status_code == 302
    assert Response.objects.get().measurement == other  # answers land only in their own
    assert Client().get(reverse("survey:link", args=["not-a-real-token"])).status_code == 404


def test_closed_measurement_refuses_answers(opened: Measurement) -> None:
    invitation = Invitation.objects.filter(measurement=opened).first()
    assert invitation is not None
    client = Client()
    client.get(link(invitation))
    close_measurement(opened)
    response = client.post(PAGE, {"page": 1, "revision": 0, f"item-{short_form()[0].pk}": "4"})
    assert "lukket" in response.content.decode()
    assert not Response.objects.exists()


def test_after_close_nothing_links_a_response_to_a_person(opened: Measurement) -> None:
    invitations = list(Invitation.objects.filter(measurement=opened))
    item = short_form()[0]
    for invitation in invitations[:3]:
        client = Client()
        post_page(client, invitation, 1, {f"item-{item.pk}": "3"})
        draft = draft_of(invitation)
        assert draft is not None
        client.post(SUBMIT, {"revision": draft.revision})
    post_page(Client(), invitations[3], 1, {f"item-{item.pk}": "2"})  # started, never submitted
    close_measurement(opened)

    assert Response.objects.count() == 3  # the unfinished one is gone
    assert_no_link_from_responses_to_people()


def test_after_close_every_old_link_shows_the_same_closed_page(opened: Measurement) -> None:
    """An old link must not tell whether its person answered: before close the one who
    answered is thanked, after close both links show the same closed page."""
    answered, not_answered = list(Invitation.objects.filter(measurement=opened))[:2]
    submit(answered, 0)
    assert "Tak for dine svar" in open_link(Client(), answered)
    close_measurement(opened)

    def closed_page(invitation: Invitation) -> str:
        html = open_link(Client(), invitation)
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        return html.replace(invitation.token, "TOKEN")

    assert closed_page(answered) == closed_page(not_answered)
    page = closed_page(answered)
    assert "Linket virker ikke" in page and "lukket" in page and "Tak for dine svar" not in page


def test_survey_pages_are_never_cached(opened: Measurement) -> None:
    """On a shared tablet, Back must not show the previous person's answers."""
    invitation = Invitation.objects.filter(measurement=opened).first()
    assert invitation is not None
    client = Client()
    client.get(link(invitation))
    for response in (client.get(PAGE), client.get(SUBMIT), Client().get(reverse("kiosk:start"))):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]


def test_the_token_leaves_the_address_after_the_first_request(
    opened: Measurement, caplog: pytest.LogCaptureFixture
) -> None:
    """The link's token is in the first request only: it redirects to an address without
    it, and no later address, redirect target or log record holds it — also when a page is
    refused (Django logs 400s) or the session has run out."""
    invitation = Invitation.objects.filter(measurement=opened).first()
    assert invitation is not None
    token = invitation.token
    client = Client()
    caplog.set_level(logging.DEBUG)
    first = client.get(link(invitation))
    assert first.status_code == 302 and token not in first["Location"]
    addresses = [first["Location"]]
    item = short_form()[0]
    response = client.post(PAGE, {"page": 1, "revision": 0, f"item-{item.pk}": "4", "next": "1"})
    addresses.append(response["Location"])
    refused = client.post(PAGE, {"page": 1, "revision": 1, "item-999999": "4", "next": "1"})
    assert refused.status_code == 400
    draft = draft_of(invitation)
    assert draft is not None
    done = client.post(SUBMIT, {"revision": draft.revision})
    addresses.append(done["Location"])
    assert all(token not in address for address in addresses)
    assert not any(token in record.getMessage() for record in caplog.records)
    assert Response.objects.filter(submitted=True).count() == 1
    # Without the link in this browser the page says to open it again; it holds no token.
    stranger = Client().get(PAGE)
    assert (
        stranger.status_code == 400 and "Åbn dit personlige link igen" in stranger.content.decode()
    )


def test_a_malformed_revision_is_a_400_with_the_surveys_message(opened: Measurement) -> None:
    """A broken or tampered form (revision "x", or none) saves nothing and says so in the
    survey's own page, on the page and at submit: never a server error."""
    invitation = Invitation.objects.filter(measurement=opened).first()
    assert invitation is not None
    item = short_form()[0]
    client = Client()
    for revision in ("x", ""):
        response = post_page(client, invitation, 1, {f"item-{item.pk}": "3"}, revision=revision)
        assert response.status_code == 400
        assert "ufuldstændig" in response.content.decode()
        assert "Intet blev ændret" in response.content.decode()
        submitted = client.post(SUBMIT, {"revision": revision})
        assert submitted.status_code == 400
    assert not Response.objects.exists()


def test_a_post_naming_no_page_or_a_page_that_is_not_there_is_a_400(opened: Measurement) -> None:
    invitation = Invitation.objects.filter(measurement=opened).first()
    assert invitation is not None
    item = short_form()[0]
    client = Client()
    for page in ("", "x", "0", "99"):
        response = post_page(client, invitation, page, {f"item-{item.pk}": "3"})  # type: ignore[arg-type]
        assert response.status_code == 400, page
        assert "ufuldstændig" in response.content.decode()
    assert not Answer.objects.exists()


def test_a_refusal_is_in_the_surveys_language_not_the_browsers(opened: Measurement) -> None:
    invitation = Invitation.objects.filter(measurement=opened).first()
    assert invitation is not None
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US")
    open_link(client, invitation)  # the survey is in Danish unless the person chooses English
    comment = ItemVersion.objects.get(item__key="free.comments")
    response = post_page(client, invitation, 1, {f"item-{comment.pk}": "Hej"})  # page 2's
    assert response.status_code == 400
    assert "Dette spørgsmål findes ikke på denne side." in response.content.decode()


def test_an_expired_form_gets_our_own_page_not_the_frameworks(opened: Measurement) -> None:
    invitation = Invitation.objects.filter(measurement=opened).first()
    assert invitation is not None
    client = Client(enforce_csrf_checks=True)
    open_link(client, invitation)
    response = client.post(PAGE, {"page": 1, "revision": 0})  # no CSRF token: expired
    assert response.status_code == 403
    html = response.content.decode()
    assert "Siden var udløbet" in html and "Åbn dit personlige link igen" in html
    assert "DEBUG" not in html


def test_a_locked_database_says_in_danish_that_nothing_was_saved(
    opened: Measurement, monkeypatch: Any
) -> None:
    from django.db import OperationalError

    def locked(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr("trivsel.survey.views.save_page", locked)
    invitation = Invitation.objects.filter(measurement=opened).first()
    assert invitation is not None
    item = short_form()[0]
    danish = Client(HTTP_ACCEPT_LANGUAGE="da")  # the browser's language
    response = post_page(danish, invitation, 1, {f"item-{item.pk}": "3"})
    assert response.status_code == 503 and response["Retry-After"] == "30"
    html = response.content.decode()
    assert 'lang="da"' in html and "Det, du sendte, blev ikke gemt." in html
    assert "Server Error" not in html
