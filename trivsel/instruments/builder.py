"""Building a questionnaire: service functions, each one transaction. A locked
questionnaire (a measurement using it has started) refuses every change."""

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.instruments.models import (
    Instrument,
    Item,
    ItemVersion,
    Questionnaire,
    QuestionnaireElement,
    QuestionnairePage,
)


class QuestionnaireLocked(Exception):
    def __init__(self) -> None:
        super().__init__(_("The questionnaire is locked: a measurement using it has started."))


def _editable(questionnaire: Questionnaire) -> Questionnaire:
    locked = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if locked.is_locked:
        raise QuestionnaireLocked
    return locked


@transaction.atomic
def create_questionnaire(name: str, user: User | None) -> Questionnaire:
    questionnaire = Questionnaire.objects.create(name=name, created_by=user)
    QuestionnairePage.objects.create(
        questionnaire=questionnaire, order=0, title={"da": "Spørgsmål", "en": "Questions"}
    )
    return questionnaire


@transaction.atomic
def add_page(questionnaire: Questionnaire, title: dict[str, str]) -> QuestionnairePage:
    _editable(questionnaire)
    last = questionnaire.pages.aggregate(last=Max("order"))["last"]
    return QuestionnairePage.objects.create(
        questionnaire=questionnaire, order=0 if last is None else last + 1, title=title
    )


@transaction.atomic
def remove_page(page: QuestionnairePage) -> None:
    _editable(page.questionnaire)
    page.delete()


@transaction.atomic
def rename_page(page: QuestionnairePage, title: dict[str, str]) -> QuestionnairePage:
    _editable(page.questionnaire)
    page.title = title
    page.save(update_fields=["title"])
    return page


@transaction.atomic
def copy_questionnaire(questionnaire: Questionnaire, name: str, user: User | None) -> Questionnaire:
    """A new, unlocked questionnaire with the same pages and questions (how last year's
    locked questionnaire becomes this year's draft)."""
    copy = Questionnaire.objects.create(name=name, created_by=user)
    for page in questionnaire.pages.order_by("order"):
        new_page = QuestionnairePage.objects.create(
            questionnaire=copy, order=page.order, title=page.title
        )
        QuestionnaireElement.objects.bulk_create(
            QuestionnaireElement(
                page=new_page,
                order=element.order,
                instrument_id=element.instrument_id,
                item_version_id=element.item_version_id,
            )
            for element in page.elements.order_by("order")
        )
    return copy


def _next_order(page: QuestionnairePage) -> int:
    last = page.elements.aggregate(last=Max("order"))["last"]
    return 0 if last is None else last + 1


@transaction.atomic
def add_instrument(page: QuestionnairePage, instrument: Instrument) -> QuestionnaireElement:
    _editable(page.questionnaire)
    return QuestionnaireElement.objects.create(
        page=page, order=_next_order(page), instrument=instrument
    )


@transaction.atomic
def add_item(page: QuestionnairePage, item_version: ItemVersion) -> QuestionnaireElement:
    _editable(page.questionnaire)
    return QuestionnaireElement.objects.create(
        page=page, order=_next_order(page), item_version=item_version
    )


@transaction.atomic
def add_free_text(page: QuestionnairePage, text: dict[str, str]) -> QuestionnaireElement:
    """A new free-text question in the bank, made for this questionnaire."""
    questionnaire = _editable(page.questionnaire)
    number = Item.objects.filter(key__startswith=f"q{questionnaire.pk}.free.").count() + 1
    item = Item.objects.create(key=f"q{questionnaire.pk}.free.{number}")
    version = ItemVersion.objects.create(
        item=item,
        kind=ItemVersion.Kind.FREE_TEXT,
        text=text,
        measures="free comments",
        inspired_by=f"written for the questionnaire {questionnaire.name}",
    )
    return QuestionnaireElement.objects.create(
        page=page, order=_next_order(page), item_version=version
    )


@transaction.atomic
def remove_element(element: QuestionnaireElement) -> None:
    _editable(element.page.questionnaire)
    element.delete()


@transaction.atomic
def move_element(element: QuestionnaireElement, step: int) -> None:
    """Swap an element with its neighbour on the page (step -1: up, +1: down)."""
    _editable(element.page.questionnaire)
    siblings = list(element.page.elements.all())
    index = [e.pk for e in siblings].index(element.pk)
    other = index + step
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for order, sibling in enumerate(siblings):
            sibling.order = order
        QuestionnaireElement.objects.bulk_update(siblings, ["order"])


@transaction.atomic
def lock_questionnaire(questionnaire: Questionnaire) -> None:
    """Called when a measurement using the questionnaire starts."""
    Questionnaire.objects.filter(pk=questionnaire.pk, locked_at=None).update(
        locked_at=timezone.now()
    )


_LOCKED_PAGES: dict[tuple[int, datetime], list[list[ItemVersion]]] = {}


def pages_of(questionnaire: Questionnaire) -> list[list[ItemVersion]]:
    """The questions page by page. A locked questionnaire never changes, so each process
    reads it once (every survey request needs it, every results build and report too)."""
    if questionnaire.locked_at is None:
        return [versions for _page, versions in questionnaire_pages(questionnaire)]
    key = (questionnaire.pk, questionnaire.locked_at)
    if key not in _LOCKED_PAGES:
        _LOCKED_PAGES[key] = [versions for _page, versions in questionnaire_pages(questionnaire)]
    return _LOCKED_PAGES[key]


def questionnaire_pages(
    questionnaire: Questionnaire,
) -> list[tuple[QuestionnairePage, list[ItemVersion]]]:
    """Each page with the item versions a respondent meets on it, in order: two queries
    plus one per instrument used."""
    pages = list(
        questionnaire.pages.prefetch_related(
            "elements__instrument__entries__item_version__scale",
            "elements__item_version__scale",
        )
    )
    result = []
    for page in pages:
        versions: list[ItemVersion] = []
        for element in page.elements.all():
            if element.instrument is not None:
                versions += [entry.item_version for entry in element.instrument.entries.all()]
            elif element.item_version is not None:
                versions.append(element.item_version)
        result.append((page, versions))
    return result
