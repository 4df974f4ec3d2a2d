"""Read-only questions other apps ask about measurements."""

from django.db.models import QuerySet

from trivsel.measurements.models import Measurement, UnitValidation
from trivsel.organisation.models import Unit
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
