"""Writes to dialogues and actions: each one checked, each one in the history (`Change`)
and refused with a message that says what is wrong (`Refused`). Who may call them is the
views' access check (trivsel/dialogue/access.py)."""

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from trivsel.dialogue.models import Action, Change, Dialogue, FocusArea
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Employee, Unit
from trivsel.results.read import units_shown

MAX_FOCUS_AREAS = 3
State = Dialogue.State


class Refused(ValueError):
    pass


def window_end(measurement: Measurement) -> date:
    """The measurement's dialogue deadline, or DIALOGUE_WINDOW_DAYS after the release."""
    if measurement.dialogue_deadline is not None:
        return measurement.dialogue_deadline
    released = timezone.localdate(measurement.results_release_at)
    return released + timedelta(days=settings.DIALOGUE_WINDOW_DAYS)


def dialogue_for(measurement: Measurement, unit: Unit) -> Dialogue:
    """The unit's dialogue about a released measurement (made when first needed)."""
    if measurement.state != Measurement.State.RELEASED:
        raise Refused(_("The dialogue starts when the results are released."))
    dialogue, _created = Dialogue.objects.get_or_create(
        measurement=measurement, unit=unit, defaults={"window_ends": window_end(measurement)}
    )
    return dialogue


def results_unit(measurement: Measurement, unit: Unit) -> Unit | None:
    """The unit whose results the meeting works from: the unit itself when its results are
    shown, else the nearest unit above with shown results (None: none is shown)."""
    shown = units_shown(measurement)
    if unit.pk in shown:
        return unit
    for ancestor in reversed(list(unit.ancestors())):
        if ancestor.pk in shown:
            return ancestor
    return None


def log(
    dialogue: Dialogue, user: Any, what: str, action: Action | None = None, comment: str = ""
) -> None:
    name = (user.get_full_name() or user.get_username()) if user is not None else "Trivsel"
    Change.objects.create(
        dialogue=dialogue, action=action, user=user if user is not None else None,
        who=name, what=what, comment=comment,
    )  # fmt: skip


def add_comment(dialogue: Dialogue, user: Any, text: str) -> None:
    """The leader or a TRIO member comments on the dialogue (shown in its history)."""
    text = text.strip()
    if not 1 <= len(text) <= 5000:
        raise Refused(_("Write a comment of 1 to 5,000 characters."))
    log(dialogue, user, str(_("Commented")), comment=text)


def _advance(dialogue: Dialogue, state: str) -> None:
    """Move forward only: a later step keeps the state it reached."""
    order = list(State.values)
    if order.index(state) > order.index(dialogue.state):
        dialogue.state = state


def mark_read(dialogue: Dialogue, user: Any) -> None:
    if dialogue.read_at is None:
        dialogue.read_at = timezone.now()
        _advance(dialogue, State.READ)
        dialogue.save(update_fields=["read_at", "state"])
        log(dialogue, user, str(_("Read the report")))


def plan_meeting(dialogue: Dialogue, user: Any, on: date) -> None:
    if dialogue.held_on is not None:
        raise Refused(_("The meeting has been held; its date is on the record."))
    dialogue.meeting_on = on
    if dialogue.read_at is None:
        dialogue.read_at = timezone.now()
    _advance(dialogue, State.PLANNED)
    dialogue.save(update_fields=["meeting_on", "read_at", "state"])
    log(dialogue, user, str(_("Planned the meeting for %(date)s")) % {"date": date_format(on)})


def hold_meeting(
    dialogue: Dialogue, user: Any, held_on: date, participants: int, amr_present: bool,
    tr_present: bool, minutes: str,
) -> None:  # fmt: skip
    if held_on > timezone.localdate():
        raise Refused(_("A meeting cannot be recorded as held on a day that has not come."))
    if participants < 1:
        raise Refused(_("Write how many took part (at least 1)."))
    corrected = dialogue.held_on is not None
    dialogue.held_on, dialogue.participants = held_on, participants
    dialogue.amr_present, dialogue.tr_present = amr_present, tr_present
    dialogue.minutes = minutes.strip()
    dialogue.meeting_on = dialogue.meeting_on or held_on
    dialogue.read_at = dialogue.read_at or timezone.now()
    _advance(dialogue, State.HELD)
    dialogue.save()
    what = (
        _("Corrected the meeting: held on %(date)s, %(count)s taking part") if corrected
        else _("Recorded that the meeting was held on %(date)s, %(count)s taking part")
    )  # fmt: skip
    log(dialogue, user, str(what) % {"date": date_format(held_on), "count": participants})


def choose_focus(
    dialogue: Dialogue, user: Any, metrics: Iterable[str], names: dict[str, str] | None = None
) -> None:
    chosen = list(dict.fromkeys(metrics))
    if not 1 <= len(chosen) <= MAX_FOCUS_AREAS:
        raise Refused(_("Choose one, two or three focus areas."))
    with transaction.atomic():
        dialogue.focus_areas.exclude(metric__in=chosen).delete()
        for metric in chosen:
            FocusArea.objects.get_or_create(dialogue=dialogue, metric=metric)
    labels = ", ".join((names or {}).get(metric, metric) for metric in chosen)
    log(dialogue, user, str(_("Chose the focus areas: %(areas)s")) % {"areas": labels})


def describe_focus(focus: FocusArea, user: Any, works: str, change: str) -> None:
    focus.works, focus.change = works.strip(), change.strip()
    focus.save(update_fields=["works", "change"])
    log(focus.dialogue, user, str(_("Wrote what works and what should change")))


def agree_plan(dialogue: Dialogue, user: Any) -> None:
    if dialogue.held_on is None:
        raise Refused(_("Record the meeting before the plan is agreed."))
    if not dialogue.actions.exclude(status=Action.Status.CANCELLED).exists():
        raise Refused(_("A plan needs at least one action."))
    dialogue.agreed_at = timezone.now()
    _advance(dialogue, State.AGREED)
    dialogue.save(update_fields=["agreed_at", "state"])
    log(dialogue, user, str(_("Agreed the plan")))


def follow_up(dialogue: Dialogue, user: Any, status: str = "") -> None:
    """The plan followed up, with a short status of how it went (in the history)."""
    if dialogue.agreed_at is None:
        raise Refused(_("Agree the plan before following it up."))
    if len(status) > 5000:
        raise Refused(_("Write a comment of 1 to 5,000 characters."))
    dialogue.followed_up_at = timezone.now()
    _advance(dialogue, State.FOLLOWED_UP)
    dialogue.save(update_fields=["followed_up_at", "state"])
    log(dialogue, user, str(_("Followed up the plan")), comment=status.strip())


def _check_action(fields: dict[str, Any], owners: list[Employee], unit: Unit) -> None:
    title = fields.get("title", "").strip()
    if not 1 <= len(title) <= 255:
        raise Refused(_("The title must be 1 to 255 characters."))
    if not fields.get("metric"):
        raise Refused(_("Link the action to a focus area."))
    if not owners:
        raise Refused(_("Give the action at least one owner."))
    if fields.get("status") == Action.Status.DONE and not fields.get("evaluation", "").strip():
        raise Refused(_("Write an evaluation before the action is marked done."))


def add_action(dialogue: Dialogue, user: Any, owners: list[Employee], **fields: Any) -> Action:
    _check_action(fields, owners, dialogue.unit)
    with transaction.atomic():
        action = Action.objects.create(dialogue=dialogue, unit=dialogue.unit, **fields)
        action.owners.set(owners)
        if action.status == Action.Status.DONE:
            action.done_on = timezone.localdate()
            action.save(update_fields=["done_on"])
        log(dialogue, user, str(_("Added the action “%(title)s”")) % {"title": action.title},
            action)  # fmt: skip
    return action


def update_action(action: Action, user: Any, owners: list[Employee], **fields: Any) -> list[str]:
    """Changes the given fields; returns the names of those that changed (in the history)."""
    current = {name: getattr(action, name) for name in ("title", "metric", "status", "evaluation")}
    _check_action(current | fields, owners, action.unit)
    changed = [name for name, value in fields.items() if getattr(action, name) != value]
    if set(action.owners.all()) != set(owners):
        changed.append("owners")
    if not changed:
        return []
    with transaction.atomic():
        for name, value in fields.items():
            setattr(action, name, value)
        if "status" in changed:
            action.done_on = timezone.localdate() if action.status == Action.Status.DONE else None
        action.save()
        action.owners.set(owners)
        labels = ", ".join(
            str(getattr(Action._meta.get_field(name), "verbose_name", name)) for name in changed
        )
        what = str(_("Changed %(fields)s of “%(title)s”")) % {"fields": labels,
                                                               "title": action.title}  # fmt: skip
        if "status" in changed:
            what += f" ({action.get_status_display()})"
        log(action.dialogue, user, what, action)
    return changed


def follow_mapping(unit: Unit, previous_code: str) -> int:
    """HR's unit mapping says `unit` carries on the unit that had `previous_code` (a merge,
    a split, a new code): the earlier unit's open actions move to it, with a line in their
    history; done and cancelled ones stay where they were done."""
    moved = 0
    open_statuses = [Action.Status.NOT_STARTED, Action.Status.IN_PROGRESS, Action.Status.ON_HOLD]
    for action in Action.objects.filter(unit__code=previous_code, status__in=open_statuses):
        if action.unit_id == unit.pk:
            continue
        before = action.unit.name
        action.unit = unit
        action.save(update_fields=["unit"])
        log(action.dialogue, None,
            str(_("Moved “%(title)s” from %(old)s to %(new)s (the unit mapping)"))
            % {"title": action.title, "old": before, "new": unit.name}, action)  # fmt: skip
        moved += 1
    return moved
