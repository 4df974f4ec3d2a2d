from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD = 50 * 1024 * 1024


class ImportForm(forms.Form):
    units = forms.FileField(
        label=_("Units"),
        required=False,
        help_text=_("Columns: unit code, parent code, name, kind (optional). CSV or XLSX."),
    )
    employees = forms.FileField(
        label=_("Employees"),
        required=False,
        help_text=_(
            "Columns: employee number, name, e-mail, mobile, job group, unit code, leader "
            "(yes/no), TRIO role (optional). CSV or XLSX."
        ),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("units") and not cleaned.get("employees"):
            raise forms.ValidationError(_("Choose a file of units, of employees, or both."))
        for key in ("units", "employees"):
            upload = cleaned.get(key)
            if upload is not None and upload.size > MAX_UPLOAD:
                self.add_error(key, _("The file is larger than 50 MB."))
        return cleaned
