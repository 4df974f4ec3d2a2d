"""A measurement: which questionnaire, asked of whom, when; its state moves
draft → validation → open → closed → released, by HR or by the clock.

At opening the population is snapshotted into Participant rows: who belongs to which unit
for this measurement is frozen, so later reorganisations never change its results.
"""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trivsel.instruments.models import Questionnaire
from trivsel.organisation.models import Employee, Unit


class Measurement(models.Model):
    class Kind(models.TextChoices):
        MAIN = "main", _("Main measurement")
        FOLLOW_UP = "follow_up", _("Follow-up measurement")
        PULSE = "pulse", _("Pulse measurement")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        VALIDATION = "validation", _("Leaders validate their lists")
        OPEN = "open", _("Open for answers")
        CLOSED = "closed", _("Closed")
        RELEASED = "released", _("Results released")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MAIN)
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT
    )
    baseline = models.ForeignKey(
        "self",
        verbose_name=_("baseline measurement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    # The measurement this one's results are compared with; empty: the latest earlier
    # closed measurement (see trivsel.results.build.previous_measurement).
    previous = models.ForeignKey(
        "self",
        verbose_name=_("compare with"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    leaders_only = models.BooleanField(_("leaders only"), default=False)
    # Results by job group (for the whole organisation). Off: the participants' job groups
    # are not even kept (a pulse, by default: its groups would be tiny).
    by_job_group = models.BooleanField(_("results by job group"), default=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    # The timeline. The clock (manage.py advance_measurements) moves the state on these.
    validation_starts = models.DateTimeField(_("validation starts"))
    opens_at = models.DateTimeField(_("collection opens"))
    closes_at = models.DateTimeField(_("collection closes"))
    results_release_at = models.DateTimeField(_("results released"))
    dialogue_deadline = models.DateField(_("dialogue deadline"), null=True, blank=True)
    # Reminders to those who have not answered, sent by the clock; HR can also send one now.
    first_reminder_at = models.DateTimeField(_("first reminder"), null=True, blank=True)
    second_reminder_at = models.DateTimeField(_("second reminder"), null=True, blank=True)
    reminders_started = models.PositiveSmallIntegerField(default=0)
    # When the responses were sealed after close (trivsel/survey/sealing.py): attributes
    # generalised, re-keyed in random order. Results are then never computed again.
    sealed_at = models.DateTimeField(null=True, blank=True)
    # HR's own invitation, reminder and SMS texts: {"invitation": {"da": ..., "en": ...}, ...};
    # a text not given is the default one (trivsel/survey/texts.py).
    message_texts = models.JSONField(default=dict, blank=True)
    contact = models.CharField(_("contact person"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def reminder_times(self) -> list[datetime]:
        return [t for t in (self.first_reminder_at, self.second_reminder_at) if t is not None]


class ScopeUnit(models.Model):
    """A unit (and, usually, everything below it) in the measurement's population."""

    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="scope")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    include_subtree = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["measurement", "unit"], name="unique_scope_unit")
        ]

    def __str__(self) -> str:
        return f"{self.measurement_id}: {self.unit.code}"


class UnitValidation(models.Model):
    """A leader's answer to "is this your unit's list?" during the validation phase."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Not yet validated")
        CONFIRMED = "confirmed", _("Confirmed")
        CORRECTIONS = "corrections", _("Corrections reported")

    measurement = models.ForeignKey(
        Measurement, on_delete=models.CASCADE, related_name="validations"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    corrections = models.TextField(_("corrections"), blank=True)
    handled = models.BooleanField(_("handled by HR"), default=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # When the clock reminded the unit's leaders that the list is still waiting (once).
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["measurement", "unit"], name="unique_unit_validation")
        ]

    def __str__(self) -> str:
        return f"{self.measurement_id}: {self.unit_id} {self.status}"


class Participant(models.Model):
    """The population as it was when the measurement opened."""

    measurement = models.ForeignKey(
        Measurement, on_delete=models.CASCADE, related_name="participants"
    )
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    job_group = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["measurement", "employee"], name="unique_participant")
        ]
        indexes = [models.Index(fields=["measurement", "unit"])]

    def __str__(self) -> str:
        return f"{self.measurement_id}: {self.employee_id}"


class Turnout(models.Model):
    """A unit's response rates as they may be shown (measurements.rates), kept at close when
    the invitations — and with them every person's "answered" — are deleted. A count the
    anonymity rules withhold is not kept (None)."""

    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="turnout")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    invited = models.PositiveIntegerField()  # the unit's own people
    answered = models.PositiveIntegerField(null=True)
    invited_below = models.PositiveIntegerField()  # with everything below
    answered_below = models.PositiveIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["measurement", "unit"], name="unique_turnout")
        ]

    def __str__(self) -> str:
        return f"{self.measurement_id}: {self.unit_id} {self.answered}/{self.invited}"


class AnswersPerDay(models.Model):
    """The response curve of a closed measurement: submissions per day for the whole
    measurement. The responses themselves keep no day after close."""

    measurement = models.ForeignKey(
        Measurement, on_delete=models.CASCADE, related_name="answers_per_day"
    )
    day = models.DateField()
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["measurement", "day"], name="unique_answers_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.measurement_id}: {self.day} {self.count}"


class FatigueCap(models.Model):
    """HR's limit on surveys per person (one row): a pulse does not invite someone already
    asked `most` times in the last `days` days (trivsel/measurements/fatigue.py)."""

    most = models.PositiveSmallIntegerField(_("at most this many surveys"), default=2)
    days = models.PositiveSmallIntegerField(_("within this many days"), default=30)

    def __str__(self) -> str:
        return f"{self.most} / {self.days}"

    @classmethod
    def current(cls) -> "FatigueCap":
        return cls.objects.order_by("pk").first() or cls(most=2, days=30)


class PulseTemplate(models.Model):
    """HR's ready-made pulse: 1-15 questions from the item bank, unchanged, asked for
    `days_open` days. Leaders start pulses from these for their own units."""

    name = models.CharField(_("name"), max_length=200)
    items = models.ManyToManyField(
        "instruments.ItemVersion", verbose_name=_("questions"), related_name="+"
    )
    days_open = models.PositiveSmallIntegerField(_("days open"), default=7)
    by_job_group = models.BooleanField(
        _("results by job group"), default=False,
        help_text=_("Off by default: in a pulse, job groups are usually too small."),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
