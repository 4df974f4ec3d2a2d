"""HR's source data for the key figures — who was employed where, with what fraction, and
each spell of absence with its cause — and the monthly figures computed from them per unit
(its own people and with everything below it). Sickness absence is health data: nothing
here is shown for a unit with fewer than 5 employees (trivsel.keyfigures.compute)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trivsel.organisation.models import Employee, Unit


class Cause(models.TextChoices):
    OWN_ILLNESS = "own_illness", _("Own illness")
    WORK_INJURY = "work_injury", _("Work injury")
    CHILD_ILLNESS = "child_illness", _("Child's illness")
    MATERNITY = "maternity", _("Maternity or adoption")
    COVID = "covid", _("Covid-19")
    OTHER = "other", _("Other absence")
    VACATION = "vacation", _("Holiday (not absence: no possible working day)")


class CauseCode(models.Model):
    """How the payroll system's cause codes map to the causes kept apart (HR edits it)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    cause = models.CharField(_("cause"), max_length=20, choices=Cause.choices)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} → {self.cause}"


class Employment(models.Model):
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    fraction = models.FloatField(default=1.0)  # weekly hours / 37

    class Meta:
        indexes = [models.Index(fields=["start", "end"])]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.unit_id} {self.start}–{self.end}"


class Spell(models.Model):
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="+")
    start = models.DateField()
    end = models.DateField()
    code = models.CharField(max_length=20)  # as in the file
    cause = models.CharField(max_length=20, choices=Cause.choices)
    hours_per_day = models.FloatField(null=True, blank=True)  # None: full days

    class Meta:
        indexes = [models.Index(fields=["start"]), models.Index(fields=["employee", "start"])]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.start}–{self.end} {self.cause}"


class UnitMonth(models.Model):
    """A unit's own figures for one month as an organisation without person data imports
    them: headcount, fte, absence dagsværk by cause (`absence:own_illness`, …), leavers
    and hires. They count like the unit's own people's (trivsel.keyfigures.compute)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    figures = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "month"],
                                               name="one_aggregate_a_month")]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month}"


class MonthTree(models.Model):
    """The units' tree a month's figures were first computed on: `units` is [[unit id,
    parent id or None], ...]. A month computed again (a later import) uses it, so a
    reorganisation does not change what was shown for earlier months: otherwise an export
    from before a unit moved and one from after would differ by that unit's figures."""

    month = models.DateField(unique=True)
    units = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"tree of {self.month}"


class MonthFigure(models.Model):
    """One unit's figures for one month: `subtree` with everything below it, else its own
    people. `figures`: headcount, fte, possible (dagsværk), absence by cause (dagsværk),
    spells by band, leavers, hires; `shown`: False where the small-unit rule hides it."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    subtree = models.BooleanField(default=True)
    shown = models.BooleanField(default=False)
    figures = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "month", "subtree"],
                                               name="one_figure_a_month")]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month}"


class Upload(models.Model):
    """One file HR uploads for the key figures, checked in the background, shown with what
    it would write and replace, and imported (with every month recomputed) only when HR
    confirms. The file is health data: its bytes are dropped once it is imported or
    refused."""

    class Kind(models.TextChoices):
        EMPLOYMENT = "employment", _("Employment per employee")
        ABSENCE = "absence", _("Spells of absence per employee")
        AGGREGATES = "aggregates", _("Monthly figures per unit")

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking the file")
        INVALID = "invalid", _("The file has errors")
        READY = "ready", _("Ready to import")
        APPLYING = "applying", _("Importing and computing the months")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled: nothing was imported")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # the period an absence file covers (it replaces the spells starting in it)
    period_from = models.DateField(null=True, blank=True)
    period_to = models.DateField(null=True, blank=True)
    filename = models.CharField(max_length=255)
    data = models.BinaryField(null=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CHECKING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    problems = models.JSONField(default=list)
    summary = models.JSONField(default=dict)  # rows, replaced, first, last; shown months
    message = models.TextField(blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    restarts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} ({self.status})"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.APPLYING)
