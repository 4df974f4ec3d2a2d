from django.db import models
from django.utils.translation import gettext_lazy as _


class Thresholds(models.Model):
    """HR's thresholds for "units that need support" (one row; the defaults until HR saves)."""

    low_social_capital = models.FloatField(_("social capital below"), default=55.0)
    wellbeing_drop = models.FloatField(_("wellbeing fallen by at least (points)"), default=5.0)
    high_absence = models.FloatField(_("sickness absence above (%)"), default=7.0)
    rising_absence = models.FloatField(
        _("sickness absence risen by at least (percentage points)"), default=1.0
    )
    high_turnover = models.FloatField(_("turnover above (%)"), default=20.0)
    incidents = models.PositiveIntegerField(_("offensive incidents in a year, at least"),
                                            default=10)  # fmt: skip

    def __str__(self) -> str:
        return "thresholds"

    @classmethod
    def current(cls) -> "Thresholds":
        return cls.objects.order_by("pk").first() or cls()
