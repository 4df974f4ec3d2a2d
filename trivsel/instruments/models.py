"""The item bank: response scales, dimensions and indices, items in versions, and the
instruments and questionnaires built from them.

Texts are stored per language as {"da": ..., "en": ...}; Danish is required. An item's
identity is its key, which survives across years; a changed wording is a new version of
the same item, never an edit, so results stay comparable (or are marked as not).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def localised(texts: dict[str, str] | None, language: str | None = None) -> str:
    """The text in the current (or given) language, falling back to Danish."""
    if not texts:
        return ""
    language = (language or get_language() or "da")[:2]
    return texts.get(language) or texts.get("da") or next(iter(texts.values()), "")


class ScoringRule(models.TextChoices):
    MEAN = "mean", _("Mean of items 0-100, at least half answered (COPSOQ)")
    SUM = "sum", _("Sum of items, all answered")
    NONE = "none", _("Not scored (reported per item)")


class Scale(models.Model):
    key = models.CharField(max_length=64, unique=True)
    labels = models.JSONField(default=dict)
    # [{"value": 1, "score": 100, "labels": {"da": ..., "en": ...}}, ...] in display order
    options = models.JSONField(default=list)
    multiple = models.BooleanField(default=False)  # several options may be chosen

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key

    def scores(self) -> dict[int, float]:
        return {option["value"]: option["score"] for option in self.options}


class Dimension(models.Model):
    key = models.CharField(max_length=64, unique=True)
    names = models.JSONField(default=dict)
    description = models.JSONField(default=dict, blank=True)
    rule = models.CharField(max_length=10, choices=ScoringRule.choices, default=ScoringRule.MEAN)
    # False for dimensions such as demands or burnout, where a high score is a problem.
    higher_is_better = models.BooleanField(default=True)
    # [{"source": "...", "value": 10.2}] national or sector averages
    references = models.JSONField(default=list, blank=True)
    # [{"from": 0, "to": 8, "labels": {...}}] e.g. "very low" below 8
    bands = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key

    @property
    def name(self) -> str:
        return localised(self.names)


class Index(models.Model):
    """A composite of dimensions, e.g. social capital = mean of its four sub-indices."""

    key = models.CharField(max_length=64, unique=True)
    names = models.JSONField(default=dict)
    parts = models.JSONField(default=list)  # dimension keys, in order
    references = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name_plural = "indices"

    def __str__(self) -> str:
        return self.key


class Item(models.Model):
    """The identity of a question across years and versions."""

    key = models.CharField(max_length=100, unique=True)
    # Another item this one counts as for comparisons (e.g. an official wording loaded
    # under its own key that measures exactly what one of ours does).
    same_as = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class ItemVersion(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", _("Answered on a scale")
        FREE_TEXT = "free_text", _("Free text")

    class NotRelevant(models.TextChoices):
        NO = "", _("No such choice")
        NOT_RELEVANT = "not_relevant", _("Not relevant")
        NO_LEADER = "no_leader", _("I have no leader")

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(default=1)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SCALE)
    text = models.JSONField(default=dict)
    scale = models.ForeignKey(Scale, null=True, blank=True, on_delete=models.PROTECT)
    reverse = models.BooleanField(default=False)
    not_relevant = models.CharField(
        max_length=20, choices=NotRelevant.choices, blank=True, default=NotRelevant.NO
    )
    sensitive = models.BooleanField(default=False)
    dimension = models.ForeignKey(
        Dimension, null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    measures = models.TextField(blank=True)  # what it measures, in plain words
    inspired_by = models.TextField(blank=True)
    # False when the wording changed so much that results cannot be compared with the
    # item's earlier versions.
    comparable_with_previous = models.BooleanField(default=True)

    class Meta:
        ordering = ["item__key", "version"]
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="unique_item_version")
        ]

    def __str__(self) -> str:
        return f"{self.item.key} v{self.version}"

    @property
    def label(self) -> str:
        return localised(self.text)

    def comparison_key(self) -> str:
        """Answers to versions with the same comparison key are compared across
        measurements: all versions of an item (or of the item it is `same_as`), until a
        version marked not comparable starts a new series."""
        item = self.item.same_as or self.item
        break_at = (
            ItemVersion.objects.filter(
                item=self.item, version__lte=self.version, comparable_with_previous=False
            )
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        )
        return item.key if break_at is None else f"{item.key}@{break_at}"


class Instrument(models.Model):
    key = models.CharField(max_length=64)
    version = models.PositiveIntegerField(default=1)
    names = models.JSONField(default=dict)
    description = models.JSONField(default=dict, blank=True)
    licence = models.TextField(blank=True)
    bundled = models.BooleanField(default=False)
    items: "models.ManyToManyField[ItemVersion, InstrumentItem]" = models.ManyToManyField(
        ItemVersion, through="InstrumentItem", related_name="+"
    )

    class Meta:
        ordering = ["key", "version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="unique_instrument_version")
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"

    @property
    def name(self) -> str:
        return localised(self.names)


class InstrumentItem(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="entries")
    item_version = models.ForeignKey(ItemVersion, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField()
    # {"item": key, "values": [...]}: asked only of those who gave one of these answers to
    # an earlier item of the same instrument (e.g. "from whom?" only after an exposure).
    # Copied into a questionnaire's conditions when the instrument is added to it.
    shown_if = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return f"{self.instrument_id}#{self.order}"


class Questionnaire(models.Model):
    name = models.CharField(_("name"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when a measurement using it starts; a locked questionnaire never changes.
    locked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class QuestionnairePage(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="pages")
    order = models.PositiveIntegerField()
    title = models.JSONField(default=dict)

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return localised(self.title)


class QuestionnaireElement(models.Model):
    """One element of a page: a whole instrument or a single item (scale or free text)."""

    page = models.ForeignKey(QuestionnairePage, on_delete=models.CASCADE, related_name="elements")
    order = models.PositiveIntegerField()
    instrument = models.ForeignKey(Instrument, null=True, blank=True, on_delete=models.PROTECT)
    item_version = models.ForeignKey(
        ItemVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["order"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(instrument__isnull=True) ^ models.Q(item_version__isnull=True),
                name="element_is_instrument_or_item",
            )
        ]

    def __str__(self) -> str:
        return f"{self.page_id}#{self.order}"

    def item_versions(self) -> list[Any]:
        if self.instrument is not None:
            return [entry.item_version for entry in self.instrument.entries.all()]
        return [self.item_version]


class Condition(models.Model):
    """A question asked only of those who gave one of `values` to an earlier question of
    the same questionnaire. Decided on the server: a question not asked is not shown, not
    accepted when posted, and counts as not asked (no answer), never as unanswered."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="conditions"
    )
    question = models.ForeignKey(ItemVersion, on_delete=models.PROTECT, related_name="+")
    depends_on = models.ForeignKey(ItemVersion, on_delete=models.PROTECT, related_name="+")
    values = models.JSONField(default=list)  # option values of `depends_on`

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "question"], name="one_condition_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id} if {self.depends_on_id} in {self.values}"
