"""The organisation's main report (HR and top management; anyone sees it for the units they
may see): a heatmap of units × indices and dimensions with response rates, and the largest
changes since the previous measurement. Rows are the unit tree, each unit under its parent
(sorting orders siblings only), optionally one subtree of it. Only stored, suppressed results
are read, in a fixed number of queries whatever the number of units or dimensions; the page
(overview_html.py) and the Excel file (overview_xlsx.py) show the same `Overview`."""

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from trivsel.engine.stats import shown
from trivsel.instruments.models import Dimension, Index, localised
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
from trivsel.reports.direction import Verdict, judge
from trivsel.reports.hidden import Reasons, Why
from trivsel.results.models import Build, Kind
from trivsel.results.read import Key, Score, subtree_scores

LARGEST = 10
RATE = "rate"  # the sort key of the response rate
WORST, BEST = "worst", "best"  # sort orders: the worst (or best) figures first


@dataclass(frozen=True)
class Column:
    key: str
    name: str
    kind: str  # "index" or "dimension"
    higher_is_better: bool
    organisation: int | None


class Cell(NamedTuple):  # a tuple: ~80,000 of them at 8 levels
    score: int | None  # None: hidden, see `why`
    shade: str
    verdict: Verdict | None = None  # against the whole organisation (None: not compared)
    why: Why | None = None


@dataclass
class Row:
    unit: Unit | None  # None: the whole organisation (no unit holds exactly it)
    respondents: int | None
    invited: int | None
    cells: list[Cell] = field(default_factory=list)
    why: Why | None = None  # why the unit's results are not shown
    organisation: bool = False  # the row is the whole organisation (and maybe its root unit)
    indent: int = 0  # how deep in the table's tree: 0 for a top row

    @property
    def rate(self) -> Decimal | None:
        if not self.invited or self.respondents is None:
            return None
        return shown(100 * self.respondents / self.invited)

    @property
    def name(self) -> str:
        if self.unit is None:
            return _("Whole organisation")
        if self.organisation:
            return _("%(name)s (the whole organisation)") % {"name": self.unit.name}
        return self.unit.name

    @property
    def level(self) -> int:
        """The unit's level in the organisation, 1 for the top (0: the organisation)."""
        return 0 if self.unit is None else self.unit.depth + 1


@dataclass(frozen=True)
class Change:
    unit: Unit
    column: Column
    score: int | None
    difference: Decimal | None
    verdict: Verdict


@dataclass(frozen=True)
class Sort:
    key: str = ""  # "" (the unit tree), RATE or a column's key
    order: str = WORST

    def value(self, row: Row, columns: list[Column]) -> tuple[bool, Decimal | int]:
        """The sort key of a row: hidden figures last, then worst (or best) first by the
        direction rule (for burnout the highest score is the worst)."""
        score: Decimal | int | None
        if self.key == RATE:
            score, higher_is_better = row.rate, True
        else:
            at = next(i for i, c in enumerate(columns) if c.key == self.key)
            score, higher_is_better = row.cells[at].score, columns[at].higher_is_better
        if score is None:
            return (True, Decimal(0))
        worst_first = score if higher_is_better else -score
        return (False, worst_first if self.order == WORST else -worst_first)


@dataclass
class Overview:
    measurement: Measurement
    columns: list[Column]
    organisation: Row  # the first row: the whole organisation (with the root unit if shown)
    rows: list[Row]  # the units below it, each under its parent
    changes: list[Change]
    top: Unit | None = None  # the subtree shown (None: every unit the person may see)
    sort: Sort = field(default_factory=Sort)
    min_group: int = settings.RESULTS_MIN_GROUP
    build: Build | None = None  # the measurement's results build (None: not started)

    @property
    def sorted_column(self) -> str:
        """The name of the column the siblings are sorted by ("" for the unit tree)."""
        if self.sort.key == RATE:
            return _("Response rate")
        return next((c.name for c in self.columns if c.key == self.sort.key), "")

    @property
    def sorted_text(self) -> str:
        """How the rows are sorted, in words ("" for the unit tree)."""
        if not self.sort.key:
            return ""
        if self.sort.order == BEST:
            text = _("Sorted by %(column)s, best first, under each unit; hidden figures last.")
        else:
            text = _("Sorted by %(column)s, worst first, under each unit; hidden figures last.")
        return text % {"column": self.sorted_column}

    @property
    def all_rows(self) -> list[Row]:
        return [self.organisation, *self.rows]


def _shade(better: float) -> str:
    """How far from the whole organisation, `better`: the difference in points, positive
    when better (negated where a higher score is worse)."""
    if better <= -10:
        return "much-worse"
    if better <= -5:
        return "worse"
    if better <= 5:
        return "same"
    return "better" if better <= 10 else "much-better"


def overview(
    measurement: Measurement,
    units_q: Q,
    max_depth: int,
    sort: Sort = Sort(),
    top: Unit | None = None,
) -> Overview:
    """The units matching `units_q` (the person's visible units, maybe one subtree of them)
    down to `max_depth`, siblings sorted by `sort`."""
    units = list(
        Unit.objects.filter(units_q, depth__lte=max_depth)
        .order_by("path")
        .only("code", "name", "parent", "path", "depth")
    )
    reasons = Reasons.load(measurement, units)
    found = subtree_scores(
        measurement, reasons.build, [Kind.RESPONDENTS, Kind.DIMENSION, Kind.INDEX]
    )
    columns = _columns(found, {unit.pk for unit in units})
    if sort.key and sort.key != RATE and all(c.key != sort.key for c in columns):
        sort = Sort()
    organisation = _organisation_row(found, columns, reasons)
    table = []
    changes = []
    for unit in units:
        row = _row(unit, found, columns, reasons)
        if unit.parent_id is None and _same_people(row, organisation):
            organisation.unit = unit  # the root unit is the organisation: one row for both
        else:
            table.append(row)
        for column, cell in zip(columns, row.cells, strict=True):
            figure = found.get((unit.pk, column.kind, column.key))
            if figure is not None and figure.previous is not None and figure.previous_flagged:
                verdict = judge(figure.previous, column.higher_is_better, True)
                changes.append(Change(unit, column, cell.score, shown(figure.previous), verdict))
    changes.sort(key=lambda c: -abs(c.difference or Decimal(0)))
    return Overview(
        measurement, columns, organisation, _tree_order(table, sort, columns), changes[:LARGEST],
        top=top, sort=sort, build=reasons.build,
    )  # fmt: skip


def _columns(found: dict[Key, Score], unit_ids: set[int]) -> list[Column]:
    """The indices and dimensions shown for the whole organisation or one of the units."""
    metrics = {(kind, metric) for (unit, kind, metric) in found if unit is None or unit in unit_ids}
    dimension_keys = sorted(m for kind, m in metrics if kind == Kind.DIMENSION)
    index_keys = sorted(m for kind, m in metrics if kind == Kind.INDEX)
    dimensions = {d.key: d for d in Dimension.objects.filter(key__in=dimension_keys)}
    indices = {x.key: x for x in Index.objects.filter(key__in=index_keys)}
    return [
        Column(key, localised(indices[key].names), Kind.INDEX, True,
               _score(found.get((None, Kind.INDEX, key))))
        for key in index_keys
    ] + [
        Column(key, localised(dimensions[key].names), Kind.DIMENSION,
               dimensions[key].higher_is_better, _score(found.get((None, Kind.DIMENSION, key))))
        for key in dimension_keys
    ]  # fmt: skip


def _organisation_row(found: dict[Key, Score], columns: list[Column], reasons: Reasons) -> Row:
    people = found.get((None, Kind.RESPONDENTS, ""))
    k = settings.RESULTS_MIN_GROUP
    row = Row(None, None if people is None else people.n,
              None if people is None else people.invited, organisation=True,
              why=None if people else reasons.why(None, Kind.RESPONDENTS, "", k))  # fmt: skip
    for column in columns:
        why = None
        if column.organisation is None:
            why = reasons.why(None, column.kind, column.key, k)
        row.cells.append(Cell(column.organisation, "none", None, why))
    return row


def _row(unit: Unit, found: dict[Key, Score], columns: list[Column], reasons: Reasons) -> Row:
    """A unit's row: the hot loop of the page (~3,000 units × ~25 columns), kept lean."""
    k = settings.RESULTS_MIN_GROUP
    unit_id = unit.pk
    people = found.get((unit_id, Kind.RESPONDENTS, ""))
    row = Row(unit, None if people is None else people.n,
              None if people is None else people.invited,
              why=None if people else reasons.why(unit_id, Kind.RESPONDENTS, "", k))  # fmt: skip
    cells = row.cells
    for column in columns:
        figure = found.get((unit_id, column.kind, column.key))
        if figure is None:
            cells.append(Cell(None, "none", None, reasons.why(unit_id, column.kind, column.key, k)))
            continue
        difference = figure.organisation
        if difference is None:
            cells.append(Cell(_score(figure), "none"))
            continue
        higher_is_better = column.higher_is_better
        sign = (difference > 0) - (difference < 0)
        cells.append(
            Cell(
                _score(figure),
                _shade(difference if higher_is_better else -difference),
                _judged(sign, higher_is_better, figure.organisation_flagged),
            )
        )
    return row


@lru_cache(maxsize=16)
def _judged(sign: int, higher_is_better: bool, significant: bool) -> Verdict:
    """`judge` of a difference with this sign (all it depends on), made once."""
    return judge(sign, higher_is_better, significant)


def _same_people(row: Row, organisation: Row) -> bool:
    return (row.respondents, row.invited) == (organisation.respondents, organisation.invited)


def _tree_order(rows: list[Row], sort: Sort, columns: list[Column]) -> list[Row]:
    """Every row right after its parent (or the nearest shown ancestor), siblings in `rows`'
    order (the unit tree) or sorted by `sort`. `rows` are in path order (parents first)."""
    shown_ids = {row.unit.pk for row in rows if row.unit is not None}
    children: dict[int | None, list[Row]] = {}
    for row in rows:
        assert row.unit is not None
        parent = _shown_ancestor(row.unit, shown_ids)
        children.setdefault(parent, []).append(row)
    key: Callable[[Row], tuple[bool, Decimal | int]] | None = None
    if sort.key:
        key = lambda row: sort.value(row, columns)  # noqa: E731
    ordered: list[Row] = []

    def visit(parent: int | None, indent: int) -> None:
        siblings = children.get(parent, [])
        for row in sorted(siblings, key=key) if key else siblings:
            row.indent = indent
            ordered.append(row)
            assert row.unit is not None
            visit(row.unit.pk, indent + 1)

    visit(None, 0)
    return ordered


def _shown_ancestor(unit: Unit, shown_ids: set[int]) -> int | None:
    """The nearest ancestor among the rows (None: the unit is a top row)."""
    for ancestor in reversed(unit.ancestor_ids()):
        if ancestor in shown_ids:
            return ancestor
    return None


def _score(figure: Score | None) -> int | None:
    """The score as shown: rounded half up to a whole number, as `shown` does (the fast
    way; exactly `shown` where a float sits within a hair of .5)."""
    if figure is None or figure.score is None:
        return None
    value = figure.score
    if math.isnan(value):
        return None
    if abs(value % 1 - 0.5) < 1e-9:
        return int(shown(value) or 0)
    return math.floor(value + 0.5)
