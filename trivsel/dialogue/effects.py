""" "Siden sidst": at the next measurement, each action the unit completed after the
previous one, with its focus area's change — the difference and its 90 % confidence interval
by Welch's t (rules.welch_interval), in words a leader understands — or "cannot be compared"
where the question set or the unit changed (no comparison with the previous measurement was
published for the figure, or the figures are of different units and no unit mapping joins
them)."""

from dataclasses import dataclass

from trivsel.dialogue.models import Action
from trivsel.dialogue.rules import Interval, welch_interval
from trivsel.dialogue.services import results_unit
from trivsel.instruments.builder import pages_of
from trivsel.instruments.models import Dimension, localised
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
from trivsel.results.build import previous_measurement
from trivsel.results.models import Kind, UnitMapping
from trivsel.results.read import figures

LEVEL = 0.90


@dataclass(frozen=True)
class Effect:
    action: Action
    focus: str  # the dimension's name
    before: float | None
    after: float | None
    interval: Interval | None  # None: cannot be compared
    verdict: str  # "better", "worse", "same", "not comparable" or "not asked" (this time)


def effects(
    measurement: Measurement, unit: Unit, every_status: bool = False
) -> tuple[Measurement | None, list[Effect]]:
    """The previous measurement (a follow-up's baseline) and the effects of the unit's
    actions completed after it; `every_status`: of every action agreed after it, whatever
    its status (a follow-up's "Siden sidst", months before the actions are done)."""
    previous = previous_measurement(measurement)
    if previous is None:
        return None, []
    actions = Action.objects.filter(unit=unit, dialogue__measurement=previous)
    if not every_status:
        actions = actions.filter(status=Action.Status.DONE)
    done = list(actions.select_related("dialogue__unit").order_by("due", "pk"))
    if not done:
        return previous, []
    now_unit = results_unit(measurement, unit)
    asked = {  # the focus areas this measurement asked about (a follow-up asks a few)
        v.dimension.key for page in pages_of(measurement.questionnaire) for v in page if v.dimension
    }
    names = {d.key: d for d in Dimension.objects.filter(key__in={a.metric for a in done})}
    found = []
    for action in done:
        then_unit = results_unit(previous, action.dialogue.unit)
        dimension = names.get(action.metric)
        name = localised(dimension.names) if dimension else action.metric
        after = before = None
        if now_unit is not None and then_unit is not None:
            after = figures(measurement, [now_unit], [Kind.DIMENSION]).get(
                now_unit.pk, Kind.DIMENSION, action.metric
            )
            before = figures(previous, [then_unit], [Kind.DIMENSION]).get(
                then_unit.pk, Kind.DIMENSION, action.metric
            )
        same_unit = (
            now_unit is not None and then_unit is not None
            and (now_unit.code == then_unit.code or UnitMapping.objects.filter(
                unit=now_unit, previous_code=then_unit.code).exists())
        )  # fmt: skip
        interval = None
        if (
            same_unit and after is not None and before is not None
            and "previous" in after.versus and after.score is not None
            and before.score is not None and after.sd is not None and before.sd is not None
        ):  # fmt: skip
            interval = welch_interval(
                (before.score, before.sd, before.n), (after.score, after.sd, after.n), LEVEL
            )
        verdict = "not asked" if action.metric not in asked else "not comparable"
        if interval is not None:
            verdict = interval.verdict
            if dimension is not None and not dimension.higher_is_better and verdict != "same":
                verdict = "worse" if verdict == "better" else "better"
        found.append(Effect(
            action, name, before.score if before else None, after.score if after else None,
            interval, verdict,
        ))  # fmt: skip
    return previous, found
