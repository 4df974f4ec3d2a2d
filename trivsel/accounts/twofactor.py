"""The second factor: HR administrators (and superusers, who have the admin site) confirm each
sign-in with a six-digit code from an authenticator app (TOTP, RFC 6238, django-otp),
whether they signed in with a password or through the identity provider.

Until they have, every page answers with a redirect to the code page (or, the first time, to
the page that sets up the app); only signing out and the language switch stay open. Wrong
codes slow down (django-otp's throttle doubles the wait after each) and are audited.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from trivsel.core.audit import record
from trivsel.organisation.models import Role, RoleGrant

OPEN_PATHS = ("/login/code/", "/logout/", "/i18n/")


def needs_second_factor(user: User) -> bool:
    if not settings.SECOND_FACTOR_FOR_HR or not user.is_authenticated:
        return False
    return user.is_superuser or RoleGrant.objects.filter(user=user, role=Role.HR_ADMIN).exists()


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()  # type: ignore[no-any-return]


def new_device(user: User) -> TOTPDevice:
    """The device being set up: made once, kept until it is confirmed (a reload of the set-up
    page shows the same secret, so a scan already made stays valid)."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device  # type: ignore[no-any-return]


def check_code(request: HttpRequest, device: TOTPDevice, code: str) -> tuple[bool, int]:
    """(accepted, seconds to wait). A wrong code is audited; an accepted one verifies the
    session (and confirms a device being set up)."""
    allowed, data = device.verify_is_allowed()
    if not allowed:
        record("second factor failed", request.user.get_username(), "refused: too many wrong codes")
        return False, _wait_seconds(data)
    if device.verify_token(code.replace(" ", "")):
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            record("second factor set up", request.user.get_username())
        otp_login(request, device)
        record("second factor", request.user.get_username())
        return True, 0
    record("second factor failed", request.user.get_username())
    return False, 0


def _wait_seconds(data: dict[str, Any] | None) -> int:
    until = (data or {}).get("locked_until")
    if until is None:
        return 1
    return max(1, int((until - timezone.now()).total_seconds()) + 1)


def reset(user: User) -> int:
    """Removes a person's authenticator (lost phone): the next sign-in sets up a new one
    (each removal is audited by the signal below)."""
    count = 0
    for device in TOTPDevice.objects.filter(user=user):
        device.delete()
        count += 1
    return count


class SecondFactorMiddleware:
    """After AuthenticationMiddleware and django-otp's OTPMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user  # with django-otp's is_verified()
        if (
            user.is_authenticated
            and not request.path.startswith(OPEN_PATHS)
            and not user.is_verified()
            and needs_second_factor(user)
        ):
            target = "second_factor" if confirmed_device(user) else "second_factor_setup"
            return HttpResponseRedirect(
                f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
            )
        return self.get_response(request)
