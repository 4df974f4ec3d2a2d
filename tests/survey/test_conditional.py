"""Conditional questions as a respondent meets them, by personal link without JavaScript:
"From whom?" only after an exposure, decided on the server; a question not asked is not
shown, not accepted and not counted as left out; a changed answer takes its follow-up away."""

import re

import pytest
from django.test import Client

from tests.survey.test_answering import PAGE, SUBMIT, open_link, post_page
from trivsel.cycle.lifecycle import open_measurement
from trivsel.instruments.builder import add_instrument, add_page
from trivsel.instruments.models import Instrument, ItemVersion
from trivsel.measurements.models import Measurement
from trivsel.survey.answering import draft_of
from trivsel.survey.models import Answer, Invitation, Response

pytestmark = pytest.mark.django_db

NO = "5"  # exposure5: 1-4 are "Ja, ..." (exposed), 5 is "Nej"
KINDS = ("apv.bullying", "apv.sexual_harassment", "apv.threats", "apv.violence")


@pytest.fixture
def opened(measurement: Measurement) -> Measurement:
    """Screens: 1 social capital, 2 the APV, 3 its "from whom?" follow-up, 4 comments."""
    apv = add_page(measurement.questionnaire, {"da": "APV", "en": "APV"})
    add_instrument(apv, Instrument.objects.get(key="apv"))
    comments = add_page(measurement.questionnaire, {"da": "Kommentarer", "en": "Comments"})
    add_instrument(comments, Instrument.objects.get(key="comments"))
    open_measurement(measurement)
    return measurement


def field(key: str) -> str:
    return f"item-{ItemVersion.objects.get(item__key=key).pk}"


def apv_answers(**exposed: str) -> dict[str, str]:
    """Every exposure answered "Nej" unless given (e.g. bullying="2")."""
    return {field(key): exposed.get(key.split(".")[1], NO) for key in KINDS}


def invitation_of(measurement: Measurement) -> Invitation:
    invitation = Invitation.objects.filter(measurement=measurement).order_by("pk").first()
    assert invitation is not None
    return invitation


def saved_keys(invitation: Invitation) -> set[str]:
    draft = draft_of(invitation)
    assert draft is not None
    return set(
        Answer.objects.filter(response=draft).values_list("item_version__item__key", flat=True)
    )


def test_not_exposed_skips_from_whom_and_counts_it_as_not_asked(opened: Measurement) -> None:
    invitation, client = invitation_of(opened), Client()
    open_link(client, invitation)
    assert post_page(client, invitation, 1, {}).url == f"{PAGE}?page=2"
    assert "Side 2 af 3" in client.get(PAGE, {"page": 2}).content.decode()
    saved = post_page(client, invitation, 2, apv_answers())
    assert saved.url == f"{PAGE}?page=4"  # straight past the follow-up screen
    # The screens are counted as this person meets them: no gap where one was skipped.
    assert "Side 3 af 3" in client.get(PAGE, {"page": 4}).content.decode()
    # Typing the follow-up's address anyway: it asks nothing, so on to the next screen.
    assert client.get(PAGE, {"page": 3})["Location"] == f"{PAGE}?page=4"
    post_page(client, invitation, 4, {})
    submit_page = client.get(SUBMIT).content.decode()
    answered, total = map(int, re.search(r"(\d+) af (\d+)", submit_page).groups())  # type: ignore[union-attr]
    apv_items = len(Instrument.objects.get(key="apv").entries.all())
    everything = len(ItemVersion.objects.filter(item__key__startswith="sc.short.")) + apv_items + 1
    assert (answered, total) == (4, everything - 4)  # the four "from whom?" are not asked


def test_exposed_to_one_kind_is_asked_from_whom_for_that_kind_only(opened: Measurement) -> None:
    invitation, client = invitation_of(opened), Client()
    open_link(client, invitation)
    post_page(client, invitation, 1, {})
    assert post_page(client, invitation, 2, apv_answers(bullying="2")).url == f"{PAGE}?page=3"
    follow_up = client.get(PAGE, {"page": 3}).content.decode()
    assert "Hvis du har været udsat for mobning: fra hvem?" in follow_up
    assert "seksuel opmærksomhed: fra hvem?" not in follow_up
    assert "Side 3 af 4" in follow_up  # counted once it is asked: one screen more
    # A "from whom?" for a kind this person was not exposed to is refused, nothing saved.
    forged = post_page(client, invitation, 3, {field("apv.threats.from"): "1"})
    assert forged.status_code == 400
    assert "apv.threats.from" not in saved_keys(invitation)
    response = post_page(client, invitation, 3, {field("apv.bullying.from"): ["1", "3"]})
    assert response.url == f"{PAGE}?page=4"
    assert "apv.bullying.from" in saved_keys(invitation)
    # Back from the comments screen lands on the follow-up screen (it asks something).
    back = post_page(client, invitation, 4, {}, previous="1")
    assert back.url == f"{PAGE}?page=3"


def test_changing_the_exposure_to_no_takes_the_from_whom_answer_away(opened: Measurement) -> None:
    invitation, client = invitation_of(opened), Client()
    open_link(client, invitation)
    post_page(client, invitation, 2, apv_answers(violence="1"))
    post_page(client, invitation, 3, {field("apv.violence.from"): "3"})
    assert "apv.violence.from" in saved_keys(invitation)
    assert post_page(client, invitation, 2, apv_answers()).url == f"{PAGE}?page=4"
    assert "apv.violence.from" not in saved_keys(invitation)
    post_page(client, invitation, 4, {})
    draft = draft_of(invitation)
    assert draft is not None
    assert client.post(SUBMIT, {"revision": draft.revision}).status_code == 302
    stored = Response.objects.get(measurement=opened, submitted=True)
    keys = set(stored.answers.values_list("item_version__item__key", flat=True))
    assert not {key for key in keys if key.endswith(".from")}


def test_going_back_past_a_follow_up_that_asks_nothing(opened: Measurement) -> None:
    invitation, client = invitation_of(opened), Client()
    open_link(client, invitation)
    post_page(client, invitation, 2, apv_answers())
    assert post_page(client, invitation, 4, {}, previous="1").url == f"{PAGE}?page=2"


def test_a_survey_without_conditions_keeps_its_pages(measurement: Measurement) -> None:
    page = add_page(measurement.questionnaire, {"da": "Kommentarer", "en": "Comments"})
    add_instrument(page, Instrument.objects.get(key="comments"))
    open_measurement(measurement)
    invitation, client = invitation_of(measurement), Client()
    assert "Side 1 af 2" in open_link(client, invitation)
    assert post_page(client, invitation, 1, {}).url == f"{PAGE}?page=2"
