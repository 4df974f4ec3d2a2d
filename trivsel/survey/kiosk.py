"""The kiosk: a shared tablet in a staff room where a person types the short code from
their letter instead of following a link. The code puts the invitation into this browser
session only (never into an address a later user could find in the history); "Stop" or a
submission ends it, and an idle session expires.

Guessing is limited per device: each kiosk browser gets a signed device cookie, and after
MAX_FAILURES wrong codes within WINDOW that device refuses codes until the window has passed;
one tablet's mistakes never lock the others (behind a proxy or a NAT they share an address).
A request without a valid device cookie counts against its client address. One client
address accepts at most KIOSK_WRONG_CODES_PER_ADDRESS wrong codes an hour, whatever devices it
says it is (a device id is free to make: a new browser session gets one), so one client
cannot use up the shared budget. And all kiosks together accept at most
KIOSK_WRONG_CODES_PER_HOUR wrong codes an hour, so guessing from many addresses still
stops. With 31^10 possible codes and at most a few tens of thousands issued, a guess hits
one with a chance of about 1 in 10^10.
"""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from trivsel.core.logins import minutes_until_free
from trivsel.survey.models import CODE_ALPHABET, Invitation, KioskAttempt
from trivsel.survey.retention import old_kiosk_attempts
from trivsel.survey.views import Place, page, render_survey, submit_page, survey_language

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
IDLE_SECONDS = 20 * 60
SESSION_KEY = "kiosk_invitation"


def _place() -> Place:
    return Place(reverse("kiosk:page"), reverse("kiosk:submit"), kiosk=True)


def normalise(code: str) -> str:
    """What people type: spaces, dashes and lower case are forgiven."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


DEVICE_COOKIE = "trivsel_kiosk_device"
DEVICE_SALT = "trivsel.kiosk.device"
HOUR = timedelta(hours=1)


def _device(request: HttpRequest) -> str | None:
    """This kiosk browser's id from its signed cookie; None without a valid one."""
    value = request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=DEVICE_SALT)
    return value if value and len(value) <= 32 else None


def _client(request: HttpRequest) -> str:
    """What the per-device limit counts: the device, else the client address."""
    device = _device(request)
    if device is not None:
        return f"device:{device}"
    return f"address:{request.META.get('REMOTE_ADDR', 'unknown')}"[:64]


def wait_minutes(client: str, address: str = "", now: datetime | None = None) -> int:
    """Minutes until this client (device or address) may try again; 0 when it may now."""
    now = now or timezone.now()
    device = minutes_until_free(
        KioskAttempt.objects.filter(client=client), MAX_FAILURES, WINDOW, now
    )
    if not address:
        return device
    place = minutes_until_free(
        KioskAttempt.objects.filter(address=address),
        settings.KIOSK_WRONG_CODES_PER_ADDRESS, HOUR, now,
    )  # fmt: skip
    return max(device, place)


def paused_minutes(now: datetime | None = None) -> int:
    """Minutes until every kiosk takes codes again after the hour's budget of wrong codes
    was used up (many devices guessing); 0 when they take codes now."""
    now = now or timezone.now()
    return minutes_until_free(
        KioskAttempt.objects.all(), settings.KIOSK_WRONG_CODES_PER_HOUR, HOUR, now
    )


def _fail(client: str, address: str) -> None:
    now = timezone.now()
    old_kiosk_attempts(now)  # the retention rule, also run by the clock
    KioskAttempt.objects.create(client=client, address=address[:64], at=now)


def kiosk_start(request: HttpRequest) -> HttpResponse:
    language = survey_language(request)
    with translation.override(language):
        response = _start(request, language)
    if request.method == "GET" and _device(request) is None:  # a kiosk device of its own
        response.set_signed_cookie(
            DEVICE_COOKIE, secrets.token_urlsafe(16), salt=DEVICE_SALT,
            max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )  # fmt: skip
    return response


def _start(request: HttpRequest, language: str) -> HttpResponse:
    client = _client(request)
    address = str(request.META.get("REMOTE_ADDR", ""))
    error, status = "", 200
    code = ""
    if request.method == "POST":
        code = normalise(request.POST.get("code", ""))
        minutes = wait_minutes(client, address)
        paused = paused_minutes()
        if paused and not minutes:
            error = ngettext(
                "The kiosks are paused because many wrong codes were typed. Try again in "
                "%(minutes)d minute, or use the link in your e-mail or text message.",
                "The kiosks are paused because many wrong codes were typed. Try again in "
                "%(minutes)d minutes, or use the link in your e-mail or text message.",
                paused,
            ) % {"minutes": paused}
            status = 429
        elif minutes:
            error = ngettext(
                "Too many wrong codes from this device. Try again in %(minutes)d minute.",
                "Too many wrong codes from this device. Try again in %(minutes)d minutes.",
                minutes,
            ) % {"minutes": minutes}
            status = 429
        elif len(code) != 10 or any(ch not in CODE_ALPHABET for ch in code):
            _fail(client, address)
            error = _(
                "A code has 10 letters and digits, as printed in your letter "
                "(the letters O and I and the digits 0 and 1 are never used)."
            )
            status = 400
        else:
            invitation = Invitation.objects.filter(short_code=code).first()
            if invitation is None:
                _fail(client, address)
                error = _(
                    "The code was not recognised. Check it against your letter. When a survey "
                    "has closed, its codes no longer work."
                )
                status = 400
            else:
                request.session.cycle_key()
                request.session[SESSION_KEY] = invitation.pk
                request.session["survey_language"] = language
                request.session.set_expiry(IDLE_SECONDS)
                return redirect(_place().page_url)
    context: dict[str, object] = {
        "error": error,
        "code": code if error and len(code) <= 20 else "",  # never echo a huge input
        "max_failures": MAX_FAILURES,
    }
    return render_survey(request, "survey/kiosk.html", context, status=status)


def _kiosk_invitation(request: HttpRequest) -> Invitation | None:
    pk = request.session.get(SESSION_KEY)
    if pk is None:
        return None
    request.session.set_expiry(IDLE_SECONDS)  # idle time counts from the last page
    return (
        Invitation.objects.select_related("measurement__questionnaire", "measurement__resume_key")
        .filter(pk=pk)
        .first()
    )


def kiosk_page(request: HttpRequest) -> HttpResponse:
    invitation = _kiosk_invitation(request)
    if invitation is None:
        return redirect(reverse("kiosk:start"))
    response = page(request, invitation, _place())
    if invitation.responded:
        request.session.pop(SESSION_KEY, None)
    return response


def kiosk_submit(request: HttpRequest) -> HttpResponse:
    invitation = _kiosk_invitation(request)
    if invitation is None:
        return redirect(reverse("kiosk:start"))
    return submit_page(request, invitation, _place())


@require_POST
def kiosk_stop(request: HttpRequest) -> HttpResponse:
    """Leave the kiosk: what was saved stays saved; the next person starts afresh."""
    language = request.session.get("survey_language", "da")
    request.session.flush()
    with translation.override(language):
        messages.info(
            request,
            _("You have left the survey. Pages you saved are kept: type your code again later."),
        )
    return redirect(reverse("kiosk:start") + f"?lang={language}")
