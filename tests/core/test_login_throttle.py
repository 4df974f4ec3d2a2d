"""The login throttle, as the README documents it: 5 wrong passwords for one account from one
address make that pair wait 15 minutes (the owner elsewhere is not affected); 20 from one
address stop that address; 50 for one account within an hour, from anywhere, stop the
account. A refused attempt says how long to wait (429)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from trivsel.core import logins
from trivsel.core.models import LoginFailure

pytestmark = pytest.mark.django_db
RIGHT = "rigtig-adgangskode-1"


@pytest.fixture
def leder(db: None) -> User:
    return User.objects.create_user("leder", password=RIGHT)


def attempt(address: str, password: str, username: str = "leder") -> int:
    response = Client(REMOTE_ADDR=address).post(
        "/login/", {"username": username, "password": password}
    )
    return response.status_code


def test_five_wrong_from_one_address_stop_that_pair_not_the_owner_elsewhere(leder: User) -> None:
    for _ in range(logins.PAIR.failures):
        assert attempt("10.0.0.66", "forkert") == 200  # the form again, with its message
    response = Client(REMOTE_ADDR="10.0.0.66").post(
        "/login/", {"username": "Leder", "password": RIGHT}
    )
    assert response.status_code == 429  # even the right password, and any spelling
    assert "Too many wrong passwords. Try again in 15 minutes." in response.content.decode()
    assert attempt("10.0.0.5", RIGHT) == 302  # the owner at their own desk signs in
    # When the oldest failure is 15 minutes old, the pair may try again.
    LoginFailure.objects.update(at=timezone.now() - timedelta(minutes=15, seconds=1))
    assert attempt("10.0.0.66", RIGHT) == 302


def test_a_successful_sign_in_clears_the_pairs_failures(leder: User) -> None:
    for _ in range(logins.PAIR.failures - 1):
        attempt("10.0.0.66", "forkert")
    assert attempt("10.0.0.66", RIGHT) == 302
    assert not LoginFailure.objects.filter(address="10.0.0.66").exists()


def test_twenty_wrong_from_one_address_stop_it_for_every_account(leder: User) -> None:
    for number in range(logins.ADDRESS.failures):
        attempt("10.0.0.66", "forkert", username=f"bruger{number}")
    assert attempt("10.0.0.66", RIGHT) == 429
    assert attempt("10.0.0.67", RIGHT) == 302


def test_fifty_wrong_for_one_account_from_many_addresses_stop_the_account(leder: User) -> None:
    now = timezone.now()
    LoginFailure.objects.bulk_create(
        LoginFailure(username="leder", address=f"198.51.100.{n}", at=now - timedelta(minutes=30))
        for n in range(logins.ACCOUNT.failures)
    )
    assert attempt("10.0.0.5", RIGHT) == 429  # documented: the owner waits too
    assert attempt("10.0.0.5", "anden-bruger-1", username="amr") == 200  # others are not
    LoginFailure.objects.update(at=now - timedelta(hours=1, seconds=1))
    assert attempt("10.0.0.5", RIGHT) == 302


def test_a_refused_attempt_is_not_counted_and_old_failures_are_deleted(leder: User) -> None:
    LoginFailure.objects.create(
        username="x", address="1.1.1.1", at=timezone.now() - timedelta(days=2)
    )
    for _ in range(logins.PAIR.failures + 3):
        attempt("10.0.0.66", "forkert")
    assert LoginFailure.objects.filter(username="leder").count() == logins.PAIR.failures
    assert not LoginFailure.objects.filter(username="x").exists()


def test_a_refused_attempt_is_in_the_audit_log(leder: User) -> None:
    from trivsel.core.models import AuditEntry

    for _ in range(logins.PAIR.failures):
        attempt("10.0.0.66", "forkert")
    assert attempt("10.0.0.66", RIGHT) == 429
    entries = list(AuditEntry.objects.filter(action="sign-in failed").order_by("pk"))
    assert len(entries) == logins.PAIR.failures + 1
    assert entries[-1].detail == "refused: too many wrong passwords"
    assert entries[-1].address == "10.0.0.66" and entries[-1].target == "leder"
