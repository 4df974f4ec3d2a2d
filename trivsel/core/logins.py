"""Throttled sign-in with local passwords. The rule, as documented in the README:

- one account from one address: after 5 wrong passwords within 15 minutes, that pair waits
  until the oldest of them is 15 minutes old (the person elsewhere is not affected);
- one address: after 20 wrong passwords within 15 minutes, for any accounts, it waits;
- one account: after 50 wrong passwords within an hour, from any addresses, it waits — the
  one case where someone else's guesses also stop the account's owner, so that guessing
  from many addresses still stops.

A refused attempt is refused before the password is checked (no Argon2 work), and does not
count itself. A successful sign-in clears the pair's failures."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from trivsel.core.models import LoginFailure


@dataclass(frozen=True)
class Limit:
    failures: int
    window: timedelta


PAIR = Limit(5, timedelta(minutes=15))
ADDRESS = Limit(20, timedelta(minutes=15))
ACCOUNT = Limit(50, timedelta(hours=1))


def minutes_until_free(
    times: "QuerySet[Any]", failures: int, window: timedelta, now: datetime
) -> int:
    """The throttles' rule (logins here, kiosk codes in survey/kiosk.py): given the failures'
    times (a queryset with an `at` field), the minutes until fewer than `failures` of them
    fall within `window`; 0 when that is already so."""
    recent = list(
        times.filter(at__gt=now - window).order_by("-at").values_list("at", flat=True)[:failures]
    )
    if len(recent) < failures:
        return 0
    free_at = recent[-1] + window
    return max(1, -(-int((free_at - now).total_seconds()) // 60))


def _wait(filter: Q, limit: Limit, now: datetime) -> int:
    return minutes_until_free(
        LoginFailure.objects.filter(filter), limit.failures, limit.window, now
    )


def wait_minutes(username: str, address: str, now: datetime | None = None) -> int:
    """Minutes until this account may be tried from this address; 0: now."""
    now = now or timezone.now()
    name = username.strip().lower()
    return max(
        _wait(Q(username=name, address=address), PAIR, now),
        _wait(Q(address=address), ADDRESS, now),
        _wait(Q(username=name), ACCOUNT, now),
    )


def forget_old(now: datetime) -> int:
    """Failures older than a day (also a retention rule, run by the clock)."""
    count, _ = LoginFailure.objects.filter(at__lt=now - timedelta(days=1)).delete()
    return count


def record_failure(username: str, address: str) -> None:
    now = timezone.now()
    forget_old(now)
    LoginFailure.objects.create(username=username.strip().lower()[:150], address=address, at=now)


def clear(username: str, address: str) -> None:
    LoginFailure.objects.filter(username=username.strip().lower(), address=address).delete()
