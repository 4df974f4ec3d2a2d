"""Sending SMS through a gateway. Production plugs in its provider by setting
SMS_GATEWAY to a dotted path of a class with `send(messages)`; the default only logs."""

import logging
from collections.abc import Sequence
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("trivsel.sms")


class SmsGateway(Protocol):
    def send(self, messages: Sequence[tuple[str, str]]) -> None:
        """Send (mobile number, text) pairs; raise on failure."""


class LoggingSmsGateway:
    """Writes each SMS to a file (settings.SMS_LOG_FILE) instead of sending it (the demo)."""

    def send(self, messages: Sequence[tuple[str, str]]) -> None:
        stamp = timezone.now().isoformat(timespec="seconds")
        with open(settings.SMS_LOG_FILE, "a", encoding="utf-8") as log:
            log.writelines(f"{stamp} SMS to {number}: {text}\n" for number, text in messages)
        logger.debug("%d SMS written to %s", len(messages), settings.SMS_LOG_FILE)


class MemorySmsGateway:
    """Keeps sent SMS in `outbox`, like Django's locmem e-mail backend (tests)."""

    outbox: list[tuple[str, str]] = []

    def send(self, messages: Sequence[tuple[str, str]]) -> None:
        MemorySmsGateway.outbox.extend(messages)


def gateway() -> SmsGateway:
    gateway_class = import_string(
        getattr(settings, "SMS_GATEWAY", "trivsel.survey.sms.LoggingSmsGateway")
    )
    instance: SmsGateway = gateway_class()
    return instance
