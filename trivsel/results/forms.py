from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from trivsel.organisation.models import Unit
from trivsel.results.models import UnitMapping


class MappingForm(forms.Form):
    unit = forms.CharField(
        label=_("Unit code now"),
        max_length=50,
        help_text=_("The unit as it is in the organisation today."),
    )
    previous_code = forms.CharField(
        label=_("Code it had, or one it was made from"),
        max_length=50,
        help_text=_(
            "For a merged unit, add one line per unit it was made from; for a split, one line "
            "per new unit, each with the old code."
        ),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean_unit(self) -> Unit:
        code = self.cleaned_data["unit"].strip()
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(
                _("No unit has the code “%(code)s”."), params={"code": code}
            )
        return unit

    def clean_previous_code(self) -> str:
        code: str = self.cleaned_data["previous_code"].strip()
        if not Unit.objects.filter(code=code).exists():
            raise forms.ValidationError(
                _("No unit, open or closed, has the code “%(code)s”."), params={"code": code}
            )
        return code

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        unit, code = data.get("unit"), data.get("previous_code")
        if unit and code and UnitMapping.objects.filter(unit=unit, previous_code=code).exists():
            raise forms.ValidationError(_("This line is already in the mapping."))
        return data
