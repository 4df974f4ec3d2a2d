"""Reminders to leaders by e-mail, sent by the clock: the report not read 3 days after the
release, no meeting planned 14 days after, the dialogue's deadline in 7 days without a
meeting, an action due in 7 days, and — weekly — an action past its due date. Each of the
first four is said once; a leader gets at most one e-mail a week, which says everything that
is waiting (what could not be said this week waits for the next)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from trivsel.dialogue.models import Action, Dialogue, Nudge, NudgeItem, NudgeRun
from trivsel.dialogue.rules import OPEN_STATUSES
from trivsel.dialogue.services import window_end
from trivsel.measurements.models import Measurement, Participant
from trivsel.organisation.models import Employee, Unit

READ_AFTER, PLAN_AFTER, WINDOW_BEFORE, DUE_BEFORE = 3, 14, 7, 7
WEEK = timedelta(days=7)
ONCE = ("read", "plan", "window", "due")


@dataclass(frozen=True)
class Item:
    kind: str
    unit: Unit
    measurement: Measurement
    when: date
    action: Action | None = None


def due_items(today: date) -> Iterable[Item]:
    """What is waiting today, in every released measurement's units with people."""
    for measurement in Measurement.objects.filter(state=Measurement.State.RELEASED):
        if today > window_end(measurement):
            continue  # its dialogue's deadline has passed: only its actions remind
        released = timezone.localdate(measurement.results_release_at)
        dialogues = {d.unit_id: d for d in Dialogue.objects.filter(measurement=measurement)}
        units = Unit.objects.filter(
            pk__in=Participant.objects.filter(measurement=measurement).values("unit_id"),
            valid_to=None,
        )
        for unit in units:
            dialogue = dialogues.get(unit.pk)
            ends = dialogue.window_ends if dialogue else window_end(measurement)
            read = dialogue is not None and dialogue.read_at is not None
            planned = dialogue is not None and dialogue.meeting_on is not None
            held = dialogue is not None and dialogue.held_on is not None
            if not read and today >= released + timedelta(days=READ_AFTER):
                yield Item("read", unit, measurement, released)
            if not planned and today >= released + timedelta(days=PLAN_AFTER):
                yield Item("plan", unit, measurement, released)
            if not held and ends - timedelta(days=WINDOW_BEFORE) <= today <= ends:
                yield Item("window", unit, measurement, ends)
    actions = Action.objects.filter(
        status__in=OPEN_STATUSES, unit__valid_to=None
    ).select_related("unit", "dialogue__measurement")  # fmt: skip
    for action in actions:
        if action.due < today:
            yield Item("overdue", action.unit, action.dialogue.measurement, action.due, action)
        elif action.due - timedelta(days=DUE_BEFORE) <= today:
            yield Item("due", action.unit, action.dialogue.measurement, action.due, action)


def _said(item: Item) -> bool:
    """A once-only reminder already sent (for the unit's dialogue, or the action)."""
    if item.kind not in ONCE:
        return False
    items = NudgeItem.objects.filter(kind=item.kind)
    if item.action is not None:
        return items.filter(action=item.action).exists()
    return items.filter(unit=item.unit, measurement=item.measurement).exists()


def send_nudges(now: datetime) -> list[str]:
    """The clock's step: one e-mail per leader with something waiting who has had none in
    the last 7 days."""
    today = timezone.localdate(now)
    # Once a day, not every round of the clock (the reminders are about days).
    _run, first = NudgeRun.objects.get_or_create(day=today)
    if not first:
        return []
    waiting: dict[Employee, list[Item]] = defaultdict(list)
    leaders_of: dict[int, list[Employee]] = {}
    for item in due_items(today):
        if _said(item):
            continue
        if item.unit.pk not in leaders_of:
            leaders_of[item.unit.pk] = list(
                Employee.objects.filter(unit=item.unit, is_leader=True, is_active=True).exclude(
                    email=""
                )
            )
        for leader in leaders_of[item.unit.pk]:
            waiting[leader].append(item)
    lines = []
    for leader, items in waiting.items():
        if Nudge.objects.filter(employee=leader, sent_on__gt=today - WEEK).exists():
            continue
        if _send(leader, items, today):
            lines.append(f"dialogue reminder to {leader.number}: {len(items)} items")
    return lines


def _send(leader: Employee, items: list[Item], today: date) -> bool:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Trivsel: your unit's dialogue and action plan")
        body = "\n\n".join(_line(item) for item in items)
        body = _("Dear %(name)s,") % {"name": leader.name} + "\n\n" + body
    message = EmailMessage(subject, body, to=[leader.email])
    try:
        get_connection(timeout=settings.EMAIL_TIMEOUT).send_messages([message])
    except OSError:
        return False  # the SMTP server did not take it: tried again the next day
    with transaction.atomic():
        nudge = Nudge.objects.create(employee=leader, sent_on=today)
        NudgeItem.objects.bulk_create(
            NudgeItem(
                nudge=nudge, kind=i.kind, measurement=i.measurement, unit=i.unit, action=i.action
            )
            for i in items
        )
    return True


def _line(item: Item) -> str:
    link = settings.SITE_URL + reverse("dialogue:dialogue", args=[item.measurement.pk,
                                                                  item.unit.code])  # fmt: skip
    when = date_format(item.when)
    texts = {
        "read": _("The report for %(unit)s (%(measurement)s) is ready, released %(when)s."),
        "plan": _("No dialogue meeting is planned yet for %(unit)s (%(measurement)s)."),
        "window": _("The dialogue meeting for %(unit)s should be held by %(when)s."),
        "due": _("The action “%(action)s” for %(unit)s is due on %(when)s."),
        "overdue": _("The action “%(action)s” for %(unit)s was due on %(when)s."),
    }
    text = texts[item.kind] % {
        "unit": item.unit.name, "measurement": item.measurement.name, "when": when,
        "action": item.action.title if item.action else "",
    }  # fmt: skip
    return f"{text}\n{link}"
