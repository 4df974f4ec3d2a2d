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


class ChecklistItem(models.Model):
    """A point of the physical-environment checklist, which HR maintains (a bundled default
    is loaded the first time; trivsel.apv.checklist)."""

    text = models.JSONField(default=dict)  # {"da": ..., "en": ...}
    order = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        from trivsel.instruments.models import localised

        return localised(self.text)


class Apv(models.Model):
    """A unit's written workplace assessment (arbejdspladsvurdering) with its four elements:
    the survey of the working conditions (afdækning), whether they contribute to sickness
    absence, the problems with their action plan, and the follow-up. Approved by a dated
    sign-off of the leader and the AMR; revised at least every three years."""

    class State(models.TextChoices):
        DRAFT = "draft", _("In progress")
        APPROVED = "approved", _("Approved")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT,
                             related_name="apvs")  # fmt: skip
    include_subtree = models.BooleanField(_("with the units below it"), default=True)
    measurement = models.ForeignKey(
        "measurements.Measurement", verbose_name=_("measurement"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    walkthrough_on = models.DateField(_("walk-through date"), null=True, blank=True)
    walkthrough_participants = models.TextField(_("who took part"), blank=True)
    absence_assessment = models.TextField(
        _("do the working conditions contribute to sickness absence?"), blank=True
    )
    # Where the unit has no work environment organisation: the employer and an employee
    # representative sign instead of the leader and the AMR.
    no_amo = models.BooleanField(_("the unit has no work environment organisation"),
                                 default=False)  # fmt: skip
    approved_on = models.DateField(null=True, blank=True)
    revision_needed = models.BooleanField(default=False)
    revision_reason = models.CharField(max_length=300, blank=True)
    # An earlier APV made elsewhere and imported (trivsel.apv.importing): where it is kept
    # and what it said, in short; its approval date starts the three-year clock.
    imported = models.TextField(_("imported from"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit", "state"])]

    def __str__(self) -> str:
        return f"APV {self.unit_id} {self.state}"


class Factor(models.Model):
    """One of the five psychosocial risks to assess (BEK nr. 1406 af 25/09/2020): relevant
    for the unit or not, and why."""

    class Key(models.TextChoices):
        WORKLOAD = "workload", _("High workload and time pressure")
        DEMANDS = "demands", _("Unclear and conflicting demands")
        EMOTIONAL = "emotional", _("High emotional demands in work with people")
        OFFENSIVE = "offensive", _("Offensive acts, including bullying and sexual harassment")
        VIOLENCE = "violence", _("Work-related violence, also outside working hours")

    apv = models.ForeignKey(Apv, on_delete=models.CASCADE, related_name="factors")
    key = models.CharField(max_length=20, choices=Key.choices)
    relevant = models.BooleanField(_("relevant"), null=True, blank=True)
    reason = models.TextField(_("why"), blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["apv", "key"], name="one_factor_per_key")]

    def __str__(self) -> str:
        return self.key


class Check(models.Model):
    """The APV's answer to one point of the physical checklist."""

    class Status(models.TextChoices):
        OK = "ok", _("In order")
        PROBLEM = "problem", _("A problem")
        NOT_RELEVANT = "not_relevant", _("Not relevant here")

    apv = models.ForeignKey(Apv, on_delete=models.CASCADE, related_name="checks")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["item__order", "item__pk"]

    def __str__(self) -> str:
        return f"{self.item}: {self.status}"


class Problem(models.Model):
    """A problem the APV found: its nature, severity, extent and causes, and the actions
    that solve it (the dialogue app's actions: one action can serve both the dialogue and
    the APV), unless it was solved at once."""

    apv = models.ForeignKey(Apv, on_delete=models.CASCADE, related_name="problems")
    title = models.CharField(_("problem"), max_length=255)
    nature = models.TextField(_("nature"), blank=True)
    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=[(1, _("1 – minor")), (2, _("2 – serious")), (3, _("3 – severe"))]
    )
    extent = models.TextField(_("extent"), blank=True)
    causes = models.TextField(_("causes"), blank=True)
    solved_at_once = models.BooleanField(_("solved at once"), default=False)
    actions = models.ManyToManyField("dialogue.Action", related_name="apv_problems", blank=True)

    class Meta:
        ordering = ["-severity", "pk"]

    def __str__(self) -> str:
        return self.title


class Signoff(models.Model):
    class Role(models.TextChoices):
        LEADER = "leader", _("Leader")
        AMR = "amr", _("Work environment representative (AMR)")
        EMPLOYER = "employer", _("Employer")
        EMPLOYEE = "employee", _("Employee representative")

    apv = models.ForeignKey(Apv, on_delete=models.CASCADE, related_name="signoffs")
    role = models.CharField(max_length=10, choices=Role.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                             related_name="+")  # fmt: skip
    name = models.CharField(max_length=200)
    signed_on = models.DateField()

    class Meta:
        ordering = ["signed_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["apv", "role"], name="one_signoff_per_role")]

    def __str__(self) -> str:
        return f"{self.role}: {self.name}"


class AnnualDiscussion(models.Model):
    """The annual arbejdsmiljødrøftelse of a workplace (BEK nr. 1838 af 14/12/2023, kapitel
    2): how the cooperation on the work environment runs next year, whether last year's
    goals were met, the new goals, and the competence plan for the members of the work
    environment organisation."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    held_on = models.DateField(_("held on"))
    participants = models.TextField(_("who took part"), blank=True)
    cooperation = models.TextField(_("how the cooperation runs next year"))
    goals_met = models.TextField(_("were last year's goals met?"))
    new_goals = models.TextField(_("the goals for next year"))
    competence_plan = models.TextField(_("the competence plan for the AMO's members"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"],
                                               name="one_discussion_a_year")]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}"
