"""A unit's report, built only from the stored, suppressed results (trivsel.results): the
unit's subtree figures, its sub-units' headline figures and the questionnaire's wording. A
figure that has no stored row was hidden by the anonymity rules; the report says so instead
of leaving a hole. A fixed number of queries whatever the size of the organisation."""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

from trivsel.instruments.models import Dimension, Index, ItemVersion, localised
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
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


@dataclass(frozen=True)
class SubUnit:
    unit: Unit
    respondents: int | None  # None: hidden
    invited: int | None
    indices: list[Decimal | None]


@dataclass
class UnitReport:
    measurement: Measurement
    unit: Unit
    invited: int | None = None
    respondents: int | None = None  # None: fewer than k, or hidden by differencing
    indices: list[Figure] = field(default_factory=list)
    dimensions: list[Figure] = field(default_factory=list)
    items: list[ItemLine] = field(default_factory=list)
    offensive: list[ItemLine] = field(default_factory=list)
    offensive_asked: bool = False
    comments: list[str] | None = None  # every comment that may be shown (Excel)
    comments_asked: bool = False
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
    versions = [v for page in pages_of(measurement) for v in page]
    report.offensive_asked = any(v.sensitive for v in versions)
    report.comments_asked = any(v.kind == ItemVersion.Kind.FREE_TEXT for v in versions)
    by_kind: dict[str, dict[str, Result]] = {}
    for row in rows:
        by_kind.setdefault(row.kind, {})[row.metric] = row
    people = by_kind.get("respondents", {}).get("")
    if people is not None:
        report.respondents, report.invited = people.n, people.invited
    dimensions = {d.key: d for d in Dimension.objects.filter(key__in=by_kind.get("dimension", {}))}
    indices = {x.key: x for x in Index.objects.all()}
    dimension_order = [v.dimension.key for v in versions if v.dimension is not None]
    for key in sorted(by_kind.get("index", {})):
        report.indices.append(_figure(by_kind["index"][key], localised(indices[key].names), True))
    for key in sorted(by_kind.get("dimension", {}), key=_order(dimension_order)):
        dimension = dimensions[key]
        report.dimensions.append(
            _figure(
                by_kind["dimension"][key], localised(dimension.names), dimension.higher_is_better
            )
        )
    items = by_kind.get("item", {})
    for version in versions:
        found = items.get(version.item.key)
        if found is None or version.scale is None:
            continue
        line = _item_line(found, version)
        (report.offensive if version.sensitive else report.items).append(line)
    comments = by_kind.get("comments", {})
    if comments:
        report.comments = [text for row in comments.values()
                           for text in (row.options or {}).get("texts", [])]  # fmt: skip
    report.index_names = [figure.name for figure in report.indices]
    report.subunits = _subunits(measurement, unit, [f.key for f in report.indices])
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


def _score(value: float | None) -> Decimal | None:
    return None if value is None else shown(value)


def _percent(value: float | None) -> Decimal | None:
    return None if value is None else shown(100 * value)


def _item_line(row: Result, version: ItemVersion) -> ItemLine:
    assert version.scale is not None
    shares = row.options or {}
    options = [
        Share(localised(option.get("labels")), _percent(shares.get(str(option["value"]))))
        for option in version.scale.options
        if option.get("score") is not None
    ]
    return ItemLine(
        version.item.key, version.label,
        localised(version.dimension.names) if version.dimension else "", row.n,
        _score(row.score), _percent(row.favourable), _percent(row.neutral),
        _percent(row.unfavourable), options,
    )  # fmt: skip


def _subunits(measurement: Measurement, unit: Unit, index_keys: list[str]) -> list[SubUnit]:
    children = list(unit.children.order_by("code")) if hasattr(unit, "children") else []
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
            )
        )
    return result
