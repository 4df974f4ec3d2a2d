from typing import Any

from django.conf import settings
from django.http import HttpRequest

from trivsel.organisation.access import Capability, get_access
from trivsel.organisation.models import Role


def access(request: HttpRequest) -> dict[str, Any]:
    if not hasattr(request, "user"):
        return {}
    current = get_access(request)
    return {
        "access": current,
        "can_manage_organisation": current.can_org_wide(Capability.MANAGE_ORGANISATION),
        "can_manage_instruments": current.can_org_wide(Capability.MANAGE_INSTRUMENTS),
        "can_manage_measurements": current.can_org_wide(Capability.MANAGE_MEASUREMENTS),
        "min_group": settings.RESULTS_MIN_GROUP,  # the anonymity threshold, for plain words
        # a leader (or HR) may start a pulse for their units
        "can_start_pulse": any(s.role in (Role.LEADER, Role.HR_ADMIN) for s in current.scopes),
    }
