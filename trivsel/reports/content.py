"""A unit's report, built only from the stored, suppressed results (trivsel.results): the
unit's subtree figures, its sub-units' headline figures and the questionnaire's wording. A
figure that has no stored row was hidden by the anonymity rules (or the results are not
built yet); the report says which, instead of leaving a hole. A fixed number of queries
whatever the size of the organisation."""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q

from trivsel.instruments.models import Dimension, Index, ItemVersion, localised
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
from trivsel.reports.hidden import Reasons, Why
from trivsel.results.models import Result
from trivsel.results.stats import shown
from trivsel.survey.answering import pages_of

COMPARISONS = ("previous", "parent", "organisation", "reference")
STRONGEST = 3
COMMENTS_SHOWN = 100  # on the page and in the PDF; the Excel file has them all


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
    min_group: int = settings.RESULTS_MIN_GROUP
    min_group_sensitive: int = settings.RESULTS_MIN_GROUP_SENSITIVE
    min_group_comments: int = settings.RESULTS_MIN_GROUP_COMMENTS

    @property
    def comments_shown(self) -> list[str]:
        """The first comments of the (sorted by text) list, for the page and the PDF."""
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
    rows = list(
        Result.objects.filter(measurement=measurement, unit=unit, scope="subtree", group="")
    )
    children = list(unit.children.order_by("code"))
    reasons = Reasons.load(measurement, Q(unit__in=[unit, *children]))
    versions = [v for page in pages_of(measurement) for v in page]
    report.offensive_asked = any(v.sensitive for v in versions)
    report.comments_asked = any(v.kind == ItemVersion.Kind.FREE_TEXT for v in versions)
    by_kind: dict[str, dict[str, Result]] = {}
    for row in rows:
        by_kind.setdefault(row.kind, {})[row.metric] = row

    def why(kind: str, metric: str, k: int = report.min_group) -> Why:
        return reasons.why(unit.pk, kind, metric, k)

    people = by_kind.get("respondents", {}).get("")
    if people is not None:
        report.respondents, report.invited = people.n, people.invited
    else:
        report.why = why("respondents", "")
    dimension_order = [v.dimension.key for v in versions if v.dimension is not None]
    dimensions = {
        d.key: d for d in Dimension.objects.filter(key__in=dimension_order).exclude(rule="none")
    }
    indices = {x.key: x for x in Index.objects.all()}
    asked_indices = [x for x in indices.values() if any(p in dimensions for p in x.parts)]
    found_indices = by_kind.get("index", {})
    for index in sorted(asked_indices, key=lambda x: x.key):
        name = localised(index.names)
        found = found_indices.get(index.key)
        if found is None:
            report.indices.append(_hidden(index.key, name, why("index", index.key)))
        else:
            report.indices.append(_figure(found, name, True))
    found_dimensions = by_kind.get("dimension", {})
    for key in sorted(dimensions, key=_order(dimension_order)):
        dimension = dimensions[key]
        name = localised(dimension.names)
        found = found_dimensions.get(key)
        report.dimensions.append(
            _figure(found, name, dimension.higher_is_better)
            if found else _hidden(key, name, why("dimension", key))
        )  # fmt: skip
    items = by_kind.get("item", {})
    for version in versions:
        if version.scale is None or version.kind != ItemVersion.Kind.SCALE:
            continue
        k = report.min_group_sensitive if version.sensitive else report.min_group
        if version.scale.multiple:
            if not version.sensitive:
                continue  # multiple choice is counted only for offensive behaviour
            line = _sources_line(version, items, k, why)
        elif any(o.get("score") is not None for o in version.scale.options) or version.sensitive:
            found = items.get(version.item.key)
            line = (
                _item_line(found, version) if found
                else _hidden_line(version, why("item", version.item.key, k))
            )  # fmt: skip
        else:
            continue
        if line is not None:
            (report.offensive if version.sensitive else report.items).append(line)
    comments = by_kind.get("comments", {})
    if comments:
        report.comments = [text for row in comments.values()
                           for text in (row.options or {}).get("texts", [])]  # fmt: skip
    elif report.comments_asked:
        keys = [v.item.key for v in versions if v.kind == ItemVersion.Kind.FREE_TEXT]
        report.comments_why = why("comments", keys[0], report.min_group_comments)
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
    rows = list(
        Result.objects.filter(
            unit=unit, scope="subtree", group="", kind__in=["index", "dimension"],
            measurement__closes_at__lte=measurement.closes_at,
            measurement__state__in=[Measurement.State.CLOSED, Measurement.State.RELEASED],
        ).select_related("measurement")
    )  # fmt: skip
    measurements = sorted({row.measurement for row in rows}, key=lambda m: m.closes_at)
    if len(measurements) < 2:
        return [], []
    at = {m.pk: number for number, m in enumerate(measurements)}
    scores: dict[tuple[str, str], list[Decimal | None]] = {}
    for row in rows:
        line = scores.setdefault((row.kind, row.metric), [None] * len(measurements))
        line[at[row.measurement_id]] = _score(row.score)
    lines = [(f.name, scores.get(("index", f.key), [])) for f in report.indices]
    lines += [(f.name, scores.get(("dimension", f.key), [])) for f in report.dimensions]
    return measurements, [(name, values) for name, values in lines if values]


def _order(keys: list[str]) -> Callable[[str], tuple[int, str]]:
    """Sort keys by where they first appear in `keys` (the questionnaire's order)."""
    position = {key: at for at, key in reversed(list(enumerate(keys)))}
    return lambda key: (position.get(key, len(position)), key)


def _figure(row: Result, name: str, higher_is_better: bool) -> Figure:
    comparisons = {}
    for kind, values in (row.comparisons or {}).items():
        difference, _p, flagged = values
        rounded = shown(difference)
        if rounded is not None and rounded.is_zero():
            rounded = abs(rounded)  # not "-0"
        comparisons[kind] = Comparison(rounded, bool(flagged))
    return Figure(row.metric, name, row.n, _score(row.score), higher_is_better, comparisons)


def _hidden(key: str, name: str, why: Why) -> Figure:
    return Figure(key, name, 0, None, True, {}, why)


def _hidden_line(version: ItemVersion, why: Why) -> ItemLine:
    dimension = localised(version.dimension.names) if version.dimension else ""
    return ItemLine(version.item.key, version.label, dimension, 0, None, None, None, None, [], why)


def _sources_line(
    version: ItemVersion, items: dict[str, Result], k: int, why: Callable[[str, str, int], Why]
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
        return _hidden_line(version, why("item", keys[0], k))
    shares = [
        Share(localised(option.get("labels")), None if row is None else _score(row.score))
        for option, row in zip(options, found, strict=True)
    ]
    dimension = localised(version.dimension.names) if version.dimension else ""
    return ItemLine(version.item.key, version.label, dimension, first.n, None, None, None, None,
                    shares)  # fmt: skip


def _score(value: float | None) -> Decimal | None:
    return None if value is None else shown(value)


def _percent(value: float | None) -> Decimal | None:
    if value is None:
        return None
    rounded = shown(100 * value)
    return abs(rounded) if rounded is not None and rounded.is_zero() else rounded  # not "-0"


def _item_line(row: Result, version: ItemVersion) -> ItemLine:
    assert version.scale is not None
    shares = row.options or {}
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
    rows = Result.objects.filter(
        measurement=measurement, unit__in=children, scope="subtree", group="",
        kind__in=["respondents", "index"],
    )  # fmt: skip
    found: dict[tuple[int, str, str], Result] = {
        (row.unit_id or 0, row.kind, row.metric): row for row in rows
    }
    result = []
    for child in children:
        people = found.get((child.pk, "respondents", ""))
        result.append(
            SubUnit(
                child,
                None if people is None else people.n,
                None if people is None else people.invited,
                [
                    _score(found[(child.pk, "index", key)].score)
                    if (child.pk, "index", key) in found
                    else None
                    for key in index_keys
                ],
                None if people is not None else reasons.why(child.pk, "respondents", "", k),
            )
        )
    return result
