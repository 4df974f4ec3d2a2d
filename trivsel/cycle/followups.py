"""The follow-up measurement (Aarhus's March measurement): HR picks a baseline, the units
and the themes to follow up; the follow-up asks the baseline's questions of those themes
unchanged (the same versions, so the answers compare), and forward-looking questions from
the bundled follow-up instrument ("Jeg har en forventning om, at det bliver bedre med de
tiltag, vi har sat i gang"). Its results are compared with the baseline
(trivsel.reports.baseline), and its report opens with the unit's agreed actions."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from trivsel.core.audit import record
from trivsel.cycle.lifecycle import TransitionRefused, create_measurement
from trivsel.instruments.builder import (
    add_item,
    add_page,
    create_questionnaire,
    lock_questionnaire,
    pages_of,
)
from trivsel.instruments.models import Dimension, Instrument, ItemVersion, localised
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit

FORWARD_INSTRUMENT = "followup"


@dataclass(frozen=True)
class Theme:
    dimension: Dimension
    versions: list[ItemVersion]  # the baseline's questions of this theme, in its order

    @property
    def name(self) -> str:
        return localised(self.dimension.names)


def themes(baseline: Measurement) -> list[Theme]:
    """The baseline's themes that can be followed up: its scored dimensions, each with its
    questions, in the questionnaire's order (the offensive-behaviour questions are not
    followed up: they are counted, not scored)."""
    found: dict[int, list[ItemVersion]] = {}
    dimensions: dict[int, Dimension] = {}
    for version in (v for page in pages_of(baseline.questionnaire) for v in page):
        dimension = version.dimension
        if (dimension is None or version.kind != ItemVersion.Kind.SCALE or version.sensitive
                or dimension.rule == "none"):  # fmt: skip
            continue
        dimensions[dimension.pk] = dimension
        found.setdefault(dimension.pk, []).append(version)
    return [Theme(dimensions[pk], versions) for pk, versions in found.items()]


def forward_questions() -> list[ItemVersion]:
    """The bundled follow-up instrument's forward-looking questions (latest version)."""
    instrument = Instrument.objects.filter(key=FORWARD_INSTRUMENT).order_by("-version").first()
    if instrument is None:
        return []
    return [
        entry.item_version
        for entry in instrument.entries.select_related("item_version__item").order_by("order")
    ]


def baselines() -> "Any":
    """The measurements a follow-up can follow: main measurements whose results exist."""
    return Measurement.objects.filter(
        kind=Measurement.Kind.MAIN,
        state__in=[Measurement.State.CLOSED, Measurement.State.RELEASED],
    ).order_by("-closes_at")


def create_follow_up(
    *, baseline: Measurement, units: list[Unit], theme_keys: list[str],
    forward: list[ItemVersion], name: str, opens_at: datetime, closes_at: datetime,
    results_release_at: datetime, user: Any, first_reminder_at: datetime | None = None,
    dialogue_deadline: Any = None,
) -> Measurement:  # fmt: skip
    """A draft follow-up of `baseline` for `units` (each with everything below): a page
    per chosen theme with the baseline's questions, then the forward-looking questions.
    The clock opens, reminds, closes and releases it like any measurement."""
    chosen = [theme for theme in themes(baseline) if theme.dimension.key in theme_keys]
    if not chosen and not forward:
        raise TransitionRefused(_("Choose at least one theme or forward-looking question."))
    allowed = {version.pk for version in forward_questions()}
    if any(version.pk not in allowed for version in forward):
        raise TransitionRefused(_("Only the follow-up instrument's questions look forward."))
    with transaction.atomic():
        questionnaire = create_questionnaire(name, user)
        first = questionnaire.pages.get()
        for number, theme in enumerate(chosen):
            page = first if number == 0 else add_page(questionnaire, theme.dimension.names)
            if number == 0:
                page.title = theme.dimension.names
                page.save(update_fields=["title"])
            for version in theme.versions:
                add_item(page, version)
        if forward:
            page = first if not chosen else add_page(
                questionnaire, {"da": "Om jeres opfølgning", "en": "About your follow-up"}
            )  # fmt: skip
            if not chosen:
                page.title = {"da": "Om jeres opfølgning", "en": "About your follow-up"}
                page.save(update_fields=["title"])
            for version in forward:
                add_item(page, version)
        lock_questionnaire(questionnaire)  # asked word for word: not to be edited
        measurement = create_measurement(
            units=units, name=name, kind=Measurement.Kind.FOLLOW_UP, baseline=baseline,
            questionnaire=questionnaire, validation_starts=opens_at, opens_at=opens_at,
            first_reminder_at=first_reminder_at, closes_at=closes_at,
            results_release_at=results_release_at, dialogue_deadline=dialogue_deadline,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )  # fmt: skip
        record(
            "measurement created", f"{measurement.pk} {measurement.name}",
            f"a follow-up of {baseline.pk} {baseline.name}",
        )  # fmt: skip
    return measurement
