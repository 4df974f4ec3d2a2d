"""The one way to read stored results. Every report, the overview, the bulk PDFs, the audit
and every later app read here; nothing else filters the results tables. What comes back
is typed: a `Figure` per shown figure (with its comparisons as `Versus`), the figures
hidden to protect a smaller group, and the state of the measurement's build. A figure
that is not returned was not shown (fewer than k answered, or hidden: see `protected`).

Figures are the whole subtree of a unit (or the organisation) for everyone unless asked
otherwise: that is what every page shows."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Case, F, Q, When

from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
from trivsel.results.models import Build, Hidden, Kind, Result, Scope

COMPARISONS = ("previous", "parent", "organisation", "reference")
Key = tuple[int | None, str, str]  # unit id (None: the organisation), kind, metric


@dataclass(frozen=True)
class Versus:
    """A figure against something (see COMPARISONS): the unrounded difference, Welch's p
    where it could be computed, and whether the difference is flagged (significant and at
    least the settings' minimum)."""

    difference: float
    p: float | None
    flagged: bool


@dataclass(frozen=True)
class Figure:
    """One shown figure: whose (unit None: the whole organisation), what, and its values.
    `options`: an item's share of each answer value; `texts`: a comment list."""

    unit_id: int | None
    kind: Kind
    metric: str
    n: int
    score: float | None = None
    sd: float | None = None
    favourable: float | None = None
    neutral: float | None = None
    unfavourable: float | None = None
    invited: int | None = None
    options: dict[str, float] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    versus: dict[str, Versus] = field(default_factory=dict)
    scope: Scope = Scope.SUBTREE
    group: str = ""

    @property
    def key(self) -> Key:
        return (self.unit_id, self.kind, self.metric)


@dataclass(frozen=True)
class Figures:
    """Some shown figures of one measurement, found by (unit id, kind, metric)."""

    found: dict[Key, Figure]

    def get(self, unit_id: int | None, kind: str, metric: str = "") -> Figure | None:
        return self.found.get((unit_id, kind, metric))

    def metrics(self, kind: str) -> set[str]:
        return {metric for (_u, k, metric) in self.found if k == kind}

    def __iter__(self) -> Iterator[Figure]:
        return iter(self.found.values())

    def __len__(self) -> int:
        return len(self.found)


def _figures(row: Result) -> Iterator[Figure]:
    """The figures of a stored row (one cell and kind, every metric)."""
    kind, scope = Kind(row.kind), Scope(row.scope)
    for metric, values in row.figures.items():
        yield Figure(
            unit_id=row.unit_id, kind=kind, metric=metric, n=values["n"],
            score=values.get("score"), sd=values.get("sd"),
            favourable=values.get("favourable"), neutral=values.get("neutral"),
            unfavourable=values.get("unfavourable"), invited=values.get("invited"),
            options=values.get("options") or {}, texts=values.get("texts") or [],
            versus={
                name: Versus(float(difference), None if p is None else float(p), bool(flagged))
                for name, (difference, p, flagged) in (values.get("versus") or {}).items()
            },
            scope=scope, group=row.group,
        )  # fmt: skip


def _units(units: Iterable[Unit | int]) -> list[int]:
    return [unit.pk if isinstance(unit, Unit) else unit for unit in units]


def figures(
    measurement: Measurement,
    units: Iterable[Unit | int] | None = None,
    kinds: Iterable[str] | None = None,
    organisation: bool = False,
) -> Figures:
    """The shown figures of the given units' subtrees (None: every unit), for everyone,
    of the given kinds (None: all); `organisation`: the whole organisation's too."""
    rows = Result.objects.filter(measurement=measurement, group="")
    where = Q(scope=Scope.SUBTREE)
    if units is not None:
        where &= Q(unit_id__in=_units(units))
    if organisation:
        where |= Q(scope=Scope.ALL, unit__isnull=True)
    rows = rows.filter(where)
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    return Figures({figure.key: figure for row in rows for figure in _figures(row)})


def every_figure(
    measurement: Measurement,
    kinds: Iterable[str] | None = None,
    units: Iterable[Unit | int] | None = None,
    in_order: bool = False,
) -> Iterator[Figure]:
    """Every shown figure of a measurement: every scope and background group (the audit,
    the comparison with a later measurement, the exports), of the given units (None: every
    unit and the organisation); `in_order`: the organisation first, then unit by unit down
    the tree, each unit's scopes and groups together (the exports)."""
    rows = Result.objects.filter(measurement=measurement)
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    if units is not None:
        rows = rows.filter(unit_id__in=_units(units))
    if in_order:
        kind_order = Case(*(When(kind=kind, then=at) for at, kind in enumerate(Kind)))
        rows = rows.order_by(F("unit__path").asc(nulls_first=True), "scope", "group", kind_order)
    return (figure for row in rows.iterator(chunk_size=2000) for figure in _figures(row))


def history(
    unit: Unit, up_to: Measurement, kinds: Iterable[str]
) -> list[tuple[Measurement, Figures]]:
    """The unit's shown subtree figures in every closed or released measurement up to this
    one (by closing date), oldest first; only measurements where something is shown."""
    rows = Result.objects.filter(
        unit=unit, scope=Scope.SUBTREE, group="", kind__in=list(kinds),
        measurement__closes_at__lte=up_to.closes_at,
        measurement__state__in=[Measurement.State.CLOSED, Measurement.State.RELEASED],
    ).select_related("measurement")  # fmt: skip
    found: dict[int, tuple[Measurement, dict[Key, Figure]]] = {}
    for row in rows:
        figures = found.setdefault(row.measurement_id, (row.measurement, {}))[1]
        figures |= {figure.key: figure for figure in _figures(row)}
    ordered = sorted(found.values(), key=lambda pair: pair[0].closes_at)
    return [(measurement, Figures(figs)) for measurement, figs in ordered]


def units_shown(measurement: Measurement) -> set[int]:
    """The units whose number of respondents (with everything below) is shown: the units
    that have a report with figures."""
    return set(
        Result.objects.filter(
            measurement=measurement, kind=Kind.RESPONDENTS, scope=Scope.SUBTREE, group="",
            unit__isnull=False,
        ).values_list("unit_id", flat=True)
    )  # fmt: skip


def protected(
    measurement: Measurement, units: Iterable[Unit | int] | None = None
) -> dict[Key, Unit | None]:
    """The figures (for everyone) hidden to protect a smaller group although at least k
    answered, of the given units and the organisation, each with its partner: a shown unit
    that holds all but fewer than k of the same people, where there is one."""
    rows = Hidden.objects.filter(measurement=measurement, group="").select_related("partner")
    if units is not None:
        rows = rows.filter(Q(unit_id__in=_units(units)) | Q(unit__isnull=True))
    return {(row.unit_id, row.kind, row.metric): row.partner for row in rows}


def build_of(measurement: Measurement) -> Build | None:
    """The measurement's results build (None: never started)."""
    return Build.objects.filter(measurement=measurement).first()


def group_figures(measurement: Measurement, kinds: Iterable[str]) -> dict[str, Figures]:
    """The whole organisation's shown figures per background group (job group), by group
    name (the figures' unit is None). Job groups are published for the whole organisation
    only (docs/anonymity.md, "What is published")."""
    rows = Result.objects.filter(
        measurement=measurement, unit__isnull=True, scope=Scope.ALL, kind__in=list(kinds)
    ).exclude(group="")
    found: dict[str, dict[Key, Figure]] = {}
    for row in rows:
        found.setdefault(row.group, {}).update({figure.key: figure for figure in _figures(row)})
    return {group: Figures(found[group]) for group in sorted(found)}


class Score(NamedTuple):
    """A shown subtree figure for everyone, as a table of every unit needs it (the heatmap):
    n, score, invited (respondents) and the differences from the whole organisation and
    the previous measurement with whether they are flagged (see `Versus`). A lean `Figure`:
    a table of 3,000 units × 25 figures cannot afford a Figure with its Versus objects each."""

    n: int
    score: float | None
    invited: int | None
    organisation: float | None  # the difference from the whole organisation
    organisation_flagged: bool
    previous: float | None  # the difference from the previous measurement
    previous_flagged: bool


# The scores of the last few builds read, by (measurement, build, built at, kinds): stored
# figures never change between builds, and reading them means parsing ~13 MB of JSON for a
# municipality of 3,000 units (most of a second). A rebuild changes `built_at`, so a new
# build is read afresh; the figures are only ever the shown ones.
_SCORES: dict[tuple[object, ...], dict[Key, Score]] = {}
CACHED_BUILDS = 2


def subtree_scores(
    measurement: Measurement, build: Build | None, kinds: Iterable[str]
) -> dict[Key, Score]:
    """Every unit's shown subtree figures for everyone of the given kinds, and the whole
    organisation's (unit None), by (unit id, kind, metric); kept in memory per build."""
    kinds = sorted(kinds)
    key = (measurement.pk, build.pk, build.built_at, *kinds) if build and build.built else None
    if key is not None and key in _SCORES:
        return _SCORES[key]
    rows = Result.objects.filter(
        Q(scope=Scope.SUBTREE) | Q(scope=Scope.ALL, unit__isnull=True),
        measurement=measurement, group="", kind__in=kinds,
    ).values_list("unit_id", "kind", "figures")  # fmt: skip
    found: dict[Key, Score] = {}
    for unit_id, kind, stored in rows.iterator(chunk_size=2000):
        for metric, values in stored.items():
            versus = values.get("versus") or {}
            organisation = versus.get("organisation")
            previous = versus.get("previous")
            found[(unit_id, kind, metric)] = Score(
                values["n"], values.get("score"), values.get("invited"),
                None if organisation is None else organisation[0],
                bool(organisation and organisation[2]),
                None if previous is None else previous[0],
                bool(previous and previous[2]),
            )  # fmt: skip
    if key is not None:
        while len(_SCORES) >= CACHED_BUILDS:
            del _SCORES[next(iter(_SCORES))]
        _SCORES[key] = found
    return found


def forget_scores() -> None:
    """Empty the kept scores (benchmarks time a first read)."""
    _SCORES.clear()
