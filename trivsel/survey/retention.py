"""The survey's retention rules (registered with core.retention; run by the clock): wrong
kiosk codes after a day, the logging SMS gateway's lines after RETAIN_MESSAGE_FILES_DAYS,
and a measurement's raw responses RETAIN_RESPONSES_DAYS after it closed (its stored results
and response rates are kept; they never need the responses again)."""

import os
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction

from trivsel.measurements.models import Measurement
from trivsel.survey.models import Answer, KioskAttempt, Response


def old_kiosk_attempts(now: datetime) -> int:
    count, _ = KioskAttempt.objects.filter(at__lt=now - timedelta(days=1)).delete()
    return count


def old_sms_lines(now: datetime) -> int:
    """Lines of the SMS log ("<ISO time> SMS to <number>: <text>") older than the period;
    the file is rewritten in one step (a crash leaves the old or the new file, never half)."""
    path = Path(settings.SMS_LOG_FILE)
    if not path.is_file():
        return 0
    cutoff = now - timedelta(days=settings.RETAIN_MESSAGE_FILES_DAYS)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept, dropping = [], False
    for line in lines:
        dropping = _older(line, cutoff, dropping)
        if not dropping:
            kept.append(line)
    if len(kept) == len(lines):
        return 0
    part = path.with_suffix(".part")
    part.write_text("".join(kept), encoding="utf-8")
    os.replace(part, path)
    return len(lines) - len(kept)


def _older(line: str, cutoff: datetime, previous: bool) -> bool:
    """Whether the line goes: a message's first line by its time; a continuation line of a
    multi-line text (no time of its own) with its message (`previous`)."""
    try:
        return datetime.fromisoformat(line.split(" ", 1)[0]) < cutoff
    except ValueError:
        return previous


def old_responses(now: datetime) -> int:
    cutoff = now - timedelta(days=settings.RETAIN_RESPONSES_DAYS)
    count = 0
    closed = Measurement.objects.filter(
        state__in=[Measurement.State.CLOSED, Measurement.State.RELEASED], closes_at__lt=cutoff
    )
    for measurement in closed.filter(responses__isnull=False).distinct():
        with transaction.atomic():
            Answer.objects.filter(response__measurement=measurement).delete()
            deleted, _ = Response.objects.filter(measurement=measurement).delete()
        count += deleted
    return count
