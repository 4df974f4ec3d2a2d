"""Bulk PDFs: every unit's report of a measurement, made in the background into one ZIP."""

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trivsel.measurements.models import Measurement


class PdfBundle(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Making the PDFs")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="+")
    language = models.CharField(max_length=5, default="da")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)  # the heartbeat (trivsel/core/jobs.py)
    restarts = models.PositiveSmallIntegerField(default=0)  # by the clock, after a dead worker

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"PDFs {self.measurement_id} ({self.status})"

    @property
    def path(self) -> Path:
        return Path(settings.DATA_DIR) / "reports" / f"reports-{self.measurement_id}-{self.pk}.zip"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0
