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
