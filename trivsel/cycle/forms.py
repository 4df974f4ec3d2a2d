import re
from collections import Counter
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from trivsel.instruments.models import ItemVersion, Questionnaire, localised
from trivsel.measurements.models import FatigueCap, Measurement, PulseTemplate
from trivsel.organisation.models import Employee, Unit
from trivsel.survey.texts import problems_in

PICKER_DEPTH = 3  # the organisation's top levels are offered to tick; deeper units by code


class PicksUnits(forms.Form):
    """A form's units: codes typed, or the organisation's top levels ticked."""

    units = forms.CharField(
        label=_("Units"),
        help_text=_(
            "Unit codes, separated by commas or spaces, or tick them in the organisation "
            "below. Each unit is included with everything below it."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def picker(self) -> list[tuple[Unit, int, bool]]:
        """The top levels of the organisation to tick: each unit, the active employees in it
        and everything below it, and whether it is ticked."""
        chosen = set(self._picked())
        chosen |= set(re.split(r"[\s,;]+", str(self["units"].value() or "")))
        units = list(Unit.objects.filter(valid_to=None, depth__lt=PICKER_DEPTH).order_by("path"))
        counts = Counter(
            Employee.objects.filter(is_active=True, unit__valid_to=None).values_list(
                "unit__path", flat=True
            )
        )
        people = {unit.pk: sum(n for path, n in counts.items() if path.startswith(unit.path))
                  for unit in units}  # fmt: skip
        return [(unit, people[unit.pk], unit.code in chosen) for unit in units]

    def _picked(self) -> list[str]:
        """The codes of the units ticked in the picker (the checkboxes named "picked")."""
        getlist = getattr(self.data, "getlist", None)
        return [str(code) for code in getlist("picked")] if getlist else []

    def clean_units(self) -> list[Unit]:
        typed = re.split(r"[\s,;]+", self.cleaned_data["units"])
        codes = list(dict.fromkeys(code for code in [*typed, *self._picked()] if code))
        units = {unit.code: unit for unit in Unit.objects.filter(code__in=codes, valid_to=None)}
        unknown = [code for code in codes if code not in units]
        if unknown:
            raise forms.ValidationError(
                _("These unit codes do not exist or are closed: %(codes)s"),
                params={"codes": ", ".join(unknown)},
            )
        if not units:
            raise forms.ValidationError(_("Name at least one unit."))
        return list(units.values())


class MeasurementForm(PicksUnits, forms.ModelForm[Measurement]):  # type: ignore[misc]
    class Meta:
        model = Measurement
        fields = ["name", "kind", "questionnaire", "baseline", "leaders_only",
                  "validation_starts", "opens_at", "first_reminder_at", "second_reminder_at",
                  "closes_at", "results_release_at", "dialogue_deadline"]  # fmt: skip
        widgets = {
            name: forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
            for name in (
                "validation_starts",
                "opens_at",
                "first_reminder_at",
                "second_reminder_at",
                "closes_at",
                "results_release_at",
            )
        } | {"dialogue_deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    field_order = ["name", "kind", "questionnaire", "units", "leaders_only", "baseline"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = Questionnaire.objects.all()  # type: ignore[attr-defined]
        self.fields["baseline"].queryset = Measurement.objects.filter(  # type: ignore[attr-defined]
            state__in=[Measurement.State.CLOSED, Measurement.State.RELEASED],
            kind=Measurement.Kind.MAIN,
        )
        self.fields["kind"].help_text = _(
            "A follow-up is best planned under “Plan a follow-up measurement”, a pulse from a "
            "pulse template: they build the questionnaire from the baseline or the template."
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        order = ["validation_starts", "opens_at", "closes_at", "results_release_at"]
        times = [cleaned.get(name) for name in order]
        if all(times) and not (times[0] <= times[1] < times[2] <= times[3]):  # type: ignore[operator]
            raise forms.ValidationError(
                _(
                    "The timeline must run: validation starts, then collection opens, then it "
                    "closes, then results are released."
                )
            )
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        for name in ("first_reminder_at", "second_reminder_at"):
            at = cleaned.get(name)
            if at and opens and closes and not opens < at < closes:
                self.add_error(name, _("A reminder is sent while collection is open."))
        first, second = cleaned.get("first_reminder_at"), cleaned.get("second_reminder_at")
        if first and second and not first < second:
            self.add_error("second_reminder_at", _("The second reminder comes after the first."))
        return cleaned


def _moment() -> forms.DateTimeField:
    return forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )


class FollowUpForm(PicksUnits):
    """HR's follow-up of a baseline: the units, the themes whose questions are asked again
    unchanged, the forward-looking questions, and a short timeline."""

    field_order = ["name", "units", "themes", "forward"]
    name = forms.CharField(label=_("Name"), max_length=200)
    themes = forms.MultipleChoiceField(
        label=_("Themes to follow up"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("The baseline's questions of each theme are asked again, word for word."),
    )  # fmt: skip
    forward: forms.ModelMultipleChoiceField[ItemVersion] = forms.ModelMultipleChoiceField(
        label=_("Forward-looking questions"), queryset=ItemVersion.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    opens_at = _moment()
    first_reminder_at = _moment()
    closes_at = _moment()
    results_release_at = _moment()
    dialogue_deadline = forms.DateField(
        label=_("dialogue deadline"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )  # fmt: skip

    def __init__(self, *args: Any, theme_choices: list[tuple[str, str]],
                 forward_questions: list[Any], **kwargs: Any):  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = theme_choices  # type: ignore[attr-defined]
        forward = self.fields["forward"]
        forward.queryset = ItemVersion.objects.filter(  # type: ignore[attr-defined]
            pk__in=[v.pk for v in forward_questions]
        ).order_by("item__key")
        forward.label_from_instance = lambda version: version.label  # type: ignore[attr-defined]
        self.fields["opens_at"].label = _("collection opens")
        self.fields["first_reminder_at"].label = _("reminder")
        self.fields["first_reminder_at"].required = False
        self.fields["closes_at"].label = _("collection closes")
        self.fields["results_release_at"].label = _("results released")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("themes") and not cleaned.get("forward") and not self.errors:
            raise forms.ValidationError(_("Choose at least one theme or forward-looking question."))
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        release, reminder = cleaned.get("results_release_at"), cleaned.get("first_reminder_at")
        if opens and closes and release and not opens < closes <= release:
            raise forms.ValidationError(
                _("The timeline must run: collection opens, then it closes, then results are "
                  "released.")
            )  # fmt: skip
        if reminder and opens and closes and not opens < reminder < closes:
            self.add_error("first_reminder_at", _("A reminder is sent while collection is open."))
        return cleaned


class ValidationForm(forms.Form):
    corrections = forms.CharField(
        label=_("Corrections"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Who has moved, left or is missing, and wrong contact details. Leave it empty and "
            "press “The list is correct” if there is nothing to correct."
        ),
    )


class MessageTextsForm(forms.Form):
    """HR's texts for a measurement's invitations, reminders and SMS, in Danish and English
    (empty: the default text), and the contact person they name."""

    contact = forms.CharField(
        label=_("Contact person"), max_length=200, required=False,
        help_text=_("Who answers questions about the survey, e.g. “Hanne Hansen, HR, 7012 3456”."),
    )  # fmt: skip

    def __init__(self, *args: Any, defaults: dict[str, dict[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        labels = {
            "invitation": _("Invitation (e-mail)"),
            "reminder": _("Reminder (e-mail)"),
            "sms": _("SMS (invitation and reminder)"),
        }
        for kind, label in labels.items():
            for language, name in (("da", _("Danish")), ("en", _("English"))):
                if kind == "sms" and language != "da":
                    continue  # an SMS is sent in Danish only
                self.fields[f"{kind}_{language}"] = forms.CharField(
                    label=f"{label}, {name}", required=False,
                    widget=forms.Textarea(attrs={"rows": 4 if kind == "sms" else 12}),
                    initial=defaults[kind][language],
                )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, value in list(cleaned.items()):
            if name != "contact" and value:
                for problem in problems_in(value):
                    self.add_error(name, problem)
        return cleaned


class FatigueForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = FatigueCap
        fields = ["most", "days"]

    def clean_most(self) -> int:
        most = int(self.cleaned_data["most"])
        if not 1 <= most <= 20:
            raise forms.ValidationError(_("Choose 1 to 20 surveys."))
        return most

    def clean_days(self) -> int:
        days = int(self.cleaned_data["days"])
        if not 1 <= days <= 365:
            raise forms.ValidationError(_("Choose 1 to 365 days."))
        return days


class PulseTemplateForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = PulseTemplate
        fields = ["name", "days_open", "by_job_group", "items"]
        widgets = {"items": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from trivsel.instruments.models import ItemVersion

        # Scored questions from the bank, unchanged (the sensitive ones need k = 10 and
        # belong in the APV, not in a pulse).
        items = self.fields["items"]
        items.queryset = (  # type: ignore[attr-defined]
            ItemVersion.objects.filter(kind=ItemVersion.Kind.SCALE, sensitive=False)
            .exclude(scale__multiple=True)
            .select_related("item", "dimension")
            .order_by("dimension__key", "item__key", "version")
        )
        # The question as people read it, after its theme (HR knows no item keys).
        items.label_from_instance = lambda version: (  # type: ignore[attr-defined]
            f"{localised(version.dimension.names)}: {version.label}"
            if version.dimension
            else version.label
        )

    def clean_items(self) -> Any:
        items = self.cleaned_data["items"]
        if not 1 <= len(items) <= 15:
            raise forms.ValidationError(_("Choose 1 to 15 questions."))
        return items

    def clean_days_open(self) -> int:
        days = int(self.cleaned_data["days_open"])
        if not 1 <= days <= 60:
            raise forms.ValidationError(_("Choose 1 to 60 days."))
        return days
