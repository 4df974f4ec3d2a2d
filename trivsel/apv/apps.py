from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _organisation_changed(sender: Any, plan: Any, **kwargs: Any) -> None:
    """A unit moved, a new unit under one, a unit closed (merged away): the APVs of the
    units concerned (and of those above that include them) need a revision."""
    from trivsel.apv.apv_services import needs_revision
    from trivsel.organisation.models import Unit

    moved = {item["code"] for item in plan.units_moved}
    added_under = {item["parent"] for item in plan.units_added if item.get("parent")}
    closed = {item["code"] for item in plan.units_closed}
    parents_of_closed = set(
        Unit.objects.filter(code__in=closed, parent__isnull=False).values_list(
            "parent__code", flat=True
        )
    )
    codes = moved | added_under | parents_of_closed
    if codes:
        units = list(Unit.objects.filter(code__in=codes, valid_to=None))
        needs_revision(units, "organisation change: " + ", ".join(sorted(codes))[:250])


class ApvConfig(AppConfig):
    name = "trivsel.apv"
    verbose_name = _("APV and offensive incidents")

    def ready(self) -> None:
        from trivsel.organisation.importing.service import organisation_changed

        organisation_changed.connect(_organisation_changed, dispatch_uid="apv-revision")
