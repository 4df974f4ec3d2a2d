"""A follow-up measurement against its baseline: per dimension and question of the unit
(with everything below it), the baseline's and the follow-up's score and the change with its
90 % confidence interval (Welch), in words a leader understands. Built from stored, shown
figures only: a figure is compared only where the results build compared it (the same
question in a comparable version, shown both times, the same unit or one HR mapped), so
nothing hidden is worked back. A question asked both times in versions that are not
comparable, or a figure shown only one of the times, "cannot be compared"."""

from dataclasses import dataclass
from decimal import Decimal

from trivsel.engine.intervals import LEVEL, Interval, pooled, welch_interval
from trivsel.engine.stats import shown
from trivsel.instruments.builder import pages_of
from trivsel.instruments.models import Dimension, ItemVersion, ScoringRule, localised
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
from trivsel.results.models import Kind, UnitMapping
from trivsel.results.read import Figure, figures


@dataclass(frozen=True)
class Change:
    key: str
    name: str
    before: Decimal | None
    after: Decimal | None
    interval: Interval | None
    verdict: str  # "better", "worse", "same" (no certain change) or "not comparable"
    question: bool = False  # a question, not a dimension

    def _shown(self, value: float) -> Decimal | None:
        rounded = shown(value, 1)
        return abs(rounded) if rounded is not None and rounded.is_zero() else rounded

    @property
    def difference(self) -> Decimal | None:
        return None if self.interval is None else self._shown(self.interval.difference)

    @property
    def low(self) -> Decimal | None:
        return None if self.interval is None else self._shown(self.interval.low)

    @property
    def high(self) -> Decimal | None:
        return None if self.interval is None else self._shown(self.interval.high)


def is_follow_up(measurement: Measurement) -> bool:
    return measurement.kind == Measurement.Kind.FOLLOW_UP and measurement.baseline_id is not None


def changes(measurement: Measurement, unit: Unit) -> tuple[Measurement | None, list[Change]]:
    """The follow-up's baseline and the unit's changes against it, dimensions first, then the
    questions asked both times (in the questionnaire's order). Nothing for other kinds."""
    if not is_follow_up(measurement):
        return None, []
    baseline = measurement.baseline
    assert baseline is not None
    now_versions = [v for page in pages_of(measurement.questionnaire) for v in page]
    then_versions = [v for page in pages_of(baseline.questionnaire) for v in page]
    then_by_key = {v.comparison_key(): v for v in then_versions if _scored(v)}
    then_items = {(v.item.same_as or v.item).key for v in then_versions if _scored(v)}
    codes = list(UnitMapping.objects.filter(unit=unit).values_list("previous_code", flat=True))
    then_units = list(
        Unit.objects.filter(code__in=codes or [unit.code]).values_list("pk", flat=True)
    )
    parts = len(set(codes or [unit.code]))
    now = figures(measurement, [unit], [Kind.DIMENSION, Kind.ITEM])
    then = figures(baseline, then_units, [Kind.DIMENSION, Kind.ITEM])

    def compare(kind: str, key: str, then_key: str | None, name: str, better_high: bool,
                question: bool) -> Change | None:  # fmt: skip
        after = now.get(unit.pk, kind, key)
        if after is None or after.score is None:
            return None  # not shown now: the report says why in its own place
        before_parts = [] if then_key is None else [
            f for pk in then_units if (f := then.get(pk, kind, then_key)) is not None
        ]  # fmt: skip
        before = _pool(before_parts) if len(before_parts) == parts else None
        interval = None
        if "previous" in after.versus and before is not None:
            interval = welch_interval(before, (after.score, after.sd or 0.0, after.n), LEVEL)
        verdict = "not comparable" if interval is None else interval.verdict
        if not better_high and verdict in ("better", "worse"):
            verdict = "worse" if verdict == "better" else "better"
        return Change(
            key, name, None if before is None else shown(before[0], 1),
            shown(after.score, 1),
            interval, verdict, question,
        )  # fmt: skip

    found: list[Change | None] = []
    order = list(dict.fromkeys(v.dimension.key for v in now_versions if v.dimension))
    dimensions = {
        d.key: d for d in Dimension.objects.filter(key__in=order).exclude(rule=ScoringRule.NONE)
    }
    for key in order:
        if key in dimensions:
            dimension = dimensions[key]
            asked_before = any(v.dimension_id == dimension.pk for v in then_versions)
            if asked_before:
                found.append(compare(Kind.DIMENSION, key, key, localised(dimension.names),
                                     dimension.higher_is_better, False))  # fmt: skip
    for version in now_versions:
        if not _scored(version) or (version.item.same_as or version.item).key not in then_items:
            continue  # a new question (such as the forward-looking ones): nothing to compare
        earlier = then_by_key.get(version.comparison_key())
        better_high = version.dimension.higher_is_better if version.dimension else True
        found.append(compare(Kind.ITEM, version.item.key, earlier.item.key if earlier else None,
                             version.label, better_high, True))  # fmt: skip
    return baseline, [change for change in found if change is not None]


def _scored(version: ItemVersion) -> bool:
    return (
        version.kind == ItemVersion.Kind.SCALE and version.scale is not None
        and not version.scale.multiple and not version.sensitive
        and any(o.get("score") is not None for o in version.scale.options)
    )  # fmt: skip


def _pool(parts: list[Figure]) -> tuple[float, float, int] | None:
    if not parts or any(part.score is None for part in parts):
        return None
    return pooled([(part.score or 0.0, part.sd or 0.0, part.n) for part in parts])
