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
    OWN = "own"
    SUBTREE = "subtree"
    ALL = "all"


class Cell(models.Model):
    """Which figure: a measurement's unit (None: the whole organisation), scope, background
    group ("" = everyone), kind (respondents, dimension, index, item, comments, alpha,
    driver) and metric (the dimension, index or item key)."""

    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, null=True, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=10, choices=Scope.choices)
    group = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=20)
    metric = models.CharField(max_length=100, blank=True)

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["measurement", "unit", "scope", "group", "kind"])]


class Result(Cell):
    Scope = Scope

    n = models.PositiveIntegerField()
    score = models.FloatField(null=True)
    sd = models.FloatField(null=True)
    favourable = models.FloatField(null=True)
    neutral = models.FloatField(null=True)
    unfavourable = models.FloatField(null=True)
    invited = models.PositiveIntegerField(null=True)  # respondents rows
    options = models.JSONField(null=True)  # item rows: answer value -> share of n
    # name (parent, organisation, reference, previous) -> [difference, p, flagged]
    comparisons = models.JSONField(null=True)

    class Meta(Cell.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["measurement", "unit", "scope", "group", "kind", "metric"],
                name="unique_result",
            )
        ]

    def __str__(self) -> str:
        return f"{self.measurement_id} {self.unit_id} {self.scope} {self.kind} {self.metric}"


class Hidden(Cell):
    """A figure hidden by the differencing rules although at least k answered: showing it
    would let someone work out the answers of fewer than k. `partner`: a shown unit that
    holds all but fewer than k of the same people, where there is one. A figure without a
    Result or a Hidden row in built results had fewer than k answers (nothing else about it
    is stored)."""

    class Reason(models.TextChoices):
        PROTECTS = "protects", _("hidden to protect a smaller group")

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


class Built(models.Model):
    """When a measurement's results were last built (no row: not built yet)."""

    measurement = models.OneToOneField(
        Measurement, on_delete=models.CASCADE, related_name="results_built"
    )
    built_at = models.DateTimeField()
    rows = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.measurement_id} built {self.built_at:%Y-%m-%d %H:%M}"


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
