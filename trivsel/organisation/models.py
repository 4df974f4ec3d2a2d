"""The organisation register: units in a tree, employees, TRIO members and role grants.

The tree is stored with a materialised path (`path` = the ids from the root down, each
zero-padded), so a subtree is one indexed prefix query and the ancestors are the ids in
the path: no recursive per-row queries, whatever the depth.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

PATH_STEP = 9  # eight digits and a slash per level


def path_segment(unit_id: int) -> str:
    return f"{unit_id:08d}/"


class UnitKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    DEPARTMENT = "department", _("Department")
    AREA = "area", _("Area")
    UNIT = "unit", _("Unit")
    TEAM = "team", _("Team")


class TrioRole(models.TextChoices):
    AMR = "amr", _("Work environment representative (AMR)")
    TR = "tr", _("Union representative (TR)")


class Role(models.TextChoices):
    HR_ADMIN = "hr_admin", _("HR administrator")
    LEADER = "leader", _("Leader")
    TRIO = "trio", _("TRIO member")


class Unit(models.Model):
    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_open(self) -> bool:
        return self.valid_to is None

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to the parent, read off the path."""
        return [int(part) for part in self.path.split("/")[:-2]]

    def subtree(self) -> "models.QuerySet[Unit]":
        return Unit.objects.filter(path__startswith=self.path)

    def ancestors(self) -> "models.QuerySet[Unit]":
        return Unit.objects.filter(id__in=self.ancestor_ids()).order_by("depth")


class Employee(models.Model):
    number = models.CharField(_("employee number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    job_group = models.CharField(_("job group"), max_length=100, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="employees"
    )
    is_leader = models.BooleanField(_("leader"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employee",
    )

    class Meta:
        ordering = ["name", "number"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        indexes = [models.Index(fields=["unit", "is_active"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"


class TrioMember(models.Model):
    """An elected AMR or TR of a unit; with the unit's leader they form its TRIO."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="trio_members")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="trio_roles")
    role = models.CharField(_("role"), max_length=10, choices=TrioRole.choices)

    class Meta:
        verbose_name = _("TRIO member")
        verbose_name_plural = _("TRIO members")
        constraints = [
            models.UniqueConstraint(fields=["unit", "employee", "role"], name="unique_trio_role")
        ]

    def __str__(self) -> str:
        return f"{self.employee} – {self.get_role_display()} ({self.unit.code})"


class RoleGrant(models.Model):
    """A role given to a login on a unit by HR, beyond what the register implies.

    Leaders and TRIO members get their roles from the register itself (see
    trivsel.organisation.access); grants are for HR administrators and for anyone who needs
    access without being registered as the unit's leader (a deputy, a consultant).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_role_grant")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} @ {self.unit.code}"


class ImportJob(models.Model):
    """One upload of HR files, tracked from validation through preview to applying."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be checked")
        CHECKING = "checking", _("Checking the files")
        INVALID = "invalid", _("The files have errors")
        READY = "ready", _("Ready to apply")
        APPLYING = "applying", _("Applying the changes")
        DONE = "done", _("Applied")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    step = models.PositiveSmallIntegerField(default=0)
    units_filename = models.CharField(max_length=255, blank=True)
    units_data = models.BinaryField(null=True)
    employees_filename = models.CharField(max_length=255, blank=True)
    employees_data = models.BinaryField(null=True)
    problems = models.JSONField(default=list)
    plan = models.JSONField(null=True)
    # Removals above the configured share (service.MassChange as dicts), found by the check,
    # and the same list once HR has typed the numbers to confirm them.
    mass_changes = models.JSONField(default=list)
    confirmed_mass_changes = models.JSONField(default=list)
    message = models.TextField(blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # while checking or applying
    restarts = models.PositiveSmallIntegerField(default=0)  # by the clock, after a dead worker

    STEPS = 4  # read, validate, plan, write

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.status})"

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.CHECKING, self.Status.APPLYING}
