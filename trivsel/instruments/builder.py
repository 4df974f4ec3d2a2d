"""Building a questionnaire: service functions, each one transaction. A locked
questionnaire (a measurement using it has started) refuses every change."""

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.instruments.conditions import Rule, misplaced, screens
from trivsel.instruments.models import (
    Condition,
    Instrument,
    Item,
    ItemVersion,
    Questionnaire,
    QuestionnaireElement,
    QuestionnairePage,
    ScoringRule,
)


class BuilderRefused(Exception):
    """A change that cannot be made; the message says why, for HR."""


class QuestionnaireLocked(BuilderRefused):
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
def remove_page(page: QuestionnairePage) -> int:
    """Returns how many conditions went with it (see `_drop_broken_conditions`)."""
    questionnaire = _editable(page.questionnaire)
    page.delete()
    return _drop_broken_conditions(questionnaire)


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
    Condition.objects.bulk_create(
        Condition(
            questionnaire=copy,
            question_id=condition.question_id,
            depends_on_id=condition.depends_on_id,
            values=condition.values,
        )
        for condition in questionnaire.conditions.all()
    )
    return copy


def _next_order(page: QuestionnairePage) -> int:
    last = page.elements.aggregate(last=Max("order"))["last"]
    return 0 if last is None else last + 1


def _refuse_repeats(questionnaire: Questionnaire, versions: list[ItemVersion]) -> None:
    """A question is asked once per questionnaire: its answer is one value per person, and
    a condition names the question it depends on."""
    present = {v.item_id: v for page in _pages(questionnaire) for v in page}
    repeated = [v for v in versions if v.item_id in present]
    if repeated:
        raise BuilderRefused(
            _("“%(question)s” is already in the questionnaire; a question can be in it once.")
            % {"question": present[repeated[0].item_id].label}
        )


@transaction.atomic
def add_instrument(page: QuestionnairePage, instrument: Instrument) -> QuestionnaireElement:
    """The instrument's own conditions (e.g. "from whom?" only after an exposure) come with
    it; HR may change or remove them afterwards."""
    questionnaire = _editable(page.questionnaire)
    _refuse_repeats(
        questionnaire,
        [entry.item_version for entry in instrument.entries.select_related("item_version")],
    )
    element = QuestionnaireElement.objects.create(
        page=page, order=_next_order(page), instrument=instrument
    )
    entries = list(instrument.entries.select_related("item_version__item"))
    by_key = {entry.item_version.item.key: entry.item_version_id for entry in entries}
    taken = set(questionnaire.conditions.values_list("question_id", flat=True))
    Condition.objects.bulk_create(
        Condition(
            questionnaire=questionnaire,
            question_id=entry.item_version_id,
            depends_on_id=by_key[entry.shown_if["item"]],
            values=list(entry.shown_if["values"]),
        )
        for entry in entries
        if entry.shown_if
        and entry.shown_if.get("item") in by_key
        and entry.item_version_id not in taken
    )
    return element


@transaction.atomic
def add_item(page: QuestionnairePage, item_version: ItemVersion) -> QuestionnaireElement:
    questionnaire = _editable(page.questionnaire)
    _refuse_repeats(questionnaire, [item_version])
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
def remove_element(element: QuestionnaireElement) -> int:
    """Returns how many conditions went with it (see `_drop_broken_conditions`)."""
    questionnaire = _editable(element.page.questionnaire)
    element.delete()
    return _drop_broken_conditions(questionnaire)


def _drop_broken_conditions(questionnaire: Questionnaire) -> int:
    """After a removal: a condition on a question no longer in the questionnaire goes, and
    so does one depending on a removed question (its question is then asked of everyone)."""
    present = {version.pk for versions in _pages(questionnaire) for version in versions}
    broken = questionnaire.conditions.filter(
        ~Q(question_id__in=present) | ~Q(depends_on_id__in=present)
    )
    count, _deleted = broken.delete()
    return count


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
        _check_conditions(element.page.questionnaire)


def _check_conditions(questionnaire: Questionnaire) -> None:
    """Refuses (and so rolls back) a change after which a conditional question would come
    before the question that decides whether it is asked."""
    pages = _pages(questionnaire)
    order = [version.pk for versions in pages for version in versions]
    wrong = misplaced(order, rules_of(questionnaire))
    if wrong:
        names = {version.pk: version.label for versions in pages for version in versions}
        condition = questionnaire.conditions.select_related("depends_on").get(question_id=wrong[0])
        raise BuilderRefused(
            _(
                "“%(question)s” is asked depending on the answer to “%(depends_on)s”, so it "
                "must come after it. Change or remove the condition first."
            )
            % {"question": names[wrong[0]], "depends_on": condition.depends_on.label}
        )


@transaction.atomic
def set_condition(
    questionnaire: Questionnaire, question: ItemVersion, depends_on: ItemVersion, values: list[int]
) -> Condition:
    """Ask `question` only of those who answer `depends_on` with one of `values` (replacing
    the question's earlier condition, if any)."""
    questionnaire = _editable(questionnaire)
    order = [version.pk for versions in _pages(questionnaire) for version in versions]
    if question.pk not in order or depends_on.pk not in order:
        raise BuilderRefused(_("Both questions must be in this questionnaire."))
    if order.index(depends_on.pk) >= order.index(question.pk):
        raise BuilderRefused(
            _("The question it depends on must come before it in the questionnaire.")
        )
    if depends_on.scale is None:
        raise BuilderRefused(_("A question can only depend on a question with answers to choose."))
    dimension = question.dimension
    if dimension is not None and dimension.rule != ScoringRule.NONE:
        raise BuilderRefused(
            _(
                "“%(question)s” counts towards the score for “%(dimension)s”, which must be "
                "made of the same questions for everyone; it cannot be conditional."
            )
            % {"question": question.label, "dimension": dimension.name}
        )
    offered = [option["value"] for option in depends_on.scale.options]
    chosen = [value for value in offered if value in set(values)]
    if not chosen or len(chosen) != len(set(values)):
        raise BuilderRefused(_("Choose at least one of the answers that question offers."))
    if len(chosen) == len(offered):
        raise BuilderRefused(
            _("With every answer chosen the question is asked of everyone: remove the "
              "condition instead.")
        )  # fmt: skip
    condition, _created = Condition.objects.update_or_create(
        questionnaire=questionnaire,
        question=question,
        defaults={"depends_on": depends_on, "values": chosen},
    )
    return condition


@transaction.atomic
def remove_condition(condition: Condition) -> None:
    _editable(condition.questionnaire)
    condition.delete()


@transaction.atomic
def lock_questionnaire(questionnaire: Questionnaire) -> None:
    """Called when a measurement using the questionnaire starts."""
    Questionnaire.objects.filter(pk=questionnaire.pk, locked_at=None).update(
        locked_at=timezone.now()
    )


_LOCKED_PAGES: dict[tuple[int, datetime], list[list[ItemVersion]]] = {}
_LOCKED_RULES: dict[tuple[int, datetime], dict[int, Rule]] = {}


def _pages(questionnaire: Questionnaire) -> list[list[ItemVersion]]:
    return [versions for _page, versions in questionnaire_pages(questionnaire)]


def pages_of(questionnaire: Questionnaire) -> list[list[ItemVersion]]:
    """The questions page by page. A locked questionnaire never changes, so each process
    reads it once (every survey request needs it, every results build and report too)."""
    if questionnaire.locked_at is None:
        return _pages(questionnaire)
    key = (questionnaire.pk, questionnaire.locked_at)
    if key not in _LOCKED_PAGES:
        _LOCKED_PAGES[key] = _pages(questionnaire)
    return _LOCKED_PAGES[key]


def rules_of(questionnaire: Questionnaire) -> dict[int, Rule]:
    """The questionnaire's conditions by question (read once per process once locked)."""
    key = (questionnaire.pk, questionnaire.locked_at) if questionnaire.locked_at else None
    if key is not None and key in _LOCKED_RULES:
        return _LOCKED_RULES[key]
    rules = {
        question: Rule(depends_on, frozenset(values))
        for question, depends_on, values in Condition.objects.filter(
            questionnaire=questionnaire
        ).values_list("question_id", "depends_on_id", "values")
    }
    if key is not None:
        _LOCKED_RULES[key] = rules
    return rules


_LOCKED_TITLES: dict[tuple[int, datetime], list[dict[str, str]]] = {}


def screen_titles(questionnaire: Questionnaire) -> list[dict[str, str]]:
    """Each screen's page title (a follow-up screen has its page's), in `screens_of` order
    (read once per process once locked)."""
    key = (questionnaire.pk, questionnaire.locked_at) if questionnaire.locked_at else None
    if key is not None and key in _LOCKED_TITLES:
        return _LOCKED_TITLES[key]
    rules = rules_of(questionnaire)
    titles: list[dict[str, str]] = []
    for page, versions in questionnaire_pages(questionnaire):
        titles += [page.title] * len(screens([versions], rules))
    if key is not None:
        _LOCKED_TITLES[key] = titles
    return titles


def screens_of(questionnaire: Questionnaire) -> list[list[ItemVersion]]:
    """The screens a respondent meets: the pages, each followed by its follow-up screens
    where a question depends on an answer on the same page (see `conditions.screens`)."""
    return screens(pages_of(questionnaire), rules_of(questionnaire))


def questionnaire_pages(
    questionnaire: Questionnaire,
) -> list[tuple[QuestionnairePage, list[ItemVersion]]]:
    """Each page with the item versions a respondent meets on it, in order: two queries
    plus one per instrument used."""
    pages = list(
        questionnaire.pages.prefetch_related(
            "elements__instrument__entries__item_version__scale",
            "elements__instrument__entries__item_version__dimension",
            "elements__item_version__scale",
            "elements__item_version__dimension",
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
