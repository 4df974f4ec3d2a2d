from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from trivsel.instruments.models import Instrument, ItemVersion, Questionnaire, localised


class QuestionnaireForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)


class PageForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("auto_id", "new_page_%s")
        super().__init__(*args, **kwargs)

    title_da = forms.CharField(label=_("Title in Danish"), max_length=200)
    title_en = forms.CharField(label=_("Title in English"), max_length=200)

    def title(self) -> dict[str, str]:
        return {"da": self.cleaned_data["title_da"], "en": self.cleaned_data["title_en"]}


class _OnPageForm(forms.Form):
    page = forms.TypedChoiceField(label=_("Page"), coerce=int)

    def __init__(self, questionnaire: Questionnaire, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["page"].choices = [  # type: ignore[attr-defined]
            (page.pk, f"{number}. {localised(page.title)}")
            for number, page in enumerate(questionnaire.pages.all(), start=1)
        ]


class AddElementForm(_OnPageForm):
    """A whole instrument or one of its items, from a grouped list."""

    element = forms.ChoiceField(label=_("Instrument or question"))

    def __init__(self, questionnaire: Questionnaire, *args: Any, **kwargs: Any):
        kwargs.setdefault("auto_id", "add_%s")
        super().__init__(questionnaire, *args, **kwargs)
        instruments = list(Instrument.objects.prefetch_related("entries__item_version__item"))
        groups: list[tuple[str, list[tuple[str, str]]]] = [
            (str(_("Whole instruments")), [(f"instrument:{i.pk}", i.name) for i in instruments])
        ]
        for instrument in instruments:
            groups.append(
                (
                    str(_("Single questions from %(name)s") % {"name": instrument.name}),
                    [
                        (f"item:{e.item_version.pk}", e.item_version.label)
                        for e in instrument.entries.all()
                    ],
                )
            )
        self.fields["element"].choices = groups  # type: ignore[attr-defined]

    def chosen(self) -> Instrument | ItemVersion:
        kind, _sep, pk = self.cleaned_data["element"].partition(":")
        if kind == "instrument":
            return Instrument.objects.get(pk=pk)
        return ItemVersion.objects.get(pk=pk)


class FreeTextForm(_OnPageForm):
    def __init__(self, questionnaire: Questionnaire, *args: Any, **kwargs: Any):
        kwargs.setdefault("auto_id", "free_text_%s")
        super().__init__(questionnaire, *args, **kwargs)

    text_da = forms.CharField(label=_("Question in Danish"), max_length=500)
    text_en = forms.CharField(label=_("Question in English"), max_length=500)

    def text(self) -> dict[str, str]:
        return {"da": self.cleaned_data["text_da"], "en": self.cleaned_data["text_en"]}


class BankFileForm(forms.Form):
    file = forms.FileField(
        label=_("JSON file"),
        help_text=_(
            "Instruments, items, reference values or questionnaires in the format "
            "trivsel.itembank/1. Nothing is loaded unless the whole file is valid."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("auto_id", "bank_%s")
        super().__init__(*args, **kwargs)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload


class ConditionForm(forms.Form):
    """Ask a question only of those who gave certain answers to an earlier one. Works in two
    steps without JavaScript: choose the two questions, then the answers."""

    question = forms.TypedChoiceField(label=_("The question to ask only of some"), coerce=int)
    depends_on = forms.TypedChoiceField(label=_("It depends on the answer to"), coerce=int)
    values = forms.TypedMultipleChoiceField(
        label=_("It is asked only after these answers"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(
        self,
        pages: list[tuple[str, list[ItemVersion]]],
        *args: Any,
        **kwargs: Any,
    ):
        kwargs.setdefault("auto_id", "condition_%s")
        super().__init__(*args, **kwargs)
        self.versions = {version.pk: version for _title, versions in pages for version in versions}
        # A question that counts towards a score is asked of everyone (builder.set_condition).
        free = {
            title: [v for v in versions if v.dimension is None or v.dimension.rule == "none"]
            for title, versions in pages
        }
        self.fields["question"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (title, [(v.pk, v.label) for v in versions])
            for title, versions in free.items()
            if versions
        ]
        self.fields["depends_on"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (title, [(v.pk, v.label) for v in versions if v.scale is not None])
            for title, versions in pages
            if any(v.scale is not None for v in versions)
        ]
        chosen = self._chosen_depends_on()
        self.fields["values"].choices = [  # type: ignore[attr-defined]
            (option["value"], localised(option["labels"]))
            for option in (chosen.scale.options if chosen and chosen.scale else [])
        ]

    def _chosen_depends_on(self) -> ItemVersion | None:
        raw = self.data.get("depends_on") if self.is_bound else self.initial.get("depends_on")
        try:
            return self.versions.get(int(raw or 0))
        except (TypeError, ValueError):
            return None

    @property
    def answers_offered(self) -> bool:
        """Step two: the answers of the chosen question are offered."""
        return bool(self.fields["values"].choices)  # type: ignore[attr-defined]
