"""The organisation's main report (HR and top management; anyone sees it for the units they
may see): a heatmap of units × indices and dimensions with response rates, and the largest
changes since the previous measurement. Only stored, suppressed results are read, in a fixed
number of queries whatever the number of units or dimensions."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q

from trivsel.engine.stats import shown
from trivsel.instruments.models import Dimension, Index, localised
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
from trivsel.reports.hidden import Reasons, Why
from trivsel.results.models import Build, Kind
from trivsel.results.read import Figure, figures

# Difference from the whole organisation -> a shade; the number is always printed too.
SHADES = ((-10.0, "much-lower"), (-5.0, "lower"), (5.0, "same"), (10.0, "higher"))
LARGEST = 10


@dataclass(frozen=True)
class Column:
    key: str
    name: str
    kind: str  # "index" or "dimension"
    higher_is_better: bool
    organisation: Decimal | None


@dataclass(frozen=True)
class Cell:
    score: Decimal | None  # None: hidden, see `why`
    shade: str
    flagged: int  # +1 / -1: significantly better / worse than the organisation, 0: neither
    why: Why | None = None


@dataclass
class Row:
    unit: Unit
    respondents: int | None
    invited: int | None
    cells: list[Cell] = field(default_factory=list)
    why: Why | None = None  # why the unit's results are not shown

    @property
    def rate(self) -> Decimal | None:
        if not self.invited or self.respondents is None:
            return None
        return shown(100 * self.respondents / self.invited)


@dataclass(frozen=True)
class Change:
    unit: Unit
    column: Column
    score: Decimal | None
    difference: Decimal | None
    better: bool


@dataclass
class Overview:
    measurement: Measurement
    columns: list[Column]
    rows: list[Row]
    changes: list[Change]
    organisation_rate: Decimal | None
    min_group: int = settings.RESULTS_MIN_GROUP
    build: Build | None = None  # the measurement's results build (None: not started)


def _shade(difference: float | None, higher_is_better: bool) -> str:
    if difference is None:
        return "none"
    value = difference if higher_is_better else -difference
    for limit, name in SHADES:
        if value <= limit:
            return name
    return "much-higher"


def overview(measurement: Measurement, units_q: Q, max_depth: int, sort: str = "") -> Overview:
    units = list(Unit.objects.filter(units_q, depth__lte=max_depth).order_by("path"))
    found = figures(
        measurement, units, [Kind.RESPONDENTS, Kind.DIMENSION, Kind.INDEX], organisation=True
    )
    reasons = Reasons.load(measurement, units)
    k = settings.RESULTS_MIN_GROUP
    dimension_keys = sorted(found.metrics(Kind.DIMENSION))
    index_keys = sorted(found.metrics(Kind.INDEX))
    dimensions = {d.key: d for d in Dimension.objects.filter(key__in=dimension_keys)}
    indices = {x.key: x for x in Index.objects.filter(key__in=index_keys)}
    columns = [
        Column(key, localised(indices[key].names), "index", True,
               _score(found.get(None, Kind.INDEX, key)))
        for key in index_keys
    ] + [
        Column(key, localised(dimensions[key].names), "dimension",
               dimensions[key].higher_is_better, _score(found.get(None, Kind.DIMENSION, key)))
        for key in dimension_keys
    ]  # fmt: skip
    table = []
    changes = []
    for unit in units:
        people = found.get(unit.pk, Kind.RESPONDENTS)
        row = Row(unit, None if people is None else people.n,
                  None if people is None else people.invited,
                  why=None if people else
                  reasons.why(unit.pk, Kind.RESPONDENTS, "", k))  # fmt: skip
        for column in columns:
            result = found.get(unit.pk, column.kind, column.key)
            versus = result.versus.get("organisation") if result else None
            flagged = 0
            if versus and versus.flagged:
                better = (versus.difference > 0) == column.higher_is_better
                flagged = 1 if better else -1
            row.cells.append(
                Cell(
                    _score(result),
                    _shade(versus.difference if versus else None, column.higher_is_better),
                    flagged,
                    None if result else reasons.why(unit.pk, column.kind, column.key, k),
                )
            )
            previous = result.versus.get("previous") if result else None
            if result is not None and previous and previous.flagged:
                better = (previous.difference > 0) == column.higher_is_better
                changes.append(Change(unit, column, _score(result), shown(previous.difference),
                                      better))  # fmt: skip
        table.append(row)
    if sort:
        at = next((i for i, c in enumerate(columns) if c.key == sort), None)
        if at is not None:
            table.sort(key=lambda r: (r.cells[at].score is None, r.cells[at].score or 0))
        elif sort == "rate":
            table.sort(key=lambda r: (r.rate is None, r.rate or 0))
    changes.sort(key=lambda c: -abs(c.difference or Decimal(0)))
    organisation = found.get(None, Kind.RESPONDENTS)
    rate = None
    if organisation is not None and organisation.invited:
        rate = shown(100 * organisation.n / organisation.invited)
    return Overview(measurement, columns, table, changes[:LARGEST], rate, build=reasons.build)


def _score(result: Figure | None) -> Decimal | None:
    return None if result is None or result.score is None else shown(result.score)
