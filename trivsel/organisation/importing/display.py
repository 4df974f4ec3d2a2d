"""How a plan reads to a person: a heading and one line per change, translated."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trivsel.organisation.models import TrioRole, UnitKind

SECTION_TITLES = {
    "units_added": gettext_lazy("New units"),
    "units_renamed": gettext_lazy("Renamed units"),
    "units_moved": gettext_lazy("Units moved to another parent"),
    "units_kind_changed": gettext_lazy("Units of another kind"),
    "units_closed": gettext_lazy("Units closed (missing from the file)"),
    "units_reopened": gettext_lazy("Closed units opened again"),
    "employees_added": gettext_lazy("New employees"),
    "employees_moved": gettext_lazy("Employees moved to another unit"),
    "employees_updated": gettext_lazy("Employees with changed details"),
    "employees_deactivated": gettext_lazy("Employees deactivated (missing from the file)"),
    "employees_reactivated": gettext_lazy("Employees active again"),
    "trio_added": gettext_lazy("New TRIO members"),
    "trio_removed": gettext_lazy("TRIO members removed"),
}
FIELD_LABELS = {
    "name": gettext_lazy("name"),
    "email": gettext_lazy("e-mail"),
    "mobile": gettext_lazy("mobile"),
    "job_group": gettext_lazy("job group"),
    "is_leader": gettext_lazy("leader"),
}


def _value(value: Any) -> str:
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return str(value) if value not in (None, "") else "–"


def describe(section: str, item: dict[str, Any]) -> str:
    values = {key: _value(value) for key, value in item.items() if key != "changes"}
    if section in ("units_kind_changed",):
        values["old"] = str(UnitKind(item["old"]).label)
        values["new"] = str(UnitKind(item["new"]).label)
    if "role" in item:
        values["role"] = str(TrioRole(item["role"]).label)
    if section == "units_added":
        return _("%(name)s (%(code)s) under %(parent)s") % values
    if section == "units_renamed":
        return _("%(code)s: %(old)s → %(new)s") % values
    if section == "units_moved":
        return _("%(name)s (%(code)s): from %(old_parent)s to %(new_parent)s") % values
    if section == "units_kind_changed":
        return _("%(name)s (%(code)s): %(old)s → %(new)s") % values
    if section in ("units_closed", "units_reopened"):
        return _("%(name)s (%(code)s)") % values
    if section == "employees_added":
        return _("%(name)s (%(number)s) in %(unit)s") % values
    if section == "employees_moved":
        return _("%(name)s (%(number)s): from %(old_unit)s to %(new_unit)s") % values
    if section == "employees_updated":
        changes = "; ".join(
            _("%(field)s: %(old)s → %(new)s")
            % {"field": FIELD_LABELS[field], "old": _value(old), "new": _value(new)}
            for field, (old, new) in item["changes"].items()
        )
        return _("%(name)s (%(number)s): %(changes)s") % {**values, "changes": changes}
    if section in ("employees_deactivated", "employees_reactivated"):
        return _("%(name)s (%(number)s), %(unit)s") % values
    return _("%(name)s (%(number)s): %(role)s in %(unit)s") % values
