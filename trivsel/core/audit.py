"""The audit log: `record(action, target, detail)` writes who did it (the signed-in person
of the current request, or the clock or a background worker, see `acting`) and from where.
What is recorded: sign-ins (success and failure), second-factor codes, role grants, imports
applied, measurement transitions, unit mapping changes, comment redactions, changes of the
watched settings (thresholds, sign-in), and every file the app hands out (reports, exports,
PDF bundles, letters)."""

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from trivsel.core.models import AuditEntry

# What each action is called on HR's page (the stored code stays English and stable).
ACTIONS = {
    "sign-in": _("Signed in"),
    "sign-in failed": _("Sign-in failed"),
    "second factor": _("Confirmed sign-in with a code"),
    "second factor failed": _("Wrong sign-in code"),
    "second factor set up": _("Authenticator app set up"),
    "second factor reset": _("Authenticator app removed"),
    "second factor added": _("Authenticator app added for someone"),
    "login created": _("Login created"),
    "login changed": _("Login changed"),
    "login deleted": _("Login deleted"),
    "role granted": _("Role granted"),
    "role changed": _("Role changed"),
    "role removed": _("Role removed"),
    "import applied": _("Import applied"),
    "measurement validation": _("Measurement: validation started"),
    "measurement open": _("Measurement: opened for answers"),
    "measurement closed": _("Measurement: closed"),
    "measurement released": _("Measurement: results released"),
    "unit mapping added": _("Unit mapping added"),
    "unit mapping removed": _("Unit mapping removed"),
    "download": _("Downloaded a file"),
    "settings changed": _("Settings changed"),
    "measurement created": _("Measurement created"),
    "comment redacted": _("Comment redacted"),
}

# Settings that change what is shown or who gets in: a change (made in the environment, not
# in the app) is recorded by the clock's next round, with the old and the new values.
WATCHED_SETTINGS = (
    "RESULTS_MIN_GROUP", "RESULTS_MIN_GROUP_SENSITIVE", "RESULTS_MIN_GROUP_COMMENTS",
    "LOCAL_PASSWORDS", "OIDC_ENABLED", "OIDC_HR_GROUP", "SECOND_FACTOR_FOR_HR",
    "RETAIN_RESPONSES_DAYS", "RETAIN_AUDIT_DAYS", "TRUSTED_PROXIES",
)  # fmt: skip


@dataclass(frozen=True)
class Actor:
    user: Any = None  # a User, or None for the clock or a worker
    name: str = ""
    address: str = ""


_ACTOR: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("audit_actor", default=None)


@contextmanager
def acting(actor: Actor) -> Iterator[None]:
    """Everything recorded inside is done by `actor` (the clock, a worker for a user)."""
    token = _ACTOR.set(actor)
    try:
        yield
    finally:
        _ACTOR.reset(token)


def actor_of(user: Any, address: str = "") -> Actor:
    if user is not None and getattr(user, "is_authenticated", False):
        return Actor(user, user.get_username(), address)
    return Actor(None, "", address)


def record(action: str, target: object = "", detail: str = "", actor: Actor | None = None) -> None:
    who = actor or _ACTOR.get() or Actor(name="system")
    AuditEntry.objects.create(
        user=who.user, actor=(who.name or "anonymous")[:150], action=action,
        target=str(target)[:200], detail=detail, address=who.address[:64],
    )  # fmt: skip


def record_sign_in(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    address = str(request.META.get("REMOTE_ADDR", "")) if request is not None else ""
    record("sign-in", user.get_username(), actor=actor_of(user, address))


def record_sign_in_failed(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """A wrong password, or a sign-in through the identity provider that was refused (the
    backend leaves who and why on the request as `sign_in_refusal`)."""
    address = str(request.META.get("REMOTE_ADDR", "")) if request is not None else ""
    username, detail = str(credentials.get("username", "")), ""
    if "username" not in credentials:
        username, detail = getattr(request, "sign_in_refusal", ("", "identity provider"))
    username = username[:150]
    record("sign-in failed", username, detail, actor=Actor(None, username, address))
    if request is not None:
        request.sign_in_failure_recorded = True  # type: ignore[attr-defined]


class AuditActorMiddleware:
    """The request's person and address are the actor of whatever it records."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        address = str(request.META.get("REMOTE_ADDR", ""))
        user = getattr(request, "user", None)
        with acting(actor_of(user, address)):
            response = self.get_response(request)
            # Every file the app hands out (reports, exports, bundles, letters) is a download.
            disposition = response.get("Content-Disposition", "")
            if response.status_code == 200 and disposition.startswith("attachment"):
                record("download", request.get_full_path(), disposition.partition("filename=")[2])
        return response


def current_settings() -> str:
    return "; ".join(f"{name}={getattr(settings, name)!r}" for name in WATCHED_SETTINGS)


def record_setting_changes() -> list[str]:
    """The clock's round: one entry when the watched settings differ from the last recorded
    (the first round records them as they are)."""
    now = current_settings()
    last = AuditEntry.objects.filter(action="settings changed").order_by("-pk").first()
    if last is not None and last.detail.partition(" → ")[2] == now:
        return []
    before = last.detail.partition(" → ")[2] if last is not None else ""
    changed = _changed(before, now)
    record("settings changed", changed or "first record", f"{before} → {now}")
    return [f"settings changed: {changed}"] if changed else []


def _changed(before: str, now: str) -> str:
    old = dict(part.split("=", 1) for part in before.split("; ") if "=" in part)
    new = dict(part.split("=", 1) for part in now.split("; ") if "=" in part)
    return ", ".join(f"{name} {old.get(name, '?')}→{value}" for name, value in new.items()
                     if old and old.get(name) != value)  # fmt: skip


def purge(now: datetime) -> int:
    """The retention rule: entries older than RETAIN_AUDIT_DAYS (by SQL; the model and its
    querysets refuse deletion)."""
    cutoff = now - timedelta(days=settings.RETAIN_AUDIT_DAYS)
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE at < %s", [cutoff])
        return int(cursor.rowcount or 0)
