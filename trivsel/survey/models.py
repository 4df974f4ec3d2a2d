"""What respondents touch: their invitation, and an anonymous response.

Anonymity by construction (docs/anonymity.md, "What is stored"): a Response holds the unit
and job group from the snapshot, the language used, the answers and, while collection runs,
the day it was submitted — never the person. The invitation never points at a response.
While a person is answering, their draft carries `resume`, a keyed hash of their
invitation under the measurement's ResumeKey, so they can resume from any device; the hash
is cleared on submission. At close the key is deleted, unfinished drafts are deleted (they
are not counted), the invitations (tokens, codes, who answered) are deleted, keeping only
counts per unit; after the results are built the responses are sealed: their attributes
generalised so each combination matches at least k people, re-keyed in random order
(`sealing.py`).
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trivsel.core.jobs import stale_before
from trivsel.instruments.models import ItemVersion
from trivsel.measurements.models import Measurement, Participant
from trivsel.organisation.models import Unit

# Short codes for letters and the kiosk: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_token() -> str:
    return secrets.token_urlsafe(24)  # 192 bits


def new_resume_key() -> str:
    return secrets.token_hex(32)  # 256 bits


def new_short_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))  # ~49 bits


class ResumeKey(models.Model):
    """The secret a measurement's resume hashes are made with; exists only while collection
    runs. Deleted at close, so a hash left anywhere (an old row version, a backup of the
    responses alone) can no longer be traced to an invitation."""

    measurement = models.OneToOneField(
        Measurement, on_delete=models.CASCADE, related_name="resume_key"
    )
    key = models.CharField(max_length=64, default=new_resume_key)

    def __str__(self) -> str:
        return f"resume key {self.measurement_id}"

    def hash(self, invitation_id: int) -> str:
        return hmac.new(
            bytes.fromhex(self.key), str(invitation_id).encode(), hashlib.sha256
        ).hexdigest()


class Response(models.Model):
    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="responses")
    # The person's unit and job group from the snapshot; generalised when sealed.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    job_group = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=5, blank=True)  # used to answer; "" when sealed away
    page = models.PositiveIntegerField(default=1)  # where to resume
    revision = models.PositiveIntegerField(default=0)  # refuses a stale or repeated page
    submitted = models.BooleanField(default=False)
    submitted_on = models.DateField(null=True, blank=True)  # the day only; dropped at close
    # A draft's keyed hash of its invitation (ResumeKey.hash); empty once submitted.
    resume = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        indexes = [models.Index(fields=["measurement", "unit"])]

    def __str__(self) -> str:
        return f"response {self.pk}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item_version = models.ForeignKey(ItemVersion, on_delete=models.PROTECT, related_name="+")
    value = models.IntegerField(null=True, blank=True)
    values = models.JSONField(default=list, blank=True)  # multiple choice
    not_relevant = models.BooleanField(default=False)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "item_version"], name="unique_answer")
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.item_version_id}"


class Invitation(models.Model):
    measurement = models.ForeignKey(
        Measurement, on_delete=models.CASCADE, related_name="invitations"
    )
    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="invitation"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    short_code = models.CharField(max_length=10, unique=True, default=new_short_code)
    responded = models.BooleanField(default=False)
    # The sending run (SendJob.run) that has taken this invitation to send it a message;
    # cleared once the message has left (invited_at or reminded_at is then set). Claims of
    # a run whose worker died are released by the clock and sent again: only the one message
    # that was leaving when the worker died can arrive twice (sending.py).
    claimed_by = models.CharField(max_length=32, blank=True, db_index=True)
    invited_at = models.DateTimeField(null=True, blank=True)  # the invitation has left
    channel = models.CharField(max_length=10, blank=True)  # email, sms, letter
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return f"invitation {self.pk}"


class SendJob(models.Model):
    """One run of sending invitations or reminders for a measurement, tracked for the UI."""

    class Kind(models.TextChoices):
        INVITATIONS = "invitations", _("Invitations")
        REMINDERS = "reminders", _("Reminders")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        SENDING = "sending", _("Sending")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="send_jobs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    by_email = models.PositiveIntegerField(default=0)
    by_sms = models.PositiveIntegerField(default=0)
    need_letter = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)  # the heartbeat: how stale jobs are found
    finished_at = models.DateTimeField(null=True, blank=True)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    run = models.CharField(max_length=32, blank=True)  # the current run's claim token
    restarts = models.PositiveSmallIntegerField(default=0)  # by the clock, after a dead worker
    # Messages that may have reached someone twice: one per worker that died while sending
    # (the one leaving at that moment cannot be known to have left).
    possibly_doubled = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.status})"

    @property
    def is_unfinished(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.SENDING)

    @property
    def is_stale(self) -> bool:
        """Waiting or sending, but no heartbeat for a while: the worker died or is not
        running. The clock puts it back on the queue (sending.recover_send_jobs)."""
        return self.is_unfinished and self.updated_at < stale_before()

    @property
    def is_running(self) -> bool:
        return self.is_unfinished and not self.is_stale


class KioskAttempt(models.Model):
    """A wrong short code typed at a kiosk: what the rate limits count. Holds the kiosk
    device (a random id from its cookie) or else the client address, and the time; never
    the code typed."""

    client = models.CharField(max_length=64)
    address = models.CharField(max_length=64, blank=True)  # the client address as well
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["client", "at"]),
            models.Index(fields=["address", "at"]),
            models.Index(fields=["at"]),
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.at:%Y-%m-%d %H:%M}"
