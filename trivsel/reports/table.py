"""Every shown figure as one row of one table, for analysts (a sheet of the unit workbook,
the all-units workbook and CSV for HR): a plain header, one row per figure, numbers as
numbers rounded as the report rounds them, each comparison with its difference, whether
it is significant and the direction rule's verdict, and each answer option's share in a
column of its own. Only what `results.read` returns, that is figures that passed the
anonymity rules; a comment list is text, not a figure, and is not in the table."""

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from trivsel.engine.stats import shown
from trivsel.instruments.builder import pages_of
from trivsel.instruments.models import Dimension, Index, ItemVersion, localised
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
from trivsel.reports.direction import good_and_bad, judge
from trivsel.results.models import Kind, Scope
from trivsel.results.read import COMPARISONS, Figure, every_figure

KINDS = [Kind.RESPONDENTS, Kind.INDEX, Kind.DIMENSION, Kind.ITEM, Kind.ALPHA, Kind.DRIVER]
TWO_PLACES = {Kind.ALPHA, Kind.DRIVER}  # coefficients between -1 and 1


@dataclass(frozen=True)
class Metric:
    """How a figure is named and judged; `options`: an item's answer value -> the number of
    its share's column among the option columns."""

    name: str
    higher_is_better: bool = True
    options: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Layout:
    """What the rows need besides the figures: units' names and codes, metrics' names and
    directions, and the answer options' columns (every distinct label, in the
    questionnaire's order: items on the same scale share their columns)."""

    units: dict[int, tuple[str, str]]
    metrics: dict[tuple[str, str], Metric]
    option_labels: list[str]
    words: dict[str, str] = field(default_factory=dict)  # scopes' and kinds' (made once)
    verdicts: dict[tuple[str, bool], str] = field(default_factory=dict)  # filled as met

    def header(self) -> list[str]:
        comparisons = []
        for name in comparison_names():
            values = {"comparison": name}
            comparisons += [
                _("%(comparison)s: difference") % values,
                _("%(comparison)s: significant") % values,
                _("%(comparison)s: verdict") % values,
            ]
        return [
            _("Unit"), _("Unit code"), _("Scope"), _("Job group"), _("Kind"), _("Key"),
            _("Name"), _("Answers"), _("Invited"), _("Score"), _("Standard deviation"),
            _("Favourable (%)"), _("Neutral (%)"), _("Unfavourable (%)"), *comparisons,
            *(_("%(option)s (%%)") % {"option": label} for label in self.option_labels),
        ]  # fmt: skip

    def row(self, figure: Figure) -> list[object]:
        unit_name, unit_code = (
            self.units.get(figure.unit_id, ("", "")) if figure.unit_id is not None
            else (_("The whole organisation"), "")
        )  # fmt: skip
        metric = self.metrics.get((figure.kind, figure.metric)) or Metric(figure.metric)
        places = 2 if figure.kind in TWO_PLACES else 0
        comparisons: list[object] = []
        for name in COMPARISONS:
            versus = figure.versus.get(name)
            if versus is None:
                comparisons += [None, None, None]
                continue
            difference = _number(versus.difference)
            verdict = judge(difference or 0, metric.higher_is_better, versus.flagged)
            key = (verdict.way, verdict.significant)
            word = self.verdicts.get(key) or self.verdicts.setdefault(key, verdict.word)
            comparisons += [difference, versus.flagged, word]
        options: list[object] = [None] * len(self.option_labels)
        for value, column in metric.options:
            share = figure.options.get(value)
            if share is not None:
                options[column] = _number(100 * share)
        good, bad = good_and_bad(figure.favourable, figure.unfavourable, metric.higher_is_better)
        return [
            unit_name, unit_code, self.words.get(figure.scope, figure.scope), figure.group,
            self.words.get(figure.kind, figure.kind), figure.metric, metric.name, figure.n,
            figure.invited,
            _number(figure.score, places), _number(figure.sd, places),
            _percent(good), _percent(figure.neutral), _percent(bad), *comparisons, *options,
        ]  # fmt: skip


def comparison_names() -> list[str]:
    """The comparisons (COMPARISONS' order) as the report names them."""
    return [
        _("Since last time"),
        _("Compared with the unit above"),
        _("Compared with the whole organisation"),
        _("Compared with the reference value"),
    ]


def words() -> dict[str, str]:
    """The scopes and kinds in words."""
    return {
        Scope.OWN: _("The unit's own people"),
        Scope.SUBTREE: _("The unit with everything below it"),
        Scope.ALL: _("The whole organisation"),
        Kind.RESPONDENTS: _("Respondents"),
        Kind.INDEX: _("Index"),
        Kind.DIMENSION: _("Dimension"),
        Kind.ITEM: _("Question"),
        Kind.ALPHA: _("Reliability (Cronbach's alpha)"),
        Kind.DRIVER: _("Key driver (correlation)"),
    }


def _number(value: float | None, places: int = 0) -> float | None:
    """`shown(value, places)` (rounded half away from zero, as the report shows it) as a
    number, 0 not -0. To whole numbers without Decimal, which would take a third of the
    all-units file's time: `round` rounds the float's exact value to the nearest whole
    number, which is the nearest to its shortest decimal form too (`shown` rounds that)
    except at a tie, and a tie (x.5) is exact in binary: there `shown` rounds away from
    zero (a property test holds the two together)."""
    if value is None or value != value:
        return None
    if places:
        rounded = shown(value, places)
        return None if rounded is None else float(rounded) + 0.0
    whole = math.trunc(value)
    if abs(value - whole) == 0.5:
        return float(whole + (1 if value > 0 else -1))
    return float(round(value)) + 0.0


def _percent(share: float | None) -> float | None:
    return None if share is None else _number(100 * share)


def layout(measurement: Measurement, units: Iterable[Unit] | None = None) -> Layout:
    """The names of the given units (None: every unit) and of the questionnaire's metrics."""
    found = Unit.objects.all() if units is None else Unit.objects.filter(
        pk__in=[unit.pk for unit in units]
    )  # fmt: skip
    versions = [v for page in pages_of(measurement.questionnaire) for v in page]
    metrics: dict[tuple[str, str], Metric] = {(Kind.RESPONDENTS, ""): Metric(_("Respondents"))}
    for index in Index.objects.all():
        metrics[(Kind.INDEX, index.key)] = Metric(localised(index.names))
    for dimension in Dimension.objects.all():
        name, better = localised(dimension.names), dimension.higher_is_better
        metrics[(Kind.DIMENSION, dimension.key)] = Metric(name, better)
        metrics[(Kind.ALPHA, dimension.key)] = Metric(_("Reliability: %(name)s") % {"name": name})
        metrics[(Kind.DRIVER, dimension.key)] = Metric(_("Key driver: %(name)s") % {"name": name})
    labels: dict[str, int] = {}
    for version in versions:
        if version.kind != ItemVersion.Kind.SCALE or version.scale is None:
            continue
        better = version.dimension.higher_is_better if version.dimension else True
        key = version.item.key
        if version.scale.multiple:  # one figure per option: the share naming it
            for option in version.scale.options:
                label = localised(option.get("labels"))
                metrics[(Kind.ITEM, f"{key}:{option['value']}")] = Metric(
                    f"{version.label}: {label}", better
                )
            continue
        columns = []
        for option in version.scale.options:
            label = localised(option.get("labels"))
            columns.append((str(option["value"]), labels.setdefault(label, len(labels))))
        metrics[(Kind.ITEM, key)] = Metric(version.label, better, tuple(columns))
    return Layout(
        {unit.pk: (unit.name, unit.code) for unit in found.only("pk", "name", "code")},
        metrics,
        list(labels),
        words(),
    )


def figure_rows(measurement: Measurement, unit: Unit | None = None) -> Iterator[Sequence[object]]:
    """The header, then a row for every shown figure of the unit (every scope and job
    group) or, for None, of every unit and the whole organisation, unit by unit down the
    tree."""
    units = None if unit is None else [unit]
    table = layout(measurement, units)
    yield table.header()
    outcome = settings.RESULTS_DRIVER_OUTCOME  # its correlation with itself (1) says nothing
    for figure in every_figure(measurement, kinds=KINDS, units=units, in_order=True):
        if figure.kind == Kind.DRIVER and figure.metric == outcome:
            continue
        yield table.row(figure)
