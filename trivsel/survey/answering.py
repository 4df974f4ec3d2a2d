"""Answering a survey: check a posted page completely (pure), then save it or submit the
response in one transaction. A page posted with an old revision (a double click, a second
tab, a replay) is refused and changes nothing."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.instruments.builder import rules_of, screen_titles, screens_of
from trivsel.instruments.conditions import Rule, asked
from trivsel.instruments.models import ItemVersion
from trivsel.instruments.preview import FREE_TEXT_MAX
from trivsel.measurements.models import Measurement
from trivsel.survey.models import Answer, Invitation, Response, ResumeKey

MAX_TEXT = FREE_TEXT_MAX
T = TypeVar("T", bound=Model)


class SurveyRefused(Exception):
    """The request cannot be taken; the message says why, for the respondent."""


@dataclass
class PageAnswers:
    values: dict[int, dict[str, object]] = field(default_factory=dict)  # version id -> fields
    errors: dict[str, str] = field(default_factory=dict)  # form field -> message


def field_name(version: ItemVersion) -> str:
    return f"item-{version.pk}"


def parse_page(versions: Sequence[ItemVersion], data: Mapping[str, list[str]]) -> PageAnswers:
    """Check every answer on a page. Unanswered questions are allowed (answering is
    voluntary); values a question does not offer, and questions not on the page, are not."""
    result = PageAnswers()
    known = {field_name(version) for version in versions}
    for name in data:
        if name.startswith("item-") and name not in known:
            result.errors[name] = _("This question is not on this page.")
    for version in versions:
        name = field_name(version)
        raw = [value for value in data.get(name, []) if value != ""]
        if not raw:
            continue
        if version.kind == ItemVersion.Kind.FREE_TEXT:
            # A browser counts a line break as one character and sends two (CR LF): counted
            # as the person saw it, a comment that fitted the shown limit is never refused.
            text = raw[0].replace("\r\n", "\n").strip()
            if len(text) > MAX_TEXT:
                result.errors[name] = _("The text is longer than %(max)d characters.") % {
                    "max": MAX_TEXT
                }
            elif text:
                result.values[version.pk] = {"text": text}
            continue
        if raw == ["not_relevant"] and version.not_relevant:
            result.values[version.pk] = {"not_relevant": True}
            continue
        assert version.scale is not None
        offered = {str(option["value"]): option["value"] for option in version.scale.options}
        if any(value not in offered for value in raw) or (
            len(raw) > 1 and not version.scale.multiple
        ):
            result.errors[name] = _("This is not one of the answers to choose from.")
        elif version.scale.multiple:
            result.values[version.pk] = {"values": sorted(offered[value] for value in set(raw))}
        else:
            result.values[version.pk] = {"value": offered[raw[0]]}
    return result


def pages_of(measurement: Measurement) -> list[list[ItemVersion]]:
    """The measurement's questions screen by screen, as a respondent meets them: the
    questionnaire's pages, each followed by its follow-up screen where a question depends on
    an answer given on the same page (read once per process once locked)."""
    return screens_of(measurement.questionnaire)


@dataclass(frozen=True)
class Plan:
    """The screens and the conditions that decide which of their questions a person is
    asked (a question not asked is not shown and not accepted)."""

    screens: list[list[ItemVersion]]
    rules: dict[int, Rule]
    titles: list[dict[str, str]]  # each screen's page title, per language

    def asked(self, answers: Mapping[int, Mapping[str, object]]) -> set[int]:
        order = [version.pk for screen in self.screens for version in screen]
        return asked(order, self.rules, answers)

    def shown(self, number: int, asked: set[int]) -> list[ItemVersion]:
        return [version for version in self.screens[number - 1] if version.pk in asked]

    def position(self, number: int, asked: set[int]) -> tuple[int, int]:
        """Screen `number` as this person counts it: its place among the screens that ask
        them something, and how many those are (a screen skipped is not counted)."""
        shown = [n for n in range(1, len(self.screens) + 1) if self.shown(n, asked)]
        place = sum(1 for n in shown if n <= number)
        return max(place, 1), max(len(shown), 1)

    def next_screen(self, number: int, step: int, asked: set[int]) -> int:
        """The screen `step` away from `number` that asks something (past the last one: the
        submit page, which is number len(screens) + 1)."""
        number += step
        while 1 <= number <= len(self.screens) and not self.shown(number, asked):
            number += step
        return max(number, 1)


def plan_of(measurement: Measurement) -> Plan:
    questionnaire = measurement.questionnaire
    return Plan(pages_of(measurement), rules_of(questionnaire), screen_titles(questionnaire))


def saved_answers(response: Response | None) -> dict[int, dict[str, object]]:
    """A draft's answers as fields by item version (what the conditions look at)."""
    if response is None:
        return {}
    return {
        version: {"value": value, "values": values}
        for version, value, values in Answer.objects.filter(response=response).values_list(
            "item_version_id", "value", "values"
        )
    }


def draft_of(invitation: Invitation) -> Response | None:
    """The person's unfinished response, found by its keyed hash (no link is stored on the
    invitation); none once the measurement's key is gone (after close). The key comes with
    the invitation when it was loaded with `select_related("measurement__resume_key")`."""
    try:
        key = invitation.measurement.resume_key
    except ResumeKey.DoesNotExist:
        return None
    return _one(Response.objects.filter(resume=key.hash(invitation.pk)))


def _one(rows: QuerySet[T]) -> T | None:
    """The row found by a unique value, without `first()`'s ORDER BY id (with which
    PostgreSQL may walk the primary key instead of using the unique index)."""
    return next(iter(rows[:1]), None)


def _locked_invitation(invitation: Invitation) -> tuple[Invitation, ResumeKey]:
    locked = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("measurement__resume_key", "participant")
        .get(pk=invitation.pk)
    )
    if locked.measurement.state != Measurement.State.OPEN:
        raise SurveyRefused(_("The survey is closed. Answers can no longer be given."))
    if locked.responded:
        raise SurveyRefused(_("You have already submitted your answers. Thank you!"))
    try:
        key = locked.measurement.resume_key
    except ResumeKey.DoesNotExist:  # opened before keys existed
        key, _created = ResumeKey.objects.get_or_create(measurement_id=locked.measurement_id)
    return locked, key


def _check_revision(draft: Response | None, revision: int, sending: bool = False) -> None:
    current = draft.revision if draft else 0
    if revision != current:
        if sending:
            raise SurveyRefused(
                _(
                    "Your answers were changed in another window since this page was shown. "
                    "Nothing was sent: check them here and send again."
                )
            )
        raise SurveyRefused(
            _("This page was already saved (perhaps in another window). Here it is as saved.")
        )


def _draft(
    locked: Invitation, key: ResumeKey, revision: int, language: str, sending: bool = False
) -> Response:
    """The person's draft (checked against the posted revision), created on the first save."""
    resume = key.hash(locked.pk)
    draft = _one(Response.objects.filter(resume=resume))
    _check_revision(draft, revision, sending)
    if draft is None:
        draft = Response.objects.create(
            measurement=locked.measurement,
            unit_id=locked.participant.unit_id,
            job_group=locked.participant.job_group,
            resume=resume,
        )
    draft.language = language
    return draft


@transaction.atomic
def save_page(
    invitation: Invitation, versions: Sequence[ItemVersion], answers: PageAnswers,
    revision: int, next_page: int, language: str = "da", plan: Plan | None = None,
    step: int = 1,
) -> Response:  # fmt: skip
    """With a `plan` that has conditions, answers to questions no longer asked (an earlier
    answer changed) are deleted, and `next_page` moves on (by `step`) past screens that ask
    this person nothing."""
    locked, key = _locked_invitation(invitation)
    draft = _draft(locked, key, revision, language)
    # The page's answers are replaced as a whole: two statements, whatever the page's size.
    on_page = [version.pk for version in versions]
    Answer.objects.filter(response=draft, item_version_id__in=on_page).delete()
    Answer.objects.bulk_create(
        Answer(response=draft, item_version_id=version_id, **fields)  # type: ignore[arg-type]
        for version_id, fields in answers.values.items()
    )
    draft.page = next_page
    if plan is not None and plan.rules:
        now_asked = plan.asked(saved_answers(draft))
        Answer.objects.filter(response=draft).exclude(item_version_id__in=now_asked).delete()
        draft.page = plan.next_screen(next_page - step, step, now_asked)
    draft.revision += 1
    draft.save(update_fields=["page", "revision", "language"])
    return draft


@transaction.atomic
def submit(
    invitation: Invitation, revision: int, language: str = "da", day: date | None = None
) -> None:
    """The response counts from here; its hash is cleared, so nothing points from the
    person to it. `day`: today unless given (the demo spreads its answers over days)."""
    locked, key = _locked_invitation(invitation)
    draft = _draft(locked, key, revision, language, sending=True)
    draft.submitted = True
    draft.submitted_on = day or timezone.localdate()
    draft.resume = None
    draft.revision += 1
    draft.save()
    locked.responded = True
    locked.save(update_fields=["responded"])


def create_invitations(measurement: Measurement) -> int:
    ResumeKey.objects.get_or_create(measurement=measurement)
    participants = measurement.participants.filter(invitation__isnull=True)
    created = Invitation.objects.bulk_create(
        [Invitation(measurement=measurement, participant=p) for p in participants],
        batch_size=2000,
    )
    return len(created)
