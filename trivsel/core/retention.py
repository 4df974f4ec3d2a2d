"""Retention: personal data is deleted on schedule. Each app registers its rules (a name and
a function of "now" that deletes what is past its time and says how much); the clock
(`advance_measurements`) runs them every round, so nothing waits for a person. The periods
are settings (RETAIN_*), documented in the README and in docs/data-protection.md.

Rules here: expired sessions, failed sign-ins (a day), and the mail files of the file mail
backend (the demo's and small installations' outbox: names, addresses, personal links)."""

import logging
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from trivsel.core.audit import purge
from trivsel.core.logins import forget_old

logger = logging.getLogger(__name__)
Rule = Callable[[datetime], int]  # deletes what is past its time; returns how many
_RULES: dict[str, Rule] = {}


def register_rule(name: str, rule: Rule) -> None:
    _RULES[name] = rule


def run_retention(now: datetime | None = None) -> Iterator[str]:
    """Every rule, each on its own: one that fails is logged and the others still run."""
    now = now or timezone.now()
    for name, rule in _RULES.items():
        try:
            count = rule(now)
        except Exception:
            logger.exception("The retention rule %s failed", name)
            continue
        if count:
            yield f"retention: {name}: {count} deleted"


def expired_sessions(now: datetime) -> int:
    count, _ = Session.objects.filter(expire_date__lt=now).delete()
    return count


def old_files(folder: Path, before: datetime) -> int:
    """Files in `folder` last written before `before` (not its subfolders)."""
    if not folder.is_dir():
        return 0
    count = 0
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < before.timestamp():
            path.unlink(missing_ok=True)
            count += 1
    return count


def old_mail_files(now: datetime) -> int:
    if settings.EMAIL_BACKEND != "django.core.mail.backends.filebased.EmailBackend":
        return 0
    days = timedelta(days=settings.RETAIN_MESSAGE_FILES_DAYS)
    return old_files(Path(settings.EMAIL_FILE_PATH), now - days)


def old_admin_log(now: datetime) -> int:
    """The admin site's own change log (it names the objects changed, employees too): kept
    as long as the audit log."""
    from django.contrib.admin.models import LogEntry

    cutoff = now - timedelta(days=settings.RETAIN_AUDIT_DAYS)
    return int(LogEntry.objects.filter(action_time__lt=cutoff).delete()[0])


register_rule("expired sessions", expired_sessions)
register_rule("failed sign-ins", forget_old)
register_rule("mail files", old_mail_files)
register_rule("audit log", purge)
register_rule("admin change log", old_admin_log)
