"""Stored results become compact: one row per cell (unit, scope, group) and kind, with the
figures of every metric together in `figures`, instead of one row per figure. Existing
results are packed into the new rows; nothing is recomputed."""

from collections import defaultdict

from django.db import migrations, models

VALUES = ("n", "score", "sd", "favourable", "neutral", "unfavourable", "invited")


def pack(apps, schema_editor):  # type: ignore[no-untyped-def]
    Result = apps.get_model("results", "Result")
    cells: dict[tuple, dict[str, dict]] = defaultdict(dict)
    old = []
    for row in Result.objects.order_by("pk").iterator(chunk_size=10_000):
        figure = {name: getattr(row, name) for name in VALUES if getattr(row, name) is not None}
        if row.kind == "comments":
            figure["texts"] = list((row.options or {}).get("texts", []))
        elif row.options:
            figure["options"] = row.options
        if row.comparisons:
            figure["versus"] = row.comparisons
        key = (row.measurement_id, row.unit_id, row.scope, row.group, row.kind)
        cells[key][row.metric] = figure
        old.append(row.pk)
    for start in range(0, len(old), 5000):
        Result.objects.filter(pk__in=old[start : start + 5000]).delete()
    Result.objects.bulk_create(
        (
            Result(measurement_id=m, unit_id=u, scope=s, group=g, kind=k, metric="", n=0,
                   figures=figures)
            for (m, u, s, g, k), figures in cells.items()
        ),
        batch_size=2000,
    )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("results", "0006_figure_kinds")]

    operations = [
        migrations.RemoveConstraint(model_name="result", name="unique_result"),
        migrations.AddField(
            model_name="result", name="figures", field=models.JSONField(default=dict)
        ),
        migrations.RunPython(pack, migrations.RunPython.noop),
    ]
