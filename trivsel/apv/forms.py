from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from trivsel.apv.models import AnnualDiscussion, Incident
from trivsel.organisation.models import Unit

DATE = {"type": "date"}


class IncidentForm(forms.ModelForm[Incident]):
    class Meta:
        model = Incident
        fields = ["unit", "occurred_on", "kind", "source", "description", "injury",
                  "first_absence", "last_absence"]  # fmt: skip
        widgets = {
            "occurred_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "first_absence": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "last_absence": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
        }
        help_texts = {
            "description": _(
                "What happened, briefly. Name no one beyond what is needed: write “a citizen” "
                "or “a colleague” rather than a name. The record is read by you, the unit's "
                "leader, its work environment representative (AMR) and HR."
            ),
            "first_absence": _("If you were away from work after the incident: the first day."),
            "last_absence": _("Leave it empty while the absence lasts."),
            "injury": _("Physically or mentally hurt by the incident."),
        }

    def __init__(self, *args: Any, units: "QuerySet[Unit]", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["unit"].label_from_instance = (  # type: ignore[attr-defined]
            lambda unit: f"{unit.name} ({unit.code})"
        )


class FollowUpForm(forms.Form):
    follow_up = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000,
        help_text=_("Support for the person, what the unit does so it does not happen again."),
    )  # fmt: skip
    amo_informed = forms.BooleanField(
        label=_("The work environment organisation is informed"), required=False
    )
    last_absence = forms.DateField(
        label=_("Last day of absence"), required=False,
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
    )  # fmt: skip


class ReportedForm(forms.Form):
    reported_on = forms.DateField(
        label=_("Reported to EASY on"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )


class QuarterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"), coerce=int, choices=[(q, f"{q}") for q in range(1, 5)]
    )


class DiscussionForm(forms.ModelForm[AnnualDiscussion]):
    class Meta:
        model = AnnualDiscussion
        fields = ["held_on", "participants", "cooperation", "goals_met", "new_goals",
                  "competence_plan"]  # fmt: skip
        widgets = {
            "held_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            **{name: forms.Textarea(attrs={"rows": 3}) for name in
               ("participants", "cooperation", "goals_met", "new_goals", "competence_plan")},
        }  # fmt: skip
