"""HR administrators (and superusers) confirm each sign-in with a TOTP code: until they do,
every page sends them to the code page (or, the first time, to set up the app); a wrong code
is refused, slowed down and audited; a code is accepted once; leaders are not asked."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import signed_in
from trivsel.core.models import AuditEntry

pytestmark = pytest.mark.django_db

PAGES = ["/", "/organisation/", "/measurements/", "/organisation/audit/", "/password/"]


def code_of(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():06d}"


def password_client(user: User) -> Client:
    """Signed in with the password only (the first factor), as after the login page."""
    client = Client()
    client.force_login(user)
    return client


def test_hr_without_an_app_is_sent_to_set_it_up_from_every_page(users: dict[str, User]) -> None:
    client = password_client(users["hr"])
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("second_factor_setup") + "?next="), url
    page = client.get(reverse("second_factor_setup"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html  # the QR code, inline (the CSP allows data:)
    device = TOTPDevice.objects.get(user=users["hr"])
    assert not device.confirmed
    assert client.get(reverse("second_factor_setup")).status_code == 200
    assert TOTPDevice.objects.filter(user=users["hr"]).count() == 1  # the same secret again


def test_setting_up_the_app_confirms_it_and_opens_the_pages(users: dict[str, User]) -> None:
    client = password_client(users["hr"])
    client.get(reverse("second_factor_setup"))
    device = TOTPDevice.objects.get(user=users["hr"])
    url = reverse("second_factor_setup") + "?next=/measurements/"
    wrong = client.post(url, {"code": code_of(device, offset=10), "next": "/measurements/"})
    assert wrong.status_code == 400 and "was not right" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    device.throttling_failure_count = 0  # as if the second's wait had passed
    device.save()
    done = client.post(url, {"code": code_of(device), "next": "/measurements/"})
    assert done.status_code == 302 and done["Location"] == "/measurements/"
    device.refresh_from_db()
    assert device.confirmed
    for page in PAGES:
        assert client.get(page).status_code == 200, page
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-3:] == ["second factor failed", "second factor set up", "second factor"]


def test_a_confirmed_app_is_asked_for_at_each_sign_in(users: dict[str, User]) -> None:
    device = TOTPDevice.objects.create(user=users["hr"], name="telefon", confirmed=True)
    client = password_client(users["hr"])
    response = client.get("/organisation/")
    assert response["Location"] == reverse("second_factor") + "?next=%2Forganisation%2F"
    assert client.get(reverse("second_factor_setup"))["Location"].startswith(
        reverse("second_factor")
    )  # no second app behind the person's back
    assert client.post(reverse("second_factor"), {"code": "12 34"}).status_code == 400
    device.throttling_failure_count = 0
    device.save()
    code = code_of(device)
    ok = client.post(reverse("second_factor"), {"code": code, "next": "/organisation/"})
    assert ok["Location"] == "/organisation/"
    assert client.get("/organisation/").status_code == 200
    # The same code again, from another browser: refused (a code is used once).
    other = password_client(users["hr"])
    assert other.post(reverse("second_factor"), {"code": code}).status_code == 400
    assert other.get("/organisation/").status_code == 302


def test_wrong_codes_slow_down_even_the_right_one(users: dict[str, User]) -> None:
    device = TOTPDevice.objects.create(user=users["hr"], name="telefon", confirmed=True)
    client = password_client(users["hr"])
    client.post(reverse("second_factor"), {"code": code_of(device, offset=20)})
    refused = client.post(reverse("second_factor"), {"code": code_of(device)})
    assert refused.status_code == 400
    assert "Too many wrong codes. Wait" in refused.content.decode()
    assert client.get("/organisation/").status_code == 302


def test_the_next_address_cannot_lead_elsewhere(users: dict[str, User]) -> None:
    device = TOTPDevice.objects.create(user=users["hr"], name="telefon", confirmed=True)
    client = password_client(users["hr"])
    ok = client.post(reverse("second_factor"), {"code": code_of(device),
                                                "next": "https://evil.example/"})  # fmt: skip
    assert ok["Location"] == reverse("home")


def test_leaders_trio_and_employees_are_not_asked(clients: dict[str, Client]) -> None:
    for persona in ("area_chief", "unit_leader", "trio", "outsider"):
        assert clients[persona].get("/").status_code == 200, persona


def test_a_superuser_is_asked_too(org: Any) -> None:
    root = User.objects.create_superuser("root", password="pw")
    assert (
        password_client(root).get("/admin/")["Location"].startswith(reverse("second_factor_setup"))
    )
    assert signed_in(Client(), root).get("/admin/").status_code == 200


def test_signing_out_and_the_language_stay_open(users: dict[str, User]) -> None:
    client = password_client(users["hr"])
    assert client.post(reverse("set_language"), {"language": "da", "next": "/"}).status_code == 302
    assert client.post(reverse("logout"))["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_a_lost_phone_is_reset_by_it_and_the_session_is_no_longer_confirmed(
    users: dict[str, User], clients: dict[str, Client]
) -> None:
    assert clients["hr"].get("/organisation/").status_code == 200
    call_command("reset_second_factor", "hr", stdout=None)
    assert not TOTPDevice.objects.filter(user=users["hr"]).exists()
    response = clients["hr"].get("/organisation/")
    assert response["Location"].startswith(reverse("second_factor_setup"))
    entry = AuditEntry.objects.get(action="second factor reset")
    assert entry.target == "hr" and entry.actor == "manage.py reset_second_factor"


def test_switched_off_nobody_is_asked(users: dict[str, User], settings: Any) -> None:
    settings.SECOND_FACTOR_FOR_HR = False
    assert password_client(users["hr"]).get("/organisation/").status_code == 200
