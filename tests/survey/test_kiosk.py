"""The kiosk: a short code typed on a shared tablet, rate-limited against guessing."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trivsel.cycle.lifecycle import close_measurement, open_measurement
from trivsel.instruments.models import ItemVersion
from trivsel.measurements.models import Measurement
from trivsel.survey import kiosk
from trivsel.survey.answering import draft_of, submit
from trivsel.survey.models import Answer, Invitation, KioskAttempt, Response

pytestmark = pytest.mark.django_db
START = "/kiosk/"


@pytest.fixture
def invitation(measurement: Measurement) -> Invitation:
    open_measurement(measurement)
    found = Invitation.objects.filter(measurement=measurement).order_by("pk").first()
    assert found is not None
    return found


def items() -> list[ItemVersion]:
    return list(ItemVersion.objects.filter(item__key__startswith="sc.short.").order_by("item__key"))


def type_code(client: Client, code: str, **extra: str) -> object:
    return client.post(START, {"code": code}, **extra)  # type: ignore[arg-type]


def test_answer_with_the_code_stop_resume_and_submit(invitation: Invitation) -> None:
    tablet = Client()
    assert "Din kode" in tablet.get(START).content.decode()
    # Lower case, spaces and dashes are forgiven.
    messy = invitation.short_code.lower()[:5] + " - " + invitation.short_code.lower()[5:]
    response = tablet.post(START, {"code": messy})
    assert response.status_code == 302 and response["Location"] == reverse("kiosk:page")
    page = tablet.get(reverse("kiosk:page")).content.decode()
    assert "Side 1 af 1" in page and "med den samme kode" in page
    assert invitation.token not in page
    assert invitation.short_code not in page
    first = items()[0]
    tablet.post(reverse("kiosk:page"), {"page": 1, "revision": 0, f"item-{first.pk}": "3"})
    # Stop: the next person at the tablet starts afresh; the saved page is kept.
    stopped = tablet.post(reverse("kiosk:stop"), follow=True).content.decode()
    assert "Du har forladt undersøgelsen" in stopped
    assert tablet.get(reverse("kiosk:page"))["Location"] == START
    # Later, the same person resumes with the same code and submits.
    tablet.post(START, {"code": invitation.short_code})
    resumed = tablet.get(reverse("kiosk:page") + "?page=1").content.decode()
    assert f'name="item-{first.pk}" value="3" checked' in resumed
    draft = draft_of(invitation)
    assert draft is not None
    done = tablet.post(
        reverse("kiosk:submit"), {"revision": draft.revision}, follow=True
    ).content.decode()
    assert "Tak for dine svar" in done
    invitation.refresh_from_db()
    assert invitation.responded and draft_of(invitation) is None
    assert Answer.objects.filter(response__measurement=invitation.measurement).count() == 1
    # The kiosk session ended with the thanks page.
    assert tablet.get(reverse("kiosk:page"))["Location"] == START


def test_a_guessed_code_is_refused_and_changes_nothing(invitation: Invitation) -> None:
    tablet = Client()
    guess = "ABCDEFGHJK" if invitation.short_code != "ABCDEFGHJK" else "BCDEFGHJKM"
    response = tablet.post(START, {"code": guess})
    assert response.status_code == 400
    assert "Koden blev ikke genkendt" in response.content.decode()
    assert kiosk.SESSION_KEY not in tablet.session
    assert tablet.get(reverse("kiosk:page"))["Location"] == START
    malformed = tablet.post(START, {"code": "12"})
    assert malformed.status_code == 400 and "10 bogstaver og tal" in malformed.content.decode()
    assert Response.objects.count() == 0
    # Only the failures are kept, with the client and time: no code, no person.
    assert KioskAttempt.objects.count() == 2
    assert {f.name for f in KioskAttempt._meta.get_fields()} == {"id", "client", "address", "at"}


def test_after_five_wrong_codes_even_a_right_one_waits(invitation: Invitation) -> None:
    tablet = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(kiosk.MAX_FAILURES):
        assert tablet.post(START, {"code": "ZZZZZZZZZZ"}).status_code == 400
    refused = tablet.post(START, {"code": invitation.short_code})
    assert refused.status_code == 429
    assert "For mange forkerte koder fra denne enhed" in refused.content.decode()
    assert kiosk.SESSION_KEY not in tablet.session
    # Another device is not affected.
    other = Client(REMOTE_ADDR="10.0.0.8")
    assert other.post(START, {"code": invitation.short_code}).status_code == 302
    # When the window has passed, the first device may try again.
    KioskAttempt.objects.update(at=timezone.now() - kiosk.WINDOW - timedelta(seconds=1))
    assert tablet.post(START, {"code": invitation.short_code}).status_code == 302


def test_wait_minutes_counts_from_the_oldest_failure_in_the_window() -> None:
    now = timezone.now()
    for minutes_ago in (14, 10, 5, 2, 1):
        KioskAttempt.objects.create(client="c", at=now - timedelta(minutes=minutes_ago))
    assert kiosk.wait_minutes("c", now=now) == 1
    KioskAttempt.objects.create(client="c", at=now)
    assert kiosk.wait_minutes("c", now=now) == 5  # the five newest: oldest 10 minutes ago
    assert kiosk.wait_minutes("other", now=now) == 0


def test_a_closed_measurements_code_no_longer_works_answered_or_not(
    invitation: Invitation,
) -> None:
    other = (
        Invitation.objects.exclude(pk=invitation.pk)
        .filter(measurement=invitation.measurement)
        .first()
    )
    assert other is not None
    submit(other, 0)
    close_measurement(invitation.measurement)  # the codes are deleted with the invitations

    def page(code: str) -> str:
        html = Client().post(START, {"code": code}, follow=True).content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html).replace(code, "CODE")

    assert page(invitation.short_code) == page(other.short_code)
    assert "Når en undersøgelse er lukket, virker dens koder ikke længere" in page(other.short_code)
    assert "Gem og fortsæt" not in page(other.short_code)


def test_english_kiosk() -> None:
    page = Client().get(START + "?lang=en").content.decode()
    assert "Answer the survey with your code" in page and 'lang="en"' in page


def test_one_tablets_wrong_codes_do_not_lock_another_behind_the_same_address(
    invitation: Invitation,
) -> None:
    """Behind the municipality's proxy or NAT every tablet has the same address: the limit
    counts per device (its signed cookie from the kiosk page)."""
    first, second = Client(REMOTE_ADDR="10.0.0.7"), Client(REMOTE_ADDR="10.0.0.7")
    for tablet in (first, second):
        tablet.get(START)
        assert kiosk.DEVICE_COOKIE in tablet.cookies
    for _ in range(kiosk.MAX_FAILURES):
        assert first.post(START, {"code": "ZZZZZZZZZZ"}).status_code == 400
    assert first.post(START, {"code": invitation.short_code}).status_code == 429
    assert second.post(START, {"code": invitation.short_code}).status_code == 302
    # A forged device cookie is no device: it counts against the address like no cookie.
    forged = Client(REMOTE_ADDR="10.0.0.7")
    forged.cookies[kiosk.DEVICE_COOKIE] = "made-up"
    assert forged.post(START, {"code": "ZZZZZZZZZZ"}).status_code == 400
    assert KioskAttempt.objects.filter(client="address:10.0.0.7").count() == 1


def test_the_address_comes_from_x_forwarded_for_only_through_a_trusted_proxy(
    invitation: Invitation,
) -> None:
    # Straight from a client: its own X-Forwarded-For is ignored, so it cannot change it.
    direct = Client(REMOTE_ADDR="10.0.0.9")
    for number in range(kiosk.MAX_FAILURES):
        direct.post(START, {"code": "ZZZZZZZZZZ"}, HTTP_X_FORWARDED_FOR=f"1.2.3.{number}")
    assert KioskAttempt.objects.filter(client="address:10.0.0.9").count() == kiosk.MAX_FAILURES
    refused = direct.post(START, {"code": invitation.short_code}, HTTP_X_FORWARDED_FOR="9.9.9.9")
    assert refused.status_code == 429
    # Through the proxy (127.0.0.1 by default): the address it saw is the client's.
    proxied = Client(REMOTE_ADDR="127.0.0.1")
    proxied.post(START, {"code": "ZZZZZZZZZZ"}, HTTP_X_FORWARDED_FOR="203.0.113.5, 127.0.0.1")
    assert KioskAttempt.objects.filter(client="address:203.0.113.5").count() == 1


def test_all_kiosks_pause_when_the_hours_budget_of_wrong_codes_is_used(
    invitation: Invitation, settings: Any
) -> None:
    settings.KIOSK_WRONG_CODES_PER_HOUR = 20
    now = timezone.now()
    KioskAttempt.objects.bulk_create(
        KioskAttempt(client=f"device:guesser{number}", at=now - timedelta(minutes=30))
        for number in range(20)
    )
    tablet = Client()
    tablet.get(START)
    paused = tablet.post(START, {"code": invitation.short_code})
    assert paused.status_code == 429
    assert "Indtastning af koder er sat på pause" in paused.content.decode()
    KioskAttempt.objects.update(at=now - timedelta(minutes=61))
    assert tablet.post(START, {"code": invitation.short_code}).status_code == 302


def test_one_client_making_new_devices_cannot_use_up_every_kiosk_s_budget(
    invitation: Invitation, settings: Any
) -> None:
    """A device id is free (each new browser session gets one), so one client address
    accepts at most KIOSK_WRONG_CODES_PER_ADDRESS wrong codes an hour whatever devices it
    claims: the attacker stops long before the shared budget, and kiosks elsewhere go on."""
    settings.KIOSK_WRONG_CODES_PER_HOUR = 60
    statuses = []
    for _device in range(12):  # 12 fresh devices x 5 codes = 60, the whole budget
        guesser = Client(REMOTE_ADDR="198.51.100.7")
        guesser.get(START)
        statuses += [guesser.post(START, {"code": "ZZZZZZZZZZ"}).status_code for _ in range(5)]
    limit = settings.KIOSK_WRONG_CODES_PER_ADDRESS
    assert statuses[:limit] == [400] * limit and set(statuses[limit:]) == {429}
    assert KioskAttempt.objects.count() == limit
    elsewhere = Client(REMOTE_ADDR="10.20.30.40")
    elsewhere.get(START)
    assert elsewhere.post(START, {"code": invitation.short_code}).status_code == 302
