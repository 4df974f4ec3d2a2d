"""Stored results: what reports read, never raw responses. One row per figure that may be
shown (hidden groups have no row), unrounded, rebuilt as a whole for a measurement."""

from django.db import models

from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit


class Result(models.Model):
    class Scope(models.TextChoices):
        OWN = "own"
        SUBTREE = "subtree"
        ALL = "all"

    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey(Unit, null=True, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=10, choices=Scope.choices)
    group = models.CharField(max_length=100, blank=True)  # background group; "" = everyone
    kind = models.CharField(max_length=20)  # respondents, dimension, item, alpha
    metric = models.CharField(max_length=100, blank=True)  # dimension or item key
    n = models.PositiveIntegerField()
    score = models.FloatField(null=True)
    sd = models.FloatField(null=True)
    favourable = models.FloatField(null=True)
    neutral = models.FloatField(null=True)
    unfavourable = models.FloatField(null=True)

    class Meta:
        indexes = [models.Index(fields=["measurement", "unit", "scope", "group", "kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["measurement", "unit", "scope", "group", "kind", "metric"],
                name="unique_result",
            )
        ]

    def __str__(self) -> str:
        return f"{self.measurement_id} {self.unit_id} {self.scope} {self.kind} {self.metric}"
