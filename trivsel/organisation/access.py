"""The one access check every view goes through.

A person's scopes come from three places, merged here and nowhere else:
- RoleGrant rows (HR administrators, deputies): the role on that unit and its subtree;
- the register: an active employee flagged as leader leads their own unit's subtree;
- TRIO membership: view-only access to that one unit;
- membership: every active employee may see the released summary of their own unit's
  results (MEMBER, not a role anyone grants; it never makes a unit "theirs" elsewhere).

Views use `unit_view` / `org_view` (decorators) or `get_unit_for` directly; a unit outside
a person's scopes answers 404 (its existence is not confirmed), a visible unit without
the capability asked for answers 403.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.db.models.enums import TextChoices
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from trivsel.organisation.models import Employee, Role, RoleGrant, TrioMember, Unit


class Capability(TextChoices):
    VIEW_UNIT = "view_unit", _("see the unit, its people and sub-units")
    VIEW_CONTACTS = "view_contacts", _("see e-mail and mobile numbers")
    MANAGE_ORGANISATION = "manage_organisation", _("import and change the organisation")
    MANAGE_INSTRUMENTS = "manage_instruments", _("build questionnaires and load instruments")
    MANAGE_MEASUREMENTS = "manage_measurements", _("plan, launch and close measurements")
    VALIDATE_LIST = "validate_list", _("validate the unit's list of employees")
    VIEW_SUMMARY = "view_summary", _("see the released summary of the unit's results")


# Every active employee on their own unit. Not a Role: nobody grants it, and it is kept
# apart from the scopes, so it adds no unit to anyone's tree, dashboard or overview.
MEMBER = "member"


CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.HR_ADMIN: frozenset(Capability),
    Role.LEADER: frozenset(
        {
            Capability.VIEW_UNIT,
            Capability.VIEW_CONTACTS,
            Capability.VALIDATE_LIST,
            Capability.VIEW_SUMMARY,
        }
    ),
    Role.TRIO: frozenset({Capability.VIEW_UNIT, Capability.VIEW_SUMMARY}),
    MEMBER: frozenset({Capability.VIEW_SUMMARY}),
}
# Roles that reach the whole subtree below the unit they are held on.
SUBTREE_ROLES = frozenset({Role.HR_ADMIN, Role.LEADER})
ROLE_RANK: dict[str, int] = {Role.TRIO: 1, Role.LEADER: 2, Role.HR_ADMIN: 3}


@dataclass(frozen=True)
class Scope:
    unit_id: int
    path: str
    role: str

    def covers(self, unit: Unit) -> bool:
        if self.role in SUBTREE_ROLES:
            return unit.path.startswith(self.path)
        return unit.id == self.unit_id


class Access:
    def __init__(self, scopes: list[Scope], member: Scope | None = None):
        self.scopes = scopes  # the units the person is responsible for (or TRIO in)
        self.member = member  # the person's own unit in the register, if they are employed

    @classmethod
    def for_user(cls, user: Any) -> "Access":
        if not user.is_authenticated or not user.is_active:
            return cls([])
        scopes = [
            Scope(grant.unit_id, grant.unit.path, grant.role)
            for grant in RoleGrant.objects.filter(user=user, unit__valid_to=None).select_related(
                "unit"
            )
        ]
        employee = Employee.objects.filter(user=user, is_active=True).select_related("unit").first()
        member = None
        if employee is not None and employee.unit.is_open:
            member = Scope(employee.unit_id, employee.unit.path, MEMBER)
        if employee is not None:
            if employee.is_leader and employee.unit.is_open:
                scopes.append(Scope(employee.unit_id, employee.unit.path, Role.LEADER))
            for trio in TrioMember.objects.filter(
                employee=employee, unit__valid_to=None
            ).select_related("unit"):
                scopes.append(Scope(trio.unit_id, trio.unit.path, Role.TRIO))
        return cls(scopes, member)

    @property
    def is_anybody(self) -> bool:
        return bool(self.scopes)

    @property
    def is_org_wide_hr(self) -> bool:
        """HR administrator on a top unit: may act on the organisation as a whole."""
        return any(s.role == Role.HR_ADMIN and s.path.count("/") == 1 for s in self.scopes)

    def role_on(self, unit: Unit) -> str | None:
        roles = [s.role for s in self.scopes if s.covers(unit)]
        return max(roles, key=ROLE_RANK.__getitem__) if roles else None

    def can(self, capability: Capability, unit: Unit) -> bool:
        role = self.role_on(unit)
        if role is not None and capability in CAPABILITIES[role]:
            return True
        return (
            self.member is not None
            and self.member.covers(unit)
            and capability in CAPABILITIES[MEMBER]
        )

    def can_org_wide(self, capability: Capability) -> bool:
        return self.is_org_wide_hr and capability in CAPABILITIES[Role.HR_ADMIN]

    def visible_units_q(self) -> Q:
        condition = Q(pk__in=[])
        for scope in self.scopes:
            if scope.role in SUBTREE_ROLES:
                condition |= Q(path__startswith=scope.path)
            else:
                condition |= Q(pk=scope.unit_id)
        return condition

    def visible_units(self) -> QuerySet[Unit]:
        return Unit.objects.filter(self.visible_units_q())


def get_access(request: HttpRequest) -> Access:
    cached = getattr(request, "_trivsel_access", None)
    if cached is None:
        cached = Access.for_user(request.user)
        request._trivsel_access = cached  # type: ignore[attr-defined]
    return cached


def get_unit_for(request: HttpRequest, code: str, capability: Capability) -> Unit:
    access = get_access(request)
    unit = Unit.objects.filter(code=code).first()
    if unit is None or access.role_on(unit) is None:
        raise Http404
    if not access.can(capability, unit):
        raise PermissionDenied
    return unit


P = ParamSpec("P")
UnitViewFunc = Callable[Concatenate[HttpRequest, Unit, P], HttpResponse]
OrgViewFunc = Callable[Concatenate[HttpRequest, P], HttpResponse]


def unit_view(capability: Capability) -> Callable[[UnitViewFunc[P]], Callable[..., HttpResponse]]:
    """A view about one unit: resolves the `code` URL argument into a unit the person
    may act on with `capability`, or answers 404/403."""

    def decorator(view: UnitViewFunc[P]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, code: str, *args: P.args, **kwargs: P.kwargs) -> Any:
            unit = get_unit_for(request, code, capability)
            return view(request, unit, *args, **kwargs)

        return wrapped

    return decorator


def org_view(
    capability: Capability | None,
) -> Callable[[OrgViewFunc[P]], Callable[..., HttpResponse]]:
    """A view about the organisation as a whole. With a capability, only an org-wide HR
    administrator may use it (403 otherwise); with None, any signed-in person may, and
    the view shows only what `get_access(request)` makes visible."""

    def decorator(view: OrgViewFunc[P]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> Any:
            if capability is not None and not get_access(request).can_org_wide(capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
