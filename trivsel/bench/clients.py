"""The benchmarks' browser: Django's test client signed in as a person, the whole way (for
an HR administrator with the second factor confirmed, as after the code page), so that what
is timed is the page, not a redirect to the code page. The tests sign in the same way."""

from typing import Any

from django.contrib.auth.models import User
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from trivsel.accounts.twofactor import needs_second_factor


def sign_in(client: Any, user: User) -> Any:
    """`client` signed in as `user`; for someone who needs the second factor, also
    confirmed with their authenticator (one is made for them if they have none)."""
    client.force_login(user)
    if needs_second_factor(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="signed-in", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def signed_in_client(user: User) -> Client:
    return sign_in(Client(HTTP_HOST="127.0.0.1"), user)  # type: ignore[no-any-return]
