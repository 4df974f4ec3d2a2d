"""After the report: one dialogue per unit and measurement (the meeting where the leader and
the TRIO go through the results with the staff), its chosen focus areas, the actions of the
plan, and the history of every change to them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Employee, Unit


class Dialogue(models.Model):
    class State(models.TextChoices):
        RELEASED = "released", _("Report released")
        READ = "read", _("Report read")
        PLANNED = "planned", _("Meeting planned")
        HELD = "held", _("Meeting held")
        AGREED = "agreed", _("Plan agreed")
        FOLLOWED_UP = "followed_up", _("Followed up")

    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="dialogues")
    state = models.CharField(max_length=20, choices=State.choices, default=State.RELEASED)
    window_ends = models.DateField(_("the dialogue's deadline"))
    read_at = models.DateTimeField(null=True, blank=True)
    meeting_on = models.DateField(_("meeting date"), null=True, blank=True)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    amr_present = models.BooleanField(_("the AMR took part"), null=True, blank=True)
    tr_present = models.BooleanField(_("the TR took part"), null=True, blank=True)
    minutes = models.TextField(_("short minutes"), blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["measurement", "unit"], name="one_dialogue_per_unit")
        ]
        indexes = [models.Index(fields=["measurement", "state"])]

    def __str__(self) -> str:
        return f"{self.unit.code}: {self.get_state_display()}"


class FocusArea(models.Model):
    """A dimension the meeting chose to work on (1-3 per dialogue), with what works and
    what should change."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="focus_areas")
    metric = models.CharField(max_length=100)  # a dimension's key
    works = models.TextField(_("what works"), blank=True)
    change = models.TextField(_("what should change"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dialogue", "metric"], name="one_focus_per_metric")
        ]
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.metric


class Action(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        ON_HOLD = "on_hold", _("On hold")
        DONE = "done", pgettext_lazy("action status", "Done")
        CANCELLED = "cancelled", pgettext_lazy("action status", "Cancelled")

    class Visibility(models.TextChoices):
        TRIO = "trio", _("Only the TRIO")
        LINE = "line", _("The TRIO, the leaders above the unit and HR")
        UNIT = "unit", _("Everyone in the unit")

    dialogue = models.ForeignKey(Dialogue, on_delete=models.PROTECT, related_name="actions")
    # The unit the action is for now: it follows the unit through reorganisations (HR's unit
    # mapping moves it to the unit that took over), while the dialogue keeps the old unit.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="actions")
    metric = models.CharField(_("focus area"), max_length=100)  # a dimension's key
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    owners = models.ManyToManyField(Employee, verbose_name=_("owners"), related_name="actions")
    due = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    evaluation = models.TextField(_("evaluation"), blank=True)
    visibility = models.CharField(
        _("who may see it"), max_length=10, choices=Visibility.choices, default=Visibility.UNIT
    )
    suggestion = models.CharField(max_length=100, blank=True)  # the suggested action adopted
    done_on = models.DateField(null=True, blank=True)
    # "Har handlingen gjort en forskel?": the one-question measurement asked of the unit.
    question = models.ForeignKey(
        Measurement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["due"])]
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return self.title


class Change(models.Model):
    """The history: who changed a dialogue or one of its actions, when, and what."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="changes")
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.CASCADE, related_name="changes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    who = models.CharField(max_length=200)
    at = models.DateTimeField(auto_now_add=True)
    what = models.TextField()
    comment = models.TextField(blank=True)  # a comment by the leader or the TRIO

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.who}: {self.what}"


class Suggestion(models.Model):
    """A suggested action of the organisation's own catalogue (Trivsel's is a bundled file)."""

    key = models.CharField(max_length=100, unique=True)
    dimension = models.CharField(max_length=100, db_index=True)
    titles = models.JSONField()
    descriptions = models.JSONField(default=dict)

    def __str__(self) -> str:
        return self.key


class Nudge(models.Model):
    """A reminder e-mail sent to a leader (at most one a week), and what it was about."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["employee", "sent_on"])]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.sent_on}"


class NudgeItem(models.Model):
    nudge = models.ForeignKey(Nudge, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=20)
    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    action = models.ForeignKey(Action, null=True, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return self.kind


class NudgeRun(models.Model):
    """The days the reminders were worked out (once a day, whatever the clock's rhythm)."""

    day = models.DateField(unique=True)

    def __str__(self) -> str:
        return str(self.day)
