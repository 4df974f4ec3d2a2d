"""Forms anyone can send are small: a body over the limit is refused with 413 before it is
read, and nothing sent is shown back — not on the survey, the kiosk or the login."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.survey.test_answering import PAGE, open_link, opened, post_page  # noqa: F401
from trivsel.instruments.models import ItemVersion
from trivsel.measurements.models import Measurement
from trivsel.survey.models import Answer, Invitation

pytestmark = pytest.mark.django_db

FLOOD = "Æ" * 200_000  # 400 KB as UTF-8: over the 256 KB limit


def invitation_in(measurement: Measurement) -> Invitation:
    invitation = Invitation.objects.filter(measurement=measurement).first()
    assert invitation is not None
    return invitation


@pytest.mark.parametrize("path", [PAGE, "/kiosk/", "/login/", "/i18n/setlang/"])
def test_a_body_over_the_limit_is_413_and_not_shown_back(
    opened: Measurement,  # noqa: F811
    path: str,
) -> None:
    client = Client()
    open_link(client, invitation_in(opened))
    response = client.post(path, {"code": FLOOD, "username": FLOOD, "item-1": FLOOD})
    assert response.status_code == 413
    html = response.content.decode()
    assert "ÆÆÆ" not in html and len(html) < 5000
    assert not Answer.objects.exists()


def test_a_comment_over_the_maximum_is_refused_without_echo_and_the_maximum_is_shown(
    opened: Measurement,  # noqa: F811
) -> None:
    invitation, client = invitation_in(opened), Client()
    open_link(client, invitation)
    assert "Højst 5.000 tegn" in client.get(PAGE, {"page": "2"}).content.decode()
    comment = ItemVersion.objects.get(item__key="free.comments")
    response: Any = post_page(client, invitation, 2, {f"item-{comment.pk}": "x" * 6000})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Teksten er længere end 5000 tegn." in html and "x" * 6000 not in html
    assert not Answer.objects.exists()


def test_a_long_kiosk_code_is_not_shown_back(opened: Measurement) -> None:  # noqa: F811
    response = Client().post(reverse("kiosk:start"), {"code": "Q" * 5000})
    assert response.status_code in (200, 400)
    assert "Q" * 100 not in response.content.decode()


def test_line_breaks_count_as_the_browser_counts_them(
    opened: Measurement,  # noqa: F811
) -> None:
    """A browser counts a line break as one character but sends two (CR LF): a comment that
    fitted the shown maximum in the browser is saved, its line breaks kept."""
    invitation, client = invitation_in(opened), Client()
    open_link(client, invitation)
    comment = ItemVersion.objects.get(item__key="free.comments")
    text = ("y" * 99 + "\r\n") * 50  # 5,000 characters in the browser, 5,050 sent
    response: Any = post_page(client, invitation, 2, {f"item-{comment.pk}": text})
    assert response.status_code == 302
    assert Answer.objects.get(item_version=comment).text == text.replace("\r\n", "\n").strip()
