""" "Har handlingen gjort en forskel?": 30 days after an action is done, the unit's leader or
TRIO can ask the unit that one question, anonymously. Until the pulse measurements exist it
is a one-question measurement of its own (kind: pulse) through the same machinery as every
other — invitations by e-mail and SMS, letters and the kiosk, the close and the sealing —
and its answers are shown under the same anonymity rules: a unit with fewer people than the
smallest group that may be shown cannot be asked, and the result is hidden where fewer
answered. It opens at once (the clock sends the invitations), is open for a week, and its
results are released when it closes."""

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from trivsel.core.audit import record
from trivsel.cycle.lifecycle import create_measurement
from trivsel.dialogue.models import Action
from trivsel.dialogue.services import Refused, log
from trivsel.instruments.bank import load_bundled
from trivsel.instruments.builder import add_instrument, create_questionnaire
from trivsel.instruments.models import Instrument
from trivsel.measurements import fatigue
from trivsel.measurements.models import FatigueCap, Measurement
from trivsel.organisation.models import Employee

INSTRUMENT = "action_followup"
WAIT = timedelta(days=30)
OPEN_FOR = timedelta(days=7)


def askable_from(action: Action) -> date | None:
    """The first day the question may be asked (None: the action is not done)."""
    if action.status != Action.Status.DONE or action.done_on is None:
        return None
    return action.done_on + WAIT


def ask(action: Action, user: Any, now: datetime | None = None) -> Measurement:
    now = now or timezone.now()
    first = askable_from(action)
    if first is None:
        raise Refused(_("The unit can be asked when the action is done."))
    if timezone.localdate(now) < first:
        raise Refused(
            _("The unit can be asked 30 days after the action was done: from %(date)s.")
            % {"date": date_format(first)}
        )
    if action.question_id is not None:
        raise Refused(_("The unit has already been asked about this action."))
    people = list(
        Employee.objects.filter(
            unit__path__startswith=action.unit.path, is_active=True
        ).values_list("pk", flat=True)
    )
    if len(people) < settings.RESULTS_MIN_GROUP:
        raise Refused(
            _("The unit has fewer than %(k)s people, so their answers could not be shown.")
            % {"k": settings.RESULTS_MIN_GROUP}
        )
    tired = fatigue.excluded(people, now)
    if len(people) - len(tired) < settings.RESULTS_MIN_GROUP:
        cap = FatigueCap.current()
        raise Refused(
            _(
                "%(tired)s of the unit's %(people)s people have already been asked %(most)s "
                "times in the last %(days)s days and would not be asked; too few remain for "
                "their answers to be shown."
            )
            % {"tired": len(tired), "people": len(people), "most": cap.most, "days": cap.days}
        )
    instrument = Instrument.objects.filter(key=INSTRUMENT).first()
    if instrument is None:  # an installation whose bank predates the question
        load_bundled()
        instrument = Instrument.objects.get(key=INSTRUMENT)
    with transaction.atomic():
        name = str(_("Did it make a difference? %(title)s") % {"title": action.title})[:200]
        questionnaire = create_questionnaire(name, user)
        add_instrument(questionnaire.pages.get(), instrument)
        measurement = create_measurement(
            units=[action.unit], name=name, kind=Measurement.Kind.PULSE, by_job_group=False,
            questionnaire=questionnaire, validation_starts=now, opens_at=now,
            closes_at=now + OPEN_FOR, results_release_at=now + OPEN_FOR,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )  # fmt: skip
        Action.objects.filter(pk=action.pk).update(question=measurement)
        action.question = measurement
        log(action.dialogue, user, str(_("Asked the unit whether “%(title)s” made a difference"))
            % {"title": action.title}, action)  # fmt: skip
        record("measurement created", f"{measurement.pk} {measurement.name}",
               f"the question of action {action.pk}")  # fmt: skip
    return measurement
