"""Who may register and read incidents, on top of the one access check
(trivsel.organisation.access). An individual record is read by the person who registered
it, the unit's own leader, the unit's AMR and HR — nobody else (not the leaders above, not a
TR, not colleagues); everyone else gets 404. Anyone in a unit may register an incident
there: its employees, its leader and its TRIO."""

from typing import Any

from django.db.models import Q, QuerySet

from trivsel.apv.models import Incident
from trivsel.organisation.access import Access
from trivsel.organisation.models import Role, TrioMember, TrioRole, Unit


def _amr_units(user: Any) -> set[int]:
    return set(
        TrioMember.objects.filter(
            employee__user=user, employee__is_active=True, role=TrioRole.AMR,
            unit__valid_to=None,
        ).values_list("unit_id", flat=True)
    )  # fmt: skip


def _led_units(access: Access) -> set[int]:
    return {s.unit_id for s in access.scopes if s.role == Role.LEADER}


def _hr_paths(access: Access) -> list[str]:
    return [s.path for s in access.scopes if s.role == Role.HR_ADMIN]


def readable(access: Access, user: Any) -> QuerySet[Incident]:
    """The incidents this person may read."""
    if not getattr(user, "is_authenticated", False):
        return Incident.objects.none()
    where = Q(registered_by=user)
    where |= Q(unit_id__in=_led_units(access) | _amr_units(user))
    for path in _hr_paths(access):
        where |= Q(unit__path__startswith=path)
    return Incident.objects.filter(where)


def follows_up(access: Access, incident: Incident) -> bool:
    """The unit's leader (and HR) follow an incident up."""
    return incident.unit_id in _led_units(access) or any(
        incident.unit.path.startswith(path) for path in _hr_paths(access)
    )


def register_units(access: Access) -> QuerySet[Unit]:
    """Where this person may register an incident: their own unit, the units they lead
    (with those below), their TRIO units, and for HR their part of the organisation."""
    where = Q(pk__in=[])
    if access.member is not None:
        where |= Q(pk=access.member.unit_id)
    for scope in access.scopes:
        if scope.role in (Role.LEADER, Role.HR_ADMIN):
            where |= Q(path__startswith=scope.path)
        else:
            where |= Q(pk=scope.unit_id)
    return Unit.objects.filter(where, valid_to=None).order_by("path")


def statistics_units(access: Access) -> QuerySet[Unit]:
    """Whose counts this person may see: the units they lead or are HR for (with everything
    below) and their TRIO units."""
    return access.visible_units().filter(valid_to=None)


def is_amr(user: Any, unit: Unit) -> bool:
    return unit.pk in _amr_units(user)


def works_on_apv(access: Access, user: Any, unit: Unit) -> bool:
    """The unit's leader (and the leaders above it), its AMR and HR build the APV."""
    role = access.role_on(unit)
    return role in (Role.LEADER, Role.HR_ADMIN) or is_amr(user, unit)


def reads_apv(access: Access, user: Any, apv: Any) -> bool:
    """Those who build it, the unit's TRIO, and once approved every employee of the unit
    (and of the units below, where it covers them)."""
    if works_on_apv(access, user, apv.unit) or access.role_on(apv.unit) is not None:
        return True
    if apv.state != "approved" or access.member is None:
        return False
    if apv.include_subtree:
        return bool(access.member.path.startswith(apv.unit.path))
    return bool(access.member.unit_id == apv.unit_id)


def may_sign(access: Access, user: Any, unit: Unit, role: str) -> bool:
    """The leader signs as leader (and as employer where there is no work environment
    organisation); the unit's AMR as AMR; a TRIO member of the unit as employee
    representative."""
    if role in ("leader", "employer"):
        return access.role_on(unit) in (Role.LEADER, Role.HR_ADMIN) and (
            role == "employer" or any(
                s.role == Role.LEADER and unit.path.startswith(s.path) for s in access.scopes
            )
        )  # fmt: skip
    if role == "amr":
        return is_amr(user, unit)
    if role == "employee":
        return TrioMember.objects.filter(
            employee__user=user, employee__is_active=True, unit=unit
        ).exists()
    return False
