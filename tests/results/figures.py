"""Test helpers on the stored results: every stored figure through the read API
(`results.read.every_figure`), found by unit code, scope, group, kind and metric; and, to
plant or remove a figure in a test, the compact rows themselves."""

from dataclasses import dataclass
from typing import Any

from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
from trivsel.results.models import Result
from trivsel.results.read import Figure, every_figure


@dataclass(frozen=True)
class Stored:
    """A stored figure with its unit's code (None: the whole organisation)."""

    code: str | None
    figure: Figure

    def __getattr__(self, name: str) -> Any:
        return getattr(self.figure, name)


def stored(measurement: Measurement | None = None, **where: Any) -> list[Stored]:
    """Every stored figure (of one measurement, or of all), filtered: `code`, `code__in`,
    `scope`, `group`, `kind`, `metric`, `metric__startswith`."""
    codes = dict(Unit.objects.values_list("pk", "code"))
    measurements = [measurement] if measurement else list(Measurement.objects.all())
    found = []
    for m in measurements:
        for figure in every_figure(m):
            item = Stored(None if figure.unit_id is None else codes[figure.unit_id], figure)
            if _matches(item, where):
                found.append(item)
    return found


def _matches(item: Stored, where: dict[str, Any]) -> bool:
    for name, wanted in where.items():
        if name == "code__in":
            if item.code not in wanted:
                return False
        elif name == "metric__startswith":
            if not item.figure.metric.startswith(wanted):
                return False
        elif name == "code":
            if item.code != wanted:
                return False
        elif getattr(item.figure, name) != wanted:
            return False
    return True


def one(measurement: Measurement | None = None, **where: Any) -> Stored:
    found = stored(measurement, **where)
    assert len(found) == 1, found
    return found[0]


def plant(
    measurement: Measurement, unit: Unit | None, kind: str, metric: str, scope: str = "subtree",
    group: str = "", **values: Any,
) -> None:  # fmt: skip
    """Store a figure as if the build had shown it (to test what reads it)."""
    row, _new = Result.objects.get_or_create(
        measurement=measurement, unit=unit, scope=scope, group=group, kind=kind
    )
    row.figures[metric] = values
    row.save(update_fields=["figures"])


def remove(measurement: Measurement, metric_prefix: str) -> None:
    """Remove the stored figures whose metric starts with `metric_prefix`."""
    for row in Result.objects.filter(measurement=measurement):
        kept = {m: f for m, f in row.figures.items() if not m.startswith(metric_prefix)}
        if kept != row.figures:
            row.figures = kept
            row.save(update_fields=["figures"])
