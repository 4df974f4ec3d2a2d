"""Role grants in the audit log (they are made in the admin and by the import)."""

from typing import Any

from trivsel.core.audit import record
from trivsel.organisation.models import RoleGrant


def _describe(grant: RoleGrant) -> str:
    return f"{grant.user.get_username()}: {grant.get_role_display()} @ {grant.unit.code}"


def grant_saved(sender: object, instance: RoleGrant, created: bool, **kwargs: Any) -> None:
    record("role granted" if created else "role changed", _describe(instance))


def grant_removed(sender: object, instance: RoleGrant, **kwargs: Any) -> None:
    record("role removed", _describe(instance))
