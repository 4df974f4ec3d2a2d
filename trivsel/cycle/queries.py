"""Read-only questions other apps ask about measurements."""

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from trivsel.cycle.lifecycle import population, population_units
from trivsel.measurements.models import Measurement, UnitValidation
from trivsel.organisation.models import Unit
from trivsel.survey.models import Invitation
from trivsel.survey.rates import Rate, subtree_rate


def open_validations(unit: Unit) -> QuerySet[UnitValidation]:
    """The unit's lists waiting for (or open to) its leader's validation."""
    return UnitValidation.objects.filter(
        unit=unit, measurement__state=Measurement.State.VALIDATION
    ).select_related("measurement")


def open_measurements_with_rate(unit: Unit) -> list[tuple[Measurement, Rate]]:
    """Open measurements that include people in the unit's subtree, with its rate so far
    (the answered count withheld where the anonymity rules say so, see `rates`)."""
    result = []
    for measurement in Measurement.objects.filter(state=Measurement.State.OPEN):
        if measurement.participants.filter(unit__path__startswith=unit.path).exists():
            result.append((measurement, subtree_rate(measurement, unit)))
    return result


def consequences(measurement: Measurement, action: str) -> list[str]:
    """What a step would do, in numbers, for the page that asks HR to confirm it (a
    misclick must not close 5,000 people's survey)."""
    invitations = Invitation.objects.filter(measurement=measurement)
    if action == "start_validation":
        units = population_units(measurement).count()
        return [_("The leaders of %(units)s units are asked to check their lists of employees.")
                % {"units": units}]  # fmt: skip
    if action == "open":
        people = population(measurement)
        found = people.aggregate(
            total=Count("pk"),
            by_email=Count("pk", filter=~Q(email="")),
            by_sms=Count("pk", filter=Q(email="") & ~Q(mobile="")),
        )
        values = {"total": found["total"], "email": found["by_email"], "sms": found["by_sms"],
                  "letters": found["total"] - found["by_email"] - found["by_sms"]}  # fmt: skip
        return [
            _("%(total)s people can answer from now on; the list of participants is fixed.")
            % values,
            _("Invitations are sent: %(email)s by e-mail, %(sms)s by SMS; %(letters)s need a "
              "letter.") % values,
        ]  # fmt: skip
    if action == "close":
        found = invitations.aggregate(
            total=Count("pk"), answered=Count("pk", filter=Q(responded=True))
        )
        return [
            _("%(answered)s of %(total)s participants have answered; the other %(missing)s "
              "can no longer answer.")
            % {**found, "missing": found["total"] - found["answered"]},
            _("The results are built, and the answers are then made anonymous for good."),
        ]  # fmt: skip
    if action == "release":
        return [_("The results become visible to the leaders, the TRIO and the employees of "
                  "the units in the measurement, as the anonymity rules allow.")]  # fmt: skip
    if action == "invitations":
        waiting = invitations.filter(invited_at=None).aggregate(
            total=Count("pk"),
            by_email=Count("pk", filter=~Q(participant__employee__email="")),
        )
        return [_("%(total)s people have not been invited yet; %(email)s of them by e-mail, "
                  "the others by SMS or letter.")
                % {"total": waiting["total"], "email": waiting["by_email"]}]  # fmt: skip
    if action == "reminders":
        count = invitations.filter(responded=False, channel__in=["email", "sms"]).count()
        return [_("%(count)s people who have not answered get a reminder by e-mail or SMS.")
                % {"count": count}]  # fmt: skip
    return []
