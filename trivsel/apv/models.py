"""The register of offensive incidents: who registered what, where and when, the leader's
follow-up, and the report to EASY where the absence makes the incident a reportable work
accident. An individual record is read only by the person who registered it, the unit's
leader, its AMR and HR (trivsel.apv.access)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trivsel.organisation.models import Unit


class Incident(models.Model):
    class Kind(models.TextChoices):
        VIOLENCE = "violence", _("Physical violence")
        THREATS = "threats", _("Threats")
        BULLYING = "bullying", _("Bullying")
        SEXUAL_HARASSMENT = "sexual_harassment", _("Sexual harassment")
        OTHER = "other", _("Other offensive act")

    class Source(models.TextChoices):
        CITIZEN = "citizen", _("A citizen or relative")
        COLLEAGUE = "colleague", _("A colleague")
        LEADER = "leader", _("A leader")
        OTHER = "other", _("Someone else")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="+")  # fmt: skip
    occurred_on = models.DateField(_("date of the incident"))
    kind = models.CharField(_("what happened"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("from whom"), max_length=20, choices=Source.choices)
    description = models.TextField(_("short description"), max_length=2000)
    injury = models.BooleanField(_("physical or mental injury"), default=False)
    first_absence = models.DateField(_("first day of absence"), null=True, blank=True)
    last_absence = models.DateField(_("last day of absence"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)
    # The leader's follow-up.
    follow_up = models.TextField(_("what was done"), blank=True)
    amo_informed = models.BooleanField(_("the work environment organisation is informed"),
                                       default=False)  # fmt: skip
    followed_up_at = models.DateTimeField(null=True, blank=True)
    reported_to_easy_on = models.DateField(_("reported to EASY on"), null=True, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["unit", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.occurred_on} {self.kind}"
