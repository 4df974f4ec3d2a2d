"""What other apps show on a unit's page. The organisation app sits low in the layers
(docs/architecture.md): it cannot ask the measurements or the reports for their part, so
they add it here when they start (`AppConfig.ready`), and the unit page shows whatever
was added."""

from collections.abc import Callable

from django.http import HttpRequest

from trivsel.organisation.models import Unit

UnitPart = Callable[[HttpRequest, Unit], dict[str, object]]
_PARTS: list[UnitPart] = []


def add_unit_part(part: UnitPart) -> UnitPart:
    """Register a function that gives template context for a unit's page."""
    if part not in _PARTS:
        _PARTS.append(part)
    return part


def unit_parts(request: HttpRequest, unit: Unit) -> dict[str, object]:
    context: dict[str, object] = {}
    for part in _PARTS:
        context |= part(request, unit)
    return context
