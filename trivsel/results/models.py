"""Stored results: what reports read, never raw responses. One row per figure that may be
shown (hidden groups have no row), unrounded, rebuilt as a whole for a measurement; beside
them the figures hidden to protect a smaller group (so a report can say the true reason)
and when the results were last built."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit


class Scope(models.TextChoices):
    """Whose answers a figure counts: a unit's own people, the unit with everything below
    it, or the whole organisation (unit None)."""

    OWN = "own"
    SUBTREE = "subtree"
    ALL = "all"


class Kind(models.TextChoices):
    """What a figure is. `metric` names which one: the dimension, index or item key (an
    option's column of a multiple-choice question: `key:value`), a comment question's key,
    the dimension of an alpha or a driver; "" for respondents."""

    RESPONDENTS = "respondents"
    DIMENSION = "dimension"
    INDEX = "index"
    ITEM = "item"
    COMMENTS = "comments"
    ALPHA = "alpha"  # Cronbach's alpha of a dimension
    DRIVER = "driver"  # a dimension's relation to the outcome index


class Cell(models.Model):
    """Whose figures: a measurement's unit (None: the whole organisation), scope, background
    group ("" = everyone) and kind (see `Kind`). Read through `results.read`."""

    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, null=True, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=10, choices=Scope.choices)
    group = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["measurement", "unit", "scope", "group", "kind"])]


class Result(Cell):
    """A cell's shown figures of one kind, together (what a report reads at once: one row
    per unit and kind rather than one per question). `figures`: metric -> the figure's
    values, only those it has: n, score, sd, favourable, neutral, unfavourable (shares of
    n), invited (respondents), options (an item's answer value -> share of n), texts (a
    comment list), versus (name -> [difference, p, flagged]; names: parent, organisation,
    reference, previous). Unrounded. A metric that is not there was not shown."""

    figures = models.JSONField(default=dict)

    class Meta(Cell.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["measurement", "unit", "scope", "group", "kind"], name="unique_result"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measurement_id} {self.unit_id} {self.scope} {self.group} {self.kind}"


class Hidden(Cell):
    """A figure hidden by the differencing rules although at least k answered: showing it
    would let someone work out the answers of fewer than k. `partner`: a shown unit that
    holds all but fewer than k of the same people, where there is one. A figure without a
    Result or a Hidden row in built results had fewer than k answers (nothing else about it
    is stored)."""

    class Reason(models.TextChoices):
        PROTECTS = "protects", _("hidden to protect a smaller group")

    metric = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=20, choices=Reason.choices, default=Reason.PROTECTS)
    partner = models.ForeignKey(Unit, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta(Cell.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["measurement", "unit", "scope", "group", "kind", "metric"],
                name="unique_hidden",
            )
        ]

    def __str__(self) -> str:
        return f"{self.measurement_id} {self.unit_id} {self.kind} {self.metric}: {self.reason}"


class Build(models.Model):
    """A measurement's results build, a tracked background job: queued when the measurement
    closes or HR asks for a rebuild, running (with the step it is on), done or failed (with
    the error). `built_at`: when the stored results were last built in full (None: never;
    a failed rebuild keeps the results of the last build that succeeded)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being built")
        DONE = "done", _("Built")
        FAILED = "failed", _("Failed")

    class Step(models.TextChoices):
        LOAD = "load", _("Reading the answers")
        COMPUTE = "compute", _("Computing the figures")
        COMPARE = "compare", _("Comparing with the previous measurement")
        COMMENTS = "comments", _("Sorting the comments")
        CONVERT = "convert", _("Preparing the figures for the reports")
        STORE = "store", _("Storing the results")

    measurement = models.OneToOneField(
        Measurement, on_delete=models.CASCADE, related_name="results_build"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    step = models.CharField(max_length=10, choices=Step.choices, blank=True)
    error = models.TextField(blank=True)
    queued_at = models.DateTimeField(null=True)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    built_at = models.DateTimeField(null=True)
    rows = models.PositiveIntegerField(default=0)  # the number of shown figures
    heartbeat_at = models.DateTimeField(null=True)  # while running (trivsel/core/jobs.py)
    restarts = models.PositiveSmallIntegerField(default=0)  # by the clock, after a dead worker

    def __str__(self) -> str:
        return f"{self.measurement_id} build {self.status}"

    @property
    def built(self) -> bool:
        return self.built_at is not None

    @property
    def pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class UnitMapping(models.Model):
    """Which earlier unit(s) a unit is compared with, maintained by HR when the organisation
    changes: a unit without a mapping is compared with the unit that had its code; a merged
    unit lists every unit it was made from; each part of a split unit lists the unit it
    came from; a new code for the same unit lists the old code. Moves and renames need
    nothing (the code stays)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="previous_units")
    previous_code = models.CharField(_("previous unit code"), max_length=50)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit__code", "previous_code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "previous_code"], name="unique_unit_mapping")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} <- {self.previous_code}"
