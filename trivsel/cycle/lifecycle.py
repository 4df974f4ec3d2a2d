"""Moving a measurement through its states. Each step is one transaction and refuses a
move the state machine does not allow, so HR's buttons and the clock cannot race into an
impossible state."""

from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from trivsel.core.audit import record
from trivsel.instruments.builder import lock_questionnaire, questionnaire_pages
from trivsel.measurements import fatigue
from trivsel.measurements.models import Measurement, Participant, ScopeUnit, UnitValidation
from trivsel.organisation.models import Employee, Unit
from trivsel.results.build import seal_after_build
from trivsel.results.tasks import start_build
from trivsel.survey.answering import create_invitations
from trivsel.survey.models import Invitation, SendJob
from trivsel.survey.sealing import end_collection
from trivsel.survey.sending import running_job
from trivsel.survey.tasks import start_send_job

State = Measurement.State
ALLOWED = {
    State.DRAFT: {State.VALIDATION, State.OPEN},
    State.VALIDATION: {State.OPEN},
    State.OPEN: {State.CLOSED},
    State.CLOSED: {State.RELEASED},
    State.RELEASED: set(),
}


class TransitionRefused(Exception):
    pass


def population_units(measurement: Measurement) -> QuerySet[Unit]:
    condition = Q(pk__in=[])
    for scope in measurement.scope.select_related("unit"):
        if scope.include_subtree:
            condition |= Q(path__startswith=scope.unit.path)
        else:
            condition |= Q(pk=scope.unit_id)
    return Unit.objects.filter(condition, valid_to=None)


def population(measurement: Measurement) -> QuerySet[Employee]:
    """Who would be asked if the measurement opened now."""
    people = Employee.objects.filter(is_active=True, unit__in=population_units(measurement))
    return people.filter(is_leader=True) if measurement.leaders_only else people


def _move(measurement: Measurement, target: str) -> Measurement:
    locked = Measurement.objects.select_for_update().get(pk=measurement.pk)
    if target not in ALLOWED[State(locked.state)]:
        raise TransitionRefused(
            _("A measurement that is %(state)s cannot become %(target)s.")
            % {"state": locked.get_state_display(), "target": State(target).label}
        )
    locked.state = target
    locked.save(update_fields=["state"])
    measurement.state = target
    record(f"measurement {target}", f"{locked.pk} {locked.name}")
    return locked


@transaction.atomic
def create_measurement(
    *, units: list[Unit], include_subtree: bool = True, **fields: object
) -> Measurement:
    measurement = Measurement.objects.create(**fields)  # type: ignore[arg-type]
    ScopeUnit.objects.bulk_create(
        ScopeUnit(measurement=measurement, unit=unit, include_subtree=include_subtree)
        for unit in units
    )
    return measurement


@transaction.atomic
def update_draft(measurement: Measurement, *, units: list[Unit], **fields: object) -> Measurement:
    """Change a measurement that is still a draft (nobody has been asked anything yet)."""
    locked = Measurement.objects.select_for_update().get(pk=measurement.pk)
    if locked.state != State.DRAFT:
        raise TransitionRefused(_("Only a draft can be changed; this measurement has started."))
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save()
    locked.scope.all().delete()
    ScopeUnit.objects.bulk_create(
        ScopeUnit(measurement=locked, unit=unit, include_subtree=True) for unit in units
    )
    return locked


@transaction.atomic
def delete_draft(measurement: Measurement) -> None:
    """Delete a measurement that is still a draft."""
    locked = Measurement.objects.select_for_update().get(pk=measurement.pk)
    if locked.state != State.DRAFT:
        raise TransitionRefused(_("Only a draft can be deleted; this measurement has started."))
    locked.delete()


@transaction.atomic
def start_validation(measurement: Measurement) -> None:
    """Every unit with people in the population gets a list for its leader to check."""
    _move(measurement, State.VALIDATION)
    unit_ids = set(population(measurement).values_list("unit_id", flat=True))
    UnitValidation.objects.bulk_create(
        [UnitValidation(measurement=measurement, unit_id=unit_id) for unit_id in unit_ids],
        ignore_conflicts=True,
    )


@transaction.atomic
def open_measurement(measurement: Measurement) -> int:
    """Freeze the population and the questionnaire; returns the number of participants."""
    if not any(versions for _page, versions in questionnaire_pages(measurement.questionnaire)):
        raise TransitionRefused(_("The questionnaire has no questions."))
    people = list(population(measurement).values_list("pk", "unit_id", "job_group"))
    if fatigue.applies_to(measurement):  # a pulse skips those asked too often lately
        tired = fatigue.excluded([pk for pk, _unit, _group in people], timezone.now())
        people = [person for person in people if person[0] not in tired]
    if not people:
        raise TransitionRefused(_("Nobody is in the population."))
    _move(measurement, State.OPEN)
    Participant.objects.bulk_create(
        [
            Participant(
                measurement=measurement,
                employee_id=pk,
                unit_id=unit_id,
                job_group=group if measurement.by_job_group else "",
            )
            for pk, unit_id, group in people
        ],
        batch_size=2000,
    )
    lock_questionnaire(measurement.questionnaire)
    create_invitations(measurement)
    return len(people)


@transaction.atomic
def close_measurement(measurement: Measurement) -> None:
    """Close: unfinished drafts, the resume key and the invitations are deleted (counts
    kept), then the results are built in the background and the responses sealed."""
    _move(measurement, State.CLOSED)
    end_collection(measurement)
    start_build(measurement)


@transaction.atomic
def release_results(measurement: Measurement) -> None:
    _move(measurement, State.RELEASED)
    if measurement.kind == Measurement.Kind.PULSE:  # its report goes to the leader and TRIO
        transaction.on_commit(lambda: tell_pulse_released(measurement))


def tell_pulse_released(measurement: Measurement) -> int:
    """An e-mail to the leaders and TRIO of a released pulse's units, with the link to the
    report (the report itself shows only what the anonymity rules allow). A mail server that
    does not answer loses only the e-mail: the report is on their front page."""
    sent = 0
    for scope in measurement.scope.select_related("unit"):
        unit = scope.unit
        people = (
            Employee.objects.filter(is_active=True)
            .filter(Q(unit=unit, is_leader=True) | Q(trio_roles__unit=unit))
            .exclude(email="")
            .distinct()
        )
        link = settings.SITE_URL + reverse("reports:unit", args=[measurement.pk, unit.code])
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Trivsel: the results of %(name)s") % {"name": measurement.name}
            body = _(
                "The pulse measurement %(name)s has closed, and its results for %(unit)s are "
                "ready:\n%(link)s"
            ) % {"name": measurement.name, "unit": unit.name, "link": link}
        for person in people:
            try:
                send_mail(subject, body, None, [person.email],
                          fail_silently=False)  # fmt: skip
                sent += 1
            except OSError:
                pass
    return sent


@transaction.atomic
def answer_validation(validation: UnitValidation, user: object, corrections: str) -> UnitValidation:
    """A leader confirms the list (no corrections) or reports what is wrong."""
    measurement = Measurement.objects.select_for_update().get(pk=validation.measurement_id)
    if measurement.state != State.VALIDATION:
        raise TransitionRefused(_("The validation phase is over."))
    validation.corrections = corrections.strip()
    validation.status = (
        UnitValidation.Status.CORRECTIONS
        if validation.corrections
        else UnitValidation.Status.CONFIRMED
    )
    validation.handled = not validation.corrections
    validation.answered_by = user  # type: ignore[assignment]
    validation.answered_at = timezone.now()
    validation.save()
    return validation


CLOCK_STEPS = [
    (State.DRAFT, "validation_starts", start_validation),
    (State.VALIDATION, "opens_at", open_measurement),
    (State.OPEN, "closes_at", close_measurement),
    (State.CLOSED, "results_release_at", release_results),
]


@transaction.atomic
def send_due(measurement: Measurement, now: datetime) -> list[str]:
    """For an open measurement: start the invitations if nobody has, and each scheduled
    reminder whose time has come, once. Returns what was started."""
    locked = Measurement.objects.select_for_update().get(pk=measurement.pk)
    if locked.state != State.OPEN or running_job(locked) is not None:
        return []  # one job at a time; the clock comes back
    # Nobody invited yet, or a job whose worker died left people uninvited.
    if Invitation.objects.filter(measurement=locked, invited_at=None).exists():
        start_send_job(locked, SendJob.Kind.INVITATIONS)
        return ["invitations"]
    due = sum(1 for at in locked.reminder_times if at <= now)
    if due > locked.reminders_started:
        start_send_job(locked, SendJob.Kind.REMINDERS)
        locked.reminders_started = due
        locked.save(update_fields=["reminders_started"])
        return ["reminders"]
    return []


def remind_validators(measurement: Measurement, now: datetime) -> int:
    """Halfway through the validation phase, the leaders of every unit whose list is still
    not validated get one e-mail with the link to it. Returns how many units were reminded."""
    halfway = (
        measurement.validation_starts + (measurement.opens_at - measurement.validation_starts) / 2
    )
    if measurement.state != State.VALIDATION or now < halfway:
        return 0
    waiting = UnitValidation.objects.filter(
        measurement=measurement, status=UnitValidation.Status.PENDING, reminded_at=None
    ).select_related("unit")
    reminded = 0
    for validation in waiting:
        leaders = Employee.objects.filter(
            unit=validation.unit, is_leader=True, is_active=True
        ).exclude(email="")
        url = settings.SITE_URL + reverse(
            "measurements:validate", args=[measurement.pk, validation.unit.code]
        )
        opens = timezone.localtime(measurement.opens_at)
        for leader in leaders:
            parts = []
            for language in ("da", "en"):
                with translation.override(language):
                    parts.append(
                        _(
                            "Dear %(name)s,\n\nThe list of employees in %(unit)s for "
                            "%(measurement)s is still waiting for you to check it. Everyone "
                            "on it will be invited when the measurement opens on %(opens)s; "
                            "tell HR who has moved or left and who is missing.\n\nThe list: "
                            "%(link)s"
                        )
                        % {"name": leader.name.split(" ")[0], "unit": validation.unit.name,
                           "measurement": measurement.name, "link": url,
                           "opens": date_format(opens, "DATETIME_FORMAT")}
                    )  # fmt: skip
            with translation.override("da"):
                subject = _("Please check the list for %(measurement)s") % {
                    "measurement": measurement.name
                }
            send_mail(subject, "\n\n---\n\n".join(parts), None, [leader.email])
        UnitValidation.objects.filter(pk=validation.pk).update(reminded_at=now)
        reminded += 1
    return reminded


def advance_by_clock(now: datetime | None = None) -> list[tuple[Measurement, str]]:
    """Apply every transition whose date has come, oldest first, then send what is due for
    open measurements (invitations, scheduled reminders); returns what happened.
    A measurement that cannot open (e.g. empty questionnaire) stays and is reported."""
    now = now or timezone.now()
    moved: list[tuple[Measurement, str]] = []
    for state, field, step in CLOCK_STEPS:
        due = Measurement.objects.filter(state=state, **{f"{field}__lte": now})
        for measurement in due.order_by(field):
            try:
                step(measurement)
            except TransitionRefused as refused:
                moved.append((measurement, f"refused: {refused}"))
            else:
                moved.append((measurement, measurement.state))
    for measurement in Measurement.objects.filter(state=State.VALIDATION):
        if count := remind_validators(measurement, now):
            moved.append((measurement, f"reminded the leaders of {count} units to validate"))
    for measurement in Measurement.objects.filter(state=State.OPEN):
        moved += [(measurement, f"sending {what}") for what in send_due(measurement, now)]
    # Results built but the responses not sealed (the build's worker stopped in between).
    unsealed = Measurement.objects.filter(
        state__in=[State.CLOSED, State.RELEASED],
        sealed_at=None,
        results_build__built_at__isnull=False,
    )
    for measurement in unsealed:
        if seal_after_build(measurement):
            moved.append((measurement, "sealed"))
    return moved
