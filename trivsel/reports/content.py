"""A unit's report, built only from the stored, suppressed results (trivsel.results): the
unit's subtree figures, its sub-units' headline figures and the questionnaire's wording. A
figure that has no stored row was hidden by the anonymity rules (or the results are not
built yet); the report says which, instead of leaving a hole. A fixed number of queries
whatever the size of the organisation."""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trivsel.engine.intervals import mean_interval
from trivsel.engine.stats import shown
from trivsel.instruments.builder import pages_of
from trivsel.instruments.models import Dimension, Index, ItemVersion, ScoringRule, localised
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
from trivsel.reports.baseline import Change, changes
from trivsel.reports.direction import Verdict, good_and_bad, good_first, judge
from trivsel.reports.hidden import Reasons, Why
from trivsel.results.build import previous_measurement
from trivsel.results.models import Build, Kind
from trivsel.results.read import COMPARISONS, Figures, figures, group_figures, history
from trivsel.results.read import Figure as Stored

STRONGEST = 3
COMPASS = "social_capital"  # the index whose parts are drawn as a compass
DRIVERS_SHOWN = 5
SIDE_BY_SIDE = 5  # units below per side-by-side table (so that the PDF's headers fit)
GROUPS_SIDE_BY_SIDE = 4  # job groups per table
COMMENTS_SHOWN = 50  # in the PDF; the page pages them (comments.py), the Excel has all


@dataclass(frozen=True)
class Comparison:
    difference: Decimal | None  # rounded half up from the unrounded difference
    flagged: bool
    verdict: Verdict | None = None  # better or worse by the direction rule


@dataclass(frozen=True)
class Figure:
    key: str
    name: str
    n: int
    score: Decimal | None
    higher_is_better: bool
    comparisons: dict[str, Comparison]
    why: Why | None = None  # why it is not shown (then no score)
    band: str = ""  # the published band the score falls in (e.g. "very low"), if any
    on_100: bool = True  # scored 0-100 (a mean); a sum (such as 0-16) is not charted

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
    # The dimension's direction. `favourable` and `unfavourable` are always the good and
    # the bad answers: for a dimension where lower is better they are the bottom and the
    # top quarter of the scale.
    higher_is_better: bool = True
    multiple: bool = False  # a multiple-choice question (e.g. from whom): a share per option
    reverse: bool = False  # worded the other way round: its score counts the answers reversed


@dataclass(frozen=True)
class SubUnit:
    unit: Unit
    respondents: int | None  # None: hidden
    invited: int | None
    indices: list[Decimal | None]
    why: Why | None = None  # why it is not shown
    dimensions: list[Decimal | None] = field(default_factory=list)
    exposed: list[Decimal | Why] = field(default_factory=list)  # per offensive kind

    @property
    def rate(self) -> Decimal | None:
        if not self.invited or self.respondents is None:
            return None
        return shown(100 * self.respondents / self.invited)


# Short names for the bundled APV questions' kinds of offensive behaviour (column headings);
# other exposure questions are named by their text.
OFFENSIVE_NAMES = {
    "apv.bullying": gettext_lazy("Bullying"),
    "apv.sexual_harassment": gettext_lazy("Sexual harassment"),
    "apv.threats": gettext_lazy("Threats of violence"),
    "apv.violence": gettext_lazy("Physical violence"),
}


@dataclass(frozen=True)
class Offensive:
    """One kind of offensive behaviour: the share exposed and from whom."""

    exposure: ItemLine
    sources: ItemLine | None

    @property
    def name(self) -> str:
        return str(OFFENSIVE_NAMES.get(self.exposure.key, self.exposure.text))

    @property
    def sources_why(self) -> str:
        """Why "from whom" is not shown: it is asked only of those exposed."""
        why = self.sources.why if self.sources else None
        if why is None:
            return ""
        if why.too_few:
            return _("Not shown: fewer than %(k)s of those exposed answered") % {"k": why.k}
        return why.text


@dataclass(frozen=True)
class Driver:
    """How strongly a dimension goes with the outcome (job satisfaction): Pearson's r over
    the people who answered both, and the unit's score on the dimension."""

    key: str
    name: str
    r: Decimal
    n: int
    score: Decimal | None
    higher_is_better: bool

    @property
    def strength(self) -> str:
        size = abs(self.r)
        if size >= Decimal("0.5"):
            return "strong"
        if size >= Decimal("0.3"):
            return "moderate"
        return "weak"


@dataclass(frozen=True)
class GroupTable:
    groups: list["GroupRow"]
    rows: list[tuple[str, list[Decimal | None], bool]]  # per index and dimension: higher better?


@dataclass(frozen=True)
class SideRow:
    name: str
    values: list[Decimal | None]  # this unit's, then each unit's below
    higher_is_better: bool = True


@dataclass(frozen=True)
class SideBySide:
    units: list[SubUnit]
    rows: list[SideRow]


@dataclass(frozen=True)
class GroupRow:
    """A job group's shown figures in the unit (with everything below)."""

    name: str
    respondents: int
    scores: list[Decimal | None]  # in the order of the report's indices, then dimensions


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
    # per trend line and measurement: the 90 % interval of the mean, (low, high) or None
    trend_intervals: list[list[tuple[float, float] | None]] = field(default_factory=list)
    previous: Measurement | None = None  # what "since last time" compares with
    baseline: Measurement | None = None  # a follow-up's, with the changes against it
    changes: list[Change] = field(default_factory=list)
    build: Build | None = None  # the measurement's results build (None: not started)
    drivers: list[Driver] = field(default_factory=list)
    drivers_outcome: str = ""  # the outcome dimension's name
    drivers_of_organisation: bool = False  # too few here: the whole organisation's
    reliability: list[tuple[str, Decimal, int]] = field(default_factory=list)  # name, alpha, n
    groups: list[GroupRow] = field(default_factory=list)
    reference_sources: list[str] = field(default_factory=list)
    compass: list[Figure] = field(default_factory=list)  # the compass index's parts
    compass_name: str = ""
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

    def _ranked(self) -> list[ItemLine]:
        """The shown questions, best first by the direction rule: the share of favourable
        answers less the unfavourable (both oriented: for burnout the low answers are the
        favourable ones, so scales and directions compare), ties by the oriented score."""
        scored = [line for line in self.items if line.score is not None]
        return sorted(
            scored,
            key=lambda line: (-((line.favourable or 0) - (line.unfavourable or 0)),
                              good_first(line.score or 0, line.higher_is_better), line.key),
        )  # fmt: skip

    @property
    def strongest(self) -> list[ItemLine]:
        return self._ranked()[:STRONGEST]

    @property
    def weakest(self) -> list[ItemLine]:
        strongest = self.strongest
        return [line for line in reversed(self._ranked()) if line not in strongest][:STRONGEST]

    @property
    def offensive_kinds(self) -> list[Offensive]:
        """The offensive-behaviour questions as kinds: each exposure question with the
        "from whom" question that follows it."""
        kinds: list[Offensive] = []
        for line in self.offensive:
            if line.multiple and kinds and kinds[-1].sources is None:
                kinds[-1] = Offensive(kinds[-1].exposure, line)
            else:
                kinds.append(Offensive(line, None))
        return kinds

    @property
    def group_tables(self) -> list[GroupTable]:
        """The job groups side by side: a row per index and dimension, a column per group,
        at most GROUPS_SIDE_BY_SIDE groups to a table (so that no name has to break)."""
        figures = [*self.indices, *self.dimensions]
        return [
            GroupTable(chunk, [(f.name, [g.scores[at] for g in chunk], f.higher_is_better)
                               for at, f in enumerate(figures)])
            for chunk in (self.groups[start : start + GROUPS_SIDE_BY_SIDE]
                          for start in range(0, len(self.groups), GROUPS_SIDE_BY_SIDE))
        ]  # fmt: skip

    @property
    def group_indices(self) -> list[tuple["GroupRow", list[Decimal | None]]]:
        """Each job group with its index scores only: the management PDF's compact table
        (the page has every dimension)."""
        return [(group, group.scores[: len(self.indices)]) for group in self.groups]

    @property
    def side_by_side(self) -> list[SideBySide]:
        """The shown units below next to this unit, a row per index and dimension, at most
        SIDE_BY_SIDE units to a table (the organisation report for top management)."""
        shown_units = [sub for sub in self.subunits if sub.respondents is not None]
        if len(shown_units) < 2:
            return []
        figures = [*self.indices, *self.dimensions]
        tables = []
        for start in range(0, len(shown_units), SIDE_BY_SIDE):
            chunk = shown_units[start : start + SIDE_BY_SIDE]
            rows = [
                SideRow(figure.name, [figure.score, *(
                    (sub.indices + sub.dimensions)[at] for sub in chunk)], figure.higher_is_better)
                for at, figure in enumerate(figures)
            ]  # fmt: skip
            tables.append(SideBySide(chunk, rows))
        return tables

    @property
    def significant(self) -> list[Figure]:
        """The indices and dimensions with at least one flagged comparison."""
        return [
            figure
            for figure in [*self.indices, *self.dimensions]
            if figure.why is None and any(c.flagged for c in figure.comparisons.values())
        ]


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
    if measurement.kind == Measurement.Kind.PULSE:
        for key in partial_dimensions(measurement, versions):
            dimensions.pop(key, None)  # its questions are reported one by one
    indices = {x.key: x for x in Index.objects.all()}
    asked_indices = [x for x in indices.values() if any(p in dimensions for p in x.parts)]
    if measurement.kind != Measurement.Kind.MAIN:  # a few themes do not make the whole index
        asked_indices = [x for x in asked_indices if all(p in dimensions for p in x.parts)]
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
            replace(_figure(stored, name, dimension.higher_is_better, dimension.bands),
                    on_100=dimension.rule == ScoringRule.MEAN)
            if stored else _hidden(key, name, why(Kind.DIMENSION, key))
        )  # fmt: skip
    compass = indices.get(COMPASS)
    shown_dimensions = {f.key: f for f in report.dimensions}
    if compass is not None and all(part in shown_dimensions for part in compass.parts):
        report.compass = [shown_dimensions[part] for part in compass.parts]
        report.compass_name = localised(compass.names)
    items = by_kind[Kind.ITEM]
    for version in versions:
        if version.scale is None or version.kind != ItemVersion.Kind.SCALE:
            continue
        k = report.min_group_sensitive if version.sensitive else report.min_group
        if version.scale.multiple:
            if not version.sensitive:
                continue  # multiple choice is counted only for offensive behaviour
            line = _sources_line(version, items, k, why)
            line = None if line is None else replace(line, multiple=True)
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
    report.subunits = _subunits(measurement, children, report, reasons)
    report.trend_measurements, report.trend, report.trend_intervals = _trend(
        unit, measurement, report
    )
    report.baseline, report.changes = changes(measurement, unit)
    report.previous = previous_measurement(measurement)
    references = [x.references for x in asked_indices] + [d.references for d in dimensions.values()]
    report.reference_sources = sorted(
        {str(refs[0].get("source", "")) for refs in references if refs and refs[0].get("source")}
    )
    _drivers(report, measurement, by_kind[Kind.DRIVER], dimensions)
    report.groups = _groups(report, measurement)
    return report


def partial_dimensions(measurement: Measurement, versions: list[ItemVersion]) -> set[str]:
    """The dimensions a pulse asks only some of the questions of (as the measurement it is
    compared with asked them): its score would be a different scale from the dimension's,
    so it is not reported as the dimension; its questions are."""
    previous = previous_measurement(measurement)
    asked: dict[str, set[str]] = {}
    for version in versions:
        if version.dimension is not None:
            asked.setdefault(version.dimension.key, set()).add(version.item.key)
    if previous is None:
        return set()
    whole: dict[str, set[str]] = {}
    for version in (v for page in pages_of(previous.questionnaire) for v in page):
        if version.dimension is not None:
            whole.setdefault(version.dimension.key, set()).add(version.item.key)
    return {key for key, items in asked.items() if not whole.get(key, set()) <= items}


def _drivers(
    report: UnitReport, measurement: Measurement, here: dict[str, Stored],
    dimensions: dict[str, Dimension],
) -> None:  # fmt: skip
    """What goes with job satisfaction here (the unit's subtree where at least 30 answered
    both, otherwise the whole organisation's), strongest first; and the dimensions'
    reliability (Cronbach's alpha, the whole organisation)."""
    outcome = settings.RESULTS_DRIVER_OUTCOME
    whole = figures(measurement, [], [Kind.DRIVER, Kind.ALPHA], organisation=True)
    found = here
    if not found:
        found = {f.metric: f for f in whole if f.kind == Kind.DRIVER}
        report.drivers_of_organisation = bool(found)
    scores = {f.key: f.score for f in report.dimensions}
    drivers = [
        Driver(key, localised(dimensions[key].names), shown(row.score, 2) or Decimal(0), row.n,
               scores.get(key), dimensions[key].higher_is_better)
        for key, row in found.items()
        if key != outcome and key in dimensions and row.score is not None
    ]  # fmt: skip
    drivers.sort(key=lambda d: (-abs(d.r), d.key))
    report.drivers = drivers[:DRIVERS_SHOWN]
    if outcome in dimensions:
        report.drivers_outcome = localised(dimensions[outcome].names)
    report.reliability = [
        (localised(dimensions[f.metric].names), shown(f.score, 2) or Decimal(0), f.n)
        for f in sorted(whole, key=lambda f: f.metric)
        if f.kind == Kind.ALPHA and f.metric in dimensions and f.score is not None
    ]


def _groups(report: UnitReport, measurement: Measurement) -> list[GroupRow]:
    """The job groups that may be shown, with their indices and dimensions: published for
    the whole organisation only, so in the report of the top unit."""
    found = group_figures(measurement, [Kind.RESPONDENTS, Kind.INDEX, Kind.DIMENSION])
    if not report.shown or report.unit.parent_id is not None:
        return []  # read all the same: the same number of queries for every unit
    rows = []
    for group, figs in found.items():
        people = figs.get(None, Kind.RESPONDENTS)
        if people is None:
            continue
        rows.append(GroupRow(group, people.n, [
            _shown_score(figs.get(None, kind, f.key))
            for kind, fs in ((Kind.INDEX, report.indices), (Kind.DIMENSION, report.dimensions))
            for f in fs
        ]))  # fmt: skip
    return rows


def _trend(
    unit: Unit, measurement: Measurement, report: UnitReport
) -> tuple[
    list[Measurement], list[tuple[str, list[Decimal | None]]],
    list[list[tuple[float, float] | None]],
]:  # fmt: skip
    """The unit's indices and dimensions (and, in a follow-up or pulse, the questions asked
    at least twice) in every measurement with results up to this one, main, follow-up and
    pulse alike (the same unit; stored, suppressed figures only), oldest first; each value
    with the 90 % interval of its mean."""
    kinds = [Kind.INDEX, Kind.DIMENSION]
    if measurement.kind != Measurement.Kind.MAIN:
        kinds.append(Kind.ITEM)
    over_time = history(unit, measurement, kinds)
    if len(over_time) < 2:
        return [], [], []

    def line(kind: str, key: str) -> tuple[list[Decimal | None], list[tuple[float, float] | None]]:
        found = [found.get(unit.pk, kind, key) for _m, found in over_time]
        values = [_shown_score(figure) for figure in found]
        spans = [
            None if f is None or f.score is None
            else mean_interval(f.score, f.sd or 0.0, f.n)
            for f in found
        ]  # fmt: skip
        return values, spans

    lines = [(f.name, *line(Kind.INDEX, f.key)) for f in report.indices]
    lines += [(f.name, *line(Kind.DIMENSION, f.key)) for f in report.dimensions]
    kept = [row for row in lines if any(value is not None for value in row[1])]
    if measurement.kind != Measurement.Kind.MAIN:  # a short questionnaire: its questions too,
        questions = [(i.text, *line(Kind.ITEM, i.key)) for i in report.items if i.score is not None]
        kept += [row for row in questions if sum(v is not None for v in row[1]) >= 2]
    return (
        [m for m, _found in over_time],
        [(name, values) for name, values, _spans in kept],
        [spans for _name, _values, spans in kept],
    )


def _order(keys: list[str]) -> Callable[[str], tuple[int, str]]:
    """Sort keys by where they first appear in `keys` (the questionnaire's order)."""
    position = {key: at for at, key in reversed(list(enumerate(keys)))}
    return lambda key: (position.get(key, len(position)), key)


def _figure(
    stored: Stored, name: str, higher_is_better: bool, bands: list[dict[str, Any]] | None = None
) -> Figure:
    comparisons = {}
    for kind, versus in stored.versus.items():
        rounded = shown(versus.difference)
        if rounded is not None and rounded.is_zero():
            rounded = abs(rounded)  # not "-0"
        verdict = None if rounded is None else judge(rounded, higher_is_better, versus.flagged)
        comparisons[kind] = Comparison(rounded, versus.flagged, verdict)
    score = _score(stored.score)
    return Figure(stored.metric, name, stored.n, score, higher_is_better, comparisons,
                  band=_band(stored.score, bands or []))  # fmt: skip


def _band(score: float | None, bands: list[dict[str, Any]]) -> str:
    """The published band a score falls in ([from, to), the last one closed)."""
    if score is None:
        return ""
    for number, band in enumerate(bands):
        last = number == len(bands) - 1
        if band["from"] <= score < band["to"] or (last and score == band["to"]):
            return localised(band.get("labels"))
    return ""


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
    higher_is_better = version.dimension.higher_is_better if version.dimension else True
    good, bad = good_and_bad(row.favourable, row.unfavourable, higher_is_better or not scored)
    return ItemLine(
        version.item.key, version.label,
        localised(version.dimension.names) if version.dimension else "", row.n,
        _score(row.score), _percent(good), _percent(row.neutral), _percent(bad), options, None,
        None if scored else _percent(row.unfavourable), higher_is_better,
        reverse=version.reverse,
    )  # fmt: skip


def _subunits(
    measurement: Measurement, children: list[Unit], report: UnitReport, reasons: Reasons
) -> list[SubUnit]:
    """The units right below, each with everything below it: answered, the indices and
    dimensions (the departments side by side) and the share exposed to each kind of
    offensive behaviour where the sensitive threshold lets it be shown."""
    found: Figures = figures(
        measurement, children, [Kind.RESPONDENTS, Kind.INDEX, Kind.DIMENSION, Kind.ITEM]
    )
    exposures = [kind.exposure.key for kind in report.offensive_kinds]
    result = []
    for child in children:
        people = found.get(child.pk, Kind.RESPONDENTS)
        result.append(
            SubUnit(
                child,
                None if people is None else people.n,
                None if people is None else people.invited,
                [_shown_score(found.get(child.pk, Kind.INDEX, f.key)) for f in report.indices],
                None if people is not None
                else reasons.why(child.pk, Kind.RESPONDENTS, "", report.min_group),
                [_shown_score(found.get(child.pk, Kind.DIMENSION, f.key))
                 for f in report.dimensions],
                [_exposed(found.get(child.pk, Kind.ITEM, key), reasons.why(
                    child.pk, Kind.ITEM, key, report.min_group_sensitive))
                 for key in exposures],
            )
        )  # fmt: skip
    return result


def _exposed(row: Stored | None, why: Why) -> Decimal | Why:
    """The share exposed (any answer above "never": the unfavourable share), or why it is
    not shown."""
    if row is None:
        return why
    value = _percent(row.unfavourable)
    return Decimal(0) if value is None else value
