"""Response rates, counts only. A response counts once it is submitted; a half-finished
one does not count, and is deleted when the measurement closes."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q

from trivsel.measurements.models import Measurement, Participant
from trivsel.organisation.models import Unit


@dataclass(frozen=True)
class Rate:
    invited: int
    answered: int

    @property
    def percent(self) -> float | None:
        return 100 * self.answered / self.invited if self.invited else None


def roll_up(paths: dict[int, str], own: dict[int, tuple[int, int]]) -> dict[int, tuple[Rate, Rate]]:
    """Per unit: (its own people, it and everything below). `paths` holds the units'
    materialised paths; `own` their own (invited, answered)."""
    invited: Counter[int] = Counter()
    answered: Counter[int] = Counter()
    ids_by_path = {path: unit_id for unit_id, path in paths.items()}
    for unit_id, (unit_invited, unit_answered) in own.items():
        path = paths[unit_id]
        prefix = ""
        for segment in path.split("/")[:-1]:
            prefix += segment + "/"
            ancestor = ids_by_path.get(prefix)
            if ancestor is not None:
                invited[ancestor] += unit_invited
                answered[ancestor] += unit_answered
    return {
        unit_id: (Rate(*own.get(unit_id, (0, 0))), Rate(invited[unit_id], answered[unit_id]))
        for unit_id in paths
    }


def unit_rates(measurement: Measurement, units: Iterable[Unit]) -> list[tuple[Unit, Rate, Rate]]:
    """Own and subtree rates for the given units (those a person may see), in tree order.
    Two queries, whatever the number of units."""
    counts = (
        Participant.objects.filter(measurement=measurement)
        .values("unit_id", "unit__path")
        .annotate(invited=Count("pk"), answered=Count("pk", filter=Q(invitation__responded=True)))
    )
    own = {row["unit_id"]: (row["invited"], row["answered"]) for row in counts}
    visible = sorted(units, key=lambda unit: unit.path)
    paths = {row["unit_id"]: row["unit__path"] for row in counts} | {u.id: u.path for u in visible}
    rolled = roll_up(paths, own)
    return [(unit, *rolled[unit.id]) for unit in visible if rolled[unit.id][1].invited]
