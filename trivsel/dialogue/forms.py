from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from trivsel.dialogue.models import Action
from trivsel.organisation.models import Employee


class DateInput(forms.DateInput):
    """The browser's date picker, which takes and gives yyyy-mm-dd whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None, format: str | None = None) -> None:
        super().__init__(attrs, format or "%Y-%m-%d")


class PlanForm(forms.Form):
    meeting_on = forms.DateField(label=_("Date of the dialogue meeting"), widget=DateInput)


class HeldForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput)
    participants = forms.IntegerField(label=_("Number of participants"), min_value=1,
                                      max_value=10000)  # fmt: skip
    amr_present = forms.BooleanField(label=_("The AMR took part"), required=False)
    tr_present = forms.BooleanField(label=_("The TR took part"), required=False)
    minutes = forms.CharField(label=_("Short minutes"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip


class FocusForm(forms.Form):
    metrics = forms.MultipleChoiceField(label=_("Focus areas"),
                                        widget=forms.CheckboxSelectMultiple)  # fmt: skip

    def __init__(self, *args: object, choices: list[tuple[str, str]], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["metrics"].choices = choices  # type: ignore[attr-defined]


class DescribeForm(forms.Form):
    works = forms.CharField(label=_("What works"), required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    change = forms.CharField(label=_("What should change"), required=False, max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class ActionForm(forms.ModelForm):  # type: ignore[type-arg]
    owners = forms.ModelMultipleChoiceField(
        label=_("Owners"), queryset=Employee.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Who sees to it that the action happens (one or more)."),
    )  # fmt: skip
    metric = forms.ChoiceField(label=_("Focus area"))

    class Meta:
        model = Action
        fields = ["title", "description", "metric", "owners", "due", "status", "evaluation",
                  "visibility", "suggestion"]  # fmt: skip
        widgets = {
            "due": DateInput,
            "description": forms.Textarea(attrs={"rows": 3}),
            "evaluation": forms.Textarea(attrs={"rows": 3}),
            "suggestion": forms.HiddenInput,
        }
        help_texts = {
            "evaluation": _("Required to mark the action done: what came of it?"),
        }

    def __init__(
        self, *args: object, owners: "QuerySet[Employee]",
        focus_choices: list[tuple[str, str]], **kwargs: object,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["owners"].queryset = owners  # type: ignore[attr-defined]
        self.fields["metric"].choices = focus_choices  # type: ignore[attr-defined]
