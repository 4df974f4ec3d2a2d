"""A questionnaire page as a respondent sees it, in one language: plain data for the
template, shared with the survey."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import override

from trivsel.instruments.models import ItemVersion, localised

FREE_TEXT_MAX = 5000  # characters of a free-text answer (the survey refuses more)


@dataclass
class Question:
    field_name: str
    text: str
    kind: str
    multiple: bool
    options: list[tuple[int, str]]
    not_relevant: str  # the label of the "not relevant" choice, or ""
    chosen: set[str] = field(default_factory=set)  # values as posted, for re-display
    text_value: str = ""
    error: str = ""
    condition: str = ""  # in the builder's preview: whom a conditional question is asked


def questions(versions: list[ItemVersion], language: str) -> list[Question]:
    result = []
    with override(language):
        labels = {
            ItemVersion.NotRelevant.NOT_RELEVANT: _("Not relevant"),
            ItemVersion.NotRelevant.NO_LEADER: _("I have no leader"),
        }
        for version in versions:
            scale = version.scale
            result.append(
                Question(
                    field_name=f"item-{version.pk}",
                    text=localised(version.text, language),
                    kind=version.kind,
                    multiple=bool(scale and scale.multiple),
                    options=[
                        (option["value"], localised(option["labels"], language))
                        for option in (scale.options if scale else [])
                    ],
                    not_relevant=str(labels.get(version.not_relevant, "")),  # type: ignore[call-overload]
                )
            )
    return result
