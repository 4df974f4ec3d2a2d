"""A file e-mail backend that takes a few milliseconds per message, as a real SMTP server
does, so that a test can kill the worker in the middle of sending."""

import time
from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class EmailBackend(FileBackend):
    def send_messages(self, email_messages: Sequence[Any]) -> int:
        time.sleep(0.005 * len(email_messages))
        return int(super().send_messages(email_messages))
