"""Logins and authenticators in the audit log, however they are changed (the admin site,
a command, the app): a login made, changed (active, staff, superuser, password, name) or
deleted; an authenticator added for someone or removed."""

from typing import Any

from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice

from trivsel.core.audit import record

WATCHED = ("username", "is_active", "is_staff", "is_superuser", "password", "email")


def user_before(sender: Any, instance: User, **kwargs: Any) -> None:
    old = User.objects.filter(pk=instance.pk).values(*WATCHED).first() if instance.pk else None
    instance._audit_before = old  # type: ignore[attr-defined]


def user_saved(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    if created:
        record("login created", instance.get_username(), _flags(instance))
        return
    old = getattr(instance, "_audit_before", None)
    if not old:
        return
    changed = [name for name in WATCHED if old[name] != getattr(instance, name)]
    if changed:
        detail = ", ".join(
            "password" if name == "password" else f"{name}: {old[name]} → {getattr(instance, name)}"
            for name in changed
        )
        record("login changed", instance.get_username(), detail)


def user_deleted(sender: Any, instance: User, **kwargs: Any) -> None:
    record("login deleted", instance.get_username(), _flags(instance))


def _flags(user: User) -> str:
    return ", ".join(
        name for name in ("is_active", "is_staff", "is_superuser") if getattr(user, name)
    )


def device_saved(sender: Any, instance: TOTPDevice, created: bool, **kwargs: Any) -> None:
    if created and instance.confirmed:  # one made ready for someone (admin, demo)
        record("second factor added", instance.user.get_username(), instance.name)


def device_deleted(sender: Any, instance: TOTPDevice, **kwargs: Any) -> None:
    if instance.confirmed:
        record("second factor reset", instance.user.get_username(), instance.name)
