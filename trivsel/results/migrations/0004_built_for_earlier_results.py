"""Measurements whose results were built before `Built` existed count as built. Their
reports say "fewer than k" for every hidden figure until their results are built again
(any change to the unit mapping rebuilds them all); a fresh install has none."""

from django.db import migrations
from django.db.models import Count
from django.utils import timezone


def mark_built(apps, schema_editor):  # type: ignore[no-untyped-def]
    Result = apps.get_model("results", "Result")
    Built = apps.get_model("results", "Built")
    now = timezone.now()
    counts = Result.objects.values("measurement_id").annotate(rows=Count("pk"))
    built = [Built(measurement_id=row["measurement_id"], built_at=now, rows=row["rows"])
             for row in counts]  # fmt: skip
    Built.objects.bulk_create(built, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("results", "0003_hidden_and_built")]

    operations = [migrations.RunPython(mark_built, migrations.RunPython.noop)]
