"""HR's and management's view of the units that need support: the signals per unit, worst
first, at a chosen depth of the units this person may see; HR sets the thresholds; the same
table as CSV."""

import csv
import io

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trivsel.core.audit import record
from trivsel.core.exports import csv_row
from trivsel.organisation.access import Capability, get_access, org_view
from trivsel.support.models import Thresholds
from trivsel.support.signals_of import Row, rows

SIGNALS = {
    "social_capital": gettext_lazy("Low social capital"),
    "wellbeing": gettext_lazy("Falling wellbeing"),
    "absence": gettext_lazy("High sickness absence"),
    "rising_absence": gettext_lazy("Rising sickness absence"),
    "turnover": gettext_lazy("High turnover"),
    "incidents": gettext_lazy("Many offensive incidents"),
}


class ThresholdsForm(forms.ModelForm[Thresholds]):
    class Meta:
        model = Thresholds
        fields = ["low_social_capital", "wellbeing_drop", "high_absence", "rising_absence",
                  "high_turnover", "incidents"]  # fmt: skip
        # "6,5" in Danish (a number input in a Danish browser had read it as 65)
        localized_fields = "__all__"


@org_view(None)
def support(request: HttpRequest) -> HttpResponse:
    access = get_access(request)
    if not access.is_anybody or not any(s.role in ("hr_admin", "leader") for s in access.scopes):
        raise PermissionDenied
    hr = access.can_org_wide(Capability.MANAGE_ORGANISATION)
    limits = Thresholds.current()
    form = ThresholdsForm(request.POST or None, instance=limits)
    if request.method == "POST":
        if not hr:
            raise PermissionDenied
        if form.is_valid():
            form.save()
            record("settings changed", "support thresholds", str(form.cleaned_data))
            messages.success(request, _("The thresholds are saved."))
            return redirect("support:view")
    try:
        depth = max(0, min(8, int(request.GET.get("depth", "3"))))
    except ValueError:
        depth = 3
    units = access.visible_units().filter(valid_to=None, depth__lte=depth).order_by("path")
    found = rows(units, timezone.localdate(), limits)
    only = request.GET.get("only") == "flagged"
    if only:
        found = [row for row in found if row.signals]
    sort = request.GET.get("sort", "signals")
    if sort not in SORTS:
        sort = "signals"
    found = sort_rows(found, sort)
    if request.GET.get("format") == "csv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow([_("Unit code"), _("Unit"), _("Signals"), _("Social capital"),
                         _("Wellbeing since last time"), _("Sickness absence %, 12 months"),
                         _("Change from the year before"), _("Turnover %"),
                         _("Offensive incidents, 4 quarters")])  # fmt: skip
        for row in found:
            writer.writerow(csv_row([
                row.unit.code, row.unit.name, ", ".join(str(SIGNALS[s]) for s in row.signals),
                _round(row.social_capital), _round(row.wellbeing_change), _round(row.absence, 2),
                _round(row.absence_change, 2), _round(row.turnover, 1), row.incidents,
            ]))  # fmt: skip
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="units-that-need-support.csv"'
        return response
    return render(request, "support/support.html", {
        "rows": found, "signals": SIGNALS, "form": form if hr else None, "depth": depth,
        "only": only, "depths": range(1, 7), "sort": sort,
    }, status=400 if form.is_bound else 200)  # fmt: skip


# What each column sorts by, worst first: low scores and falls first, high absence,
# turnover and incidents first; units without the figure last.
SORTS = {
    "signals": None, "unit": None, "social_capital": ("social_capital", False),
    "wellbeing": ("wellbeing_change", False), "absence": ("absence", True),
    "absence_change": ("absence_change", True), "turnover": ("turnover", True),
    "incidents": ("incidents", True),
}  # fmt: skip


def sort_rows(found: list[Row], sort: str) -> list[Row]:
    """The rows by the chosen column, worst first ("signals": most signals first, as
    computed; "unit": the organisation's order)."""
    if sort == "unit":
        return sorted(found, key=lambda row: row.unit.path)
    key = SORTS.get(sort)
    if key is None:
        return found
    name, high_first = key
    known = [row for row in found if getattr(row, name) is not None]
    unknown = [row for row in found if getattr(row, name) is None]
    return sorted(known, key=lambda row: getattr(row, name), reverse=high_first) + unknown


def _round(value: float | None, places: int = 0) -> float | None:
    return None if value is None else round(value, places)
