"""Local passwords: the rules (at least 12 characters, not common, not only digits, not like
the user) and the page where a signed-in person changes theirs."""

import pytest
from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "weak",
    [
        "Kommune2024",
        "kort-kode",
        "password12345",
        "123456789012345",
        "leder-jensen-1",
        # what the attacker found accepted: a common word with digits and signs, a repeat
        "Kommune2024!",
        "Sommer2024!!",
        "Velkommen123",
        "Trivsel2026!",
        "Soeby2024!!!",
        "Aarhus2024!!",
        "amr-amr-amr-",
        "Kærlighed2025",
        "Password1234!",
        "SØNDAG-2024-!",
    ],
)
def test_weak_passwords_are_refused(weak: str) -> None:
    user = User(username="leder-jensen", first_name="Leder", last_name="Jensen")
    with pytest.raises(ValidationError):
        password_validation.validate_password(weak, user)


@pytest.mark.parametrize(
    "good",
    ["grøn kaffe ved søen", "Kommune-kaffe-ved-søen", "tre blå heste i Vejle", "qx7#Lm2!pR9z"],
)
def test_a_long_uncommon_password_is_accepted(good: str) -> None:
    password_validation.validate_password(good, User(username="leder"))


def test_change_password_refuses_wrong_current_and_weak_new_then_changes(db: None) -> None:
    user = User.objects.create_user("leder", password="gammel-adgangskode-1")
    client = Client()
    client.force_login(user)
    url = reverse("password_change")
    page = client.get(url)
    assert page.status_code == 200 and "At least 12 characters" in page.content.decode()
    wrong = client.post(url, {"old_password": "forkert", "new_password1": "grøn kaffe ved søen",
                              "new_password2": "grøn kaffe ved søen"})  # fmt: skip
    assert wrong.status_code == 200 and "incorrectly" in wrong.content.decode()
    weak = client.post(url, {"old_password": "gammel-adgangskode-1",
                             "new_password1": "Kommune2024",
                             "new_password2": "Kommune2024"})  # fmt: skip
    assert weak.status_code == 200 and "too short" in weak.content.decode()
    user.refresh_from_db()
    assert user.check_password("gammel-adgangskode-1")  # nothing changed
    done = client.post(url, {"old_password": "gammel-adgangskode-1",
                             "new_password1": "grøn kaffe ved søen",
                             "new_password2": "grøn kaffe ved søen"})  # fmt: skip
    assert done.status_code == 302 and done["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password("grøn kaffe ved søen")
    assert client.get(reverse("home")).status_code == 200  # still signed in here


def test_signed_out_person_is_sent_to_log_in(db: None) -> None:
    response = Client().get(reverse("password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
