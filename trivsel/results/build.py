"""Building a measurement's stored results: load a compact response matrix, run the pure
engine and suppression (the same `score` that `score_file` uses), replace the measurement's
Result rows in one transaction. Idempotent: building twice gives the same rows."""

import numpy as np
from django.conf import settings
from django.db import transaction

from trivsel.instruments.models import Dimension, ItemVersion
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
from trivsel.results.models import Result
from trivsel.results.scorefile import Responses, Spec, score, scored_item
from trivsel.survey.answering import pages_of
from trivsel.survey.models import Answer, Response


def measurement_spec(measurement: Measurement) -> tuple[Spec, list[int]]:
    """The scored questions of the measurement's questionnaire, and their version ids."""
    versions = [v for page in pages_of(measurement) for v in page]
    candidates = [v for v in versions if v.kind == ItemVersion.Kind.SCALE and v.scale]
    dimension_ids = sorted({v.dimension_id for v in candidates if v.dimension_id is not None})
    dimensions = {d.pk: d for d in Dimension.objects.filter(pk__in=dimension_ids)}
    used = [pk for pk in dimension_ids if dimensions[pk].rule != "none"]
    spec = Spec(dimensions=[(dimensions[pk].key, dimensions[pk].rule) for pk in used])
    version_ids = []
    for version in candidates:
        assert version.scale is not None
        item = scored_item(
            version.item.key, version.scale.options, version.scale.multiple, version.reverse,
            used.index(version.dimension_id) if version.dimension_id in used else -1,
            version.sensitive,
        )  # fmt: skip
        if item is not None:
            spec.items.append(item)
            version_ids.append(version.pk)
    return spec, version_ids


def build_results(measurement: Measurement) -> int:
    """Rebuild the stored results of a closed measurement; returns the number of rows."""
    spec, version_ids = measurement_spec(measurement)
    column = {pk: at for at, pk in enumerate(version_ids)}
    responses = list(
        Response.objects.filter(measurement=measurement, submitted_on__isnull=False)
        .order_by("pk")
        .values_list("pk", "unit__code", "job_group")
    )
    row = {pk: at for at, (pk, _code, _group) in enumerate(responses)}
    answers = np.full((len(responses), len(version_ids)), np.nan)
    for response_id, version_id, value in Answer.objects.filter(
        response__in=row, item_version_id__in=column, value__isnull=False, not_relevant=False
    ).values_list("response_id", "item_version_id", "value"):
        answers[row[response_id], column[version_id]] = value
    units = {
        code: (parent or "", name)
        for code, parent, name in Unit.objects.values_list("code", "parent__code", "name")
    }
    rows = []
    if responses:
        data = Responses(
            answers, [code for _pk, code, _g in responses], [g for *_x, g in responses]
        )
        rows = score(
            spec, data, units, settings.RESULTS_MIN_GROUP, settings.RESULTS_MIN_GROUP_SENSITIVE
        )
    unit_ids = dict(Unit.objects.values_list("code", "pk"))
    with transaction.atomic():
        Result.objects.filter(measurement=measurement).delete()
        Result.objects.bulk_create(
            [
                Result(
                    measurement=measurement,
                    unit_id=unit_ids.get(str(r["unit"])),
                    scope=str(r["scope"]),
                    group=str(r["group"]),
                    kind=str(r["kind"]),
                    metric=str(r["metric"]),
                    n=int(str(r["n"])),
                    **{
                        f: _number(r.get(f))
                        for f in ("score", "sd", "favourable", "neutral", "unfavourable")
                    },
                )
                for r in rows
            ],
            batch_size=2000,
        )
    return len(rows)


def _number(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if np.isnan(number) else number
