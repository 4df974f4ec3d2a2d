"""A unit's report, built only from the stored, suppressed results (trivsel.results): the
unit's subtree figures, its sub-units' headline figures and the questionnaire's wording. A
figure that has no stored row was hidden by the anonymity rules (or the results are not
built yet); the report says which, instead of leaving a hole. A fixed number of queries
whatever the size of the organisation."""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

from trivsel.engine.stats import shown
from trivsel.instruments.builder import pages_of
from trivsel.instruments.models import Dimension, Index, ItemVersion, localised
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
from trivsel.reports.hidden import Reasons, Why
from trivsel.results.models import Build, Kind
from trivsel.results.read import COMPARISONS, Figures, figures, history
from trivsel.results.read import Figure as Stored

STRONGEST = 3
COMMENTS_SHOWN = 100  # in the PDF; the page pages them (comments.py), the Excel has all


@dataclass(frozen=True)
class Comparison:
    difference: Decimal | None  # rounded half up from the unrounded difference
    flagged: bool


@dataclass(frozen=True)
class Figure:
    key: str
    name: str
    n: int
    score: Decimal | None
    higher_is_better: bool
    comparisons: dict[str, Comparison]
    why: Why | None = None  # why it is not shown (then no score)

    @property
    def cells(self) -> list[Comparison | None]:
        """The comparisons in the report's column order (None: nothing to compare with)."""
        return [self.comparisons.get(kind) for kind in COMPARISONS]


@dataclass(frozen=True)
class Share:
    label: str
    percent: Decimal | None


@dataclass(frozen=True)
class ItemLine:
    key: str
    text: str
    dimension: str
    n: int
    score: Decimal | None
    favourable: Decimal | None
    neutral: Decimal | None
    unfavourable: Decimal | None
    options: list[Share]
    why: Why | None = None  # why it is not shown (then no figures)
    exposed: Decimal | None = None  # an exposure question: the share who answered yes


@dataclass(frozen=True)
class SubUnit:
    unit: Unit
    respondents: int | None  # None: hidden
    invited: int | None
    indices: list[Decimal | None]
    why: Why | None = None  # why it is not shown


@dataclass
class UnitReport:
    measurement: Measurement
    unit: Unit
    invited: int | None = None
    respondents: int | None = None  # None: hidden, see `why`
    why: Why | None = None
    indices: list[Figure] = field(default_factory=list)
    dimensions: list[Figure] = field(default_factory=list)
    items: list[ItemLine] = field(default_factory=list)
    offensive: list[ItemLine] = field(default_factory=list)
    offensive_asked: bool = False
    comments: list[str] | None = None  # every comment that may be shown (Excel)
    comments_asked: bool = False
    comments_why: Why | None = None
    subunits: list[SubUnit] = field(default_factory=list)
    index_names: list[str] = field(default_factory=list)
    trend_measurements: list[Measurement] = field(default_factory=list)
    trend: list[tuple[str, list[Decimal | None]]] = field(default_factory=list)
    build: Build | None = None  # the measurement's results build (None: not started)
    min_group: int = settings.RESULTS_MIN_GROUP
    min_group_sensitive: int = settings.RESULTS_MIN_GROUP_SENSITIVE
    min_group_comments: int = settings.RESULTS_MIN_GROUP_COMMENTS

    @property
    def comments_shown(self) -> list[str]:
        """The first comments of the (sorted by text) list, for the PDF."""
        return (self.comments or [])[:COMMENTS_SHOWN]

    @property
    def comments_more(self) -> int:
        return max(0, len(self.comments or []) - COMMENTS_SHOWN)

    @property
    def shown(self) -> bool:
        return self.respondents is not None

    @property
    def rate(self) -> Decimal | None:
        if not self.invited or self.respondents is None:
            return None
        return shown(100 * self.respondents / self.invited)

    @property
    def items_shown(self) -> bool:
        return any(line.why is None for line in self.items)

    @property
    def strongest(self) -> list[ItemLine]:
        scored = [line for line in self.items if line.score is not None]
        return sorted(scored, key=lambda line: line.score or 0, reverse=True)[:STRONGEST]

    @property
    def weakest(self) -> list[ItemLine]:
        scored = [line for line in self.items if line.score is not None]
        return sorted(scored, key=lambda line: line.score or 0)[:STRONGEST]


def unit_report(measurement: Measurement, unit: Unit) -> UnitReport:
    report = UnitReport(measurement, unit)
    found = figures(measurement, [unit])
    children = list(unit.children.order_by("code"))
    reasons = Reasons.load(measurement, [unit, *children])
    report.build = reasons.build
    versions = [v for page in pages_of(measurement.questionnaire) for v in page]
    report.offensive_asked = any(v.sensitive for v in versions)
    report.comments_asked = any(v.kind == ItemVersion.Kind.FREE_TEXT for v in versions)
    by_kind: dict[str, dict[str, Stored]] = {kind: {} for kind in Kind}
    for figure in found:  # the unit's own figures only (one pass)
        by_kind[figure.kind][figure.metric] = figure

    def why(kind: str, metric: str, k: int = report.min_group) -> Why:
        return reasons.why(unit.pk, kind, metric, k)

    people = found.get(unit.pk, Kind.RESPONDENTS)
    if people is not None:
        report.respondents, report.invited = people.n, people.invited
    else:
        report.why = why(Kind.RESPONDENTS, "")
    dimension_order = [v.dimension.key for v in versions if v.dimension is not None]
    dimensions = {
        d.key: d for d in Dimension.objects.filter(key__in=dimension_order).exclude(rule="none")
    }
    indices = {x.key: x for x in Index.objects.all()}
    asked_indices = [x for x in indices.values() if any(p in dimensions for p in x.parts)]
    found_indices = by_kind[Kind.INDEX]
    for index in sorted(asked_indices, key=lambda x: x.key):
        name = localised(index.names)
        stored = found_indices.get(index.key)
        if stored is None:
            report.indices.append(_hidden(index.key, name, why(Kind.INDEX, index.key)))
        else:
            report.indices.append(_figure(stored, name, True))
    found_dimensions = by_kind[Kind.DIMENSION]
    for key in sorted(dimensions, key=_order(dimension_order)):
        dimension = dimensions[key]
        name = localised(dimension.names)
        stored = found_dimensions.get(key)
        report.dimensions.append(
            _figure(stored, name, dimension.higher_is_better)
            if stored else _hidden(key, name, why(Kind.DIMENSION, key))
        )  # fmt: skip
    items = by_kind[Kind.ITEM]
    for version in versions:
        if version.scale is None or version.kind != ItemVersion.Kind.SCALE:
            continue
        k = report.min_group_sensitive if version.sensitive else report.min_group
        if version.scale.multiple:
            if not version.sensitive:
                continue  # multiple choice is counted only for offensive behaviour
            line = _sources_line(version, items, k, why)
        elif any(o.get("score") is not None for o in version.scale.options) or version.sensitive:
            stored = items.get(version.item.key)
            line = (
                _item_line(stored, version) if stored
                else _hidden_line(version, why(Kind.ITEM, version.item.key, k))
            )  # fmt: skip
        else:
            continue
        if line is not None:
            (report.offensive if version.sensitive else report.items).append(line)
    comments = by_kind[Kind.COMMENTS]
    if comments:
        report.comments = [text for figure in comments.values() for text in figure.texts]
    elif report.comments_asked:
        keys = [v.item.key for v in versions if v.kind == ItemVersion.Kind.FREE_TEXT]
        report.comments_why = why(Kind.COMMENTS, keys[0], report.min_group_comments)
    report.index_names = [figure.name for figure in report.indices]
    report.subunits = _subunits(
        measurement, children, [f.key for f in report.indices], reasons, report.min_group
    )
    report.trend_measurements, report.trend = _trend(unit, measurement, report)
    return report


def _trend(
    unit: Unit, measurement: Measurement, report: UnitReport
) -> tuple[list[Measurement], list[tuple[str, list[Decimal | None]]]]:
    """The unit's indices and dimensions in every measurement with results up to this one
    (the same unit code; stored, suppressed figures only), oldest first."""
    over_time = history(unit, measurement, [Kind.INDEX, Kind.DIMENSION])
    if len(over_time) < 2:
        return [], []

    def line(kind: str, key: str) -> list[Decimal | None]:
        values = [_shown_score(found.get(unit.pk, kind, key)) for _m, found in over_time]
        return values if any(value is not None for value in values) else []

    lines = [(f.name, line(Kind.INDEX, f.key)) for f in report.indices]
    lines += [(f.name, line(Kind.DIMENSION, f.key)) for f in report.dimensions]
    return [m for m, _found in over_time], [(name, values) for name, values in lines if values]


def _order(keys: list[str]) -> Callable[[str], tuple[int, str]]:
    """Sort keys by where they first appear in `keys` (the questionnaire's order)."""
    position = {key: at for at, key in reversed(list(enumerate(keys)))}
    return lambda key: (position.get(key, len(position)), key)


def _figure(stored: Stored, name: str, higher_is_better: bool) -> Figure:
    comparisons = {}
    for kind, versus in stored.versus.items():
        rounded = shown(versus.difference)
        if rounded is not None and rounded.is_zero():
            rounded = abs(rounded)  # not "-0"
        comparisons[kind] = Comparison(rounded, versus.flagged)
    return Figure(stored.metric, name, stored.n, _score(stored.score), higher_is_better,
                  comparisons)  # fmt: skip


def _hidden(key: str, name: str, why: Why) -> Figure:
    return Figure(key, name, 0, None, True, {}, why)


def _hidden_line(version: ItemVersion, why: Why) -> ItemLine:
    dimension = localised(version.dimension.names) if version.dimension else ""
    return ItemLine(version.item.key, version.label, dimension, 0, None, None, None, None, [], why)


def _sources_line(
    version: ItemVersion, items: dict[str, Stored], k: int, why: Callable[[str, str, int], Why]
) -> ItemLine | None:
    """A multiple-choice question (e.g. from whom): the share naming each option, from one
    stored figure per option (`key:value`). None if the question has no options."""
    assert version.scale is not None
    options = version.scale.options
    if not options:
        return None
    keys = [f"{version.item.key}:{option['value']}" for option in options]
    found = [items.get(key) for key in keys]
    first = next((row for row in found if row is not None), None)
    if first is None:
        return _hidden_line(version, why(Kind.ITEM, keys[0], k))
    shares = [
        Share(localised(option.get("labels")), None if row is None else _score(row.score))
        for option, row in zip(options, found, strict=True)
    ]
    dimension = localised(version.dimension.names) if version.dimension else ""
    return ItemLine(version.item.key, version.label, dimension, first.n, None, None, None, None,
                    shares)  # fmt: skip


def _score(value: float | None) -> Decimal | None:
    return None if value is None else shown(value)


def _shown_score(figure: Stored | None) -> Decimal | None:
    return None if figure is None else _score(figure.score)


def _percent(value: float | None) -> Decimal | None:
    if value is None:
        return None
    rounded = shown(100 * value)
    return abs(rounded) if rounded is not None and rounded.is_zero() else rounded  # not "-0"


def _item_line(row: Stored, version: ItemVersion) -> ItemLine:
    assert version.scale is not None
    shares = row.options
    scored = any(option.get("score") is not None for option in version.scale.options)
    options = [
        Share(localised(option.get("labels")), _percent(shares.get(str(option["value"]))))
        for option in version.scale.options
        if option.get("score") is not None or not scored  # an exposure question: every answer
    ]
    return ItemLine(
        version.item.key, version.label,
        localised(version.dimension.names) if version.dimension else "", row.n,
        _score(row.score), _percent(row.favourable), _percent(row.neutral),
        _percent(row.unfavourable), options, None,
        None if scored else _percent(row.unfavourable),
    )  # fmt: skip


def _subunits(
    measurement: Measurement, children: list[Unit], index_keys: list[str], reasons: Reasons,
    k: int,
) -> list[SubUnit]:  # fmt: skip
    found: Figures = figures(measurement, children, [Kind.RESPONDENTS, Kind.INDEX])
    result = []
    for child in children:
        people = found.get(child.pk, Kind.RESPONDENTS)
        result.append(
            SubUnit(
                child,
                None if people is None else people.n,
                None if people is None else people.invited,
                [_shown_score(found.get(child.pk, Kind.INDEX, key)) for key in index_keys],
                None if people is not None else reasons.why(child.pk, Kind.RESPONDENTS, "", k),
            )
        )
    return result
