"""The results build becomes a tracked job: `Built` (when the results were built) becomes
`Build` with a status, the step it is on and the error of a failed build. A measurement
built before counts as built and done."""

from django.db import migrations, models


def mark_done(apps, schema_editor):  # type: ignore[no-untyped-def]
    Build = apps.get_model("results", "Build")
    Build.objects.update(status="done", finished_at=models.F("built_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("measurements", "0004_sealing_turnout_answers_per_day"),
        ("results", "0004_built_for_earlier_results"),
    ]

    operations = [
        migrations.RenameModel("Built", "Build"),
        migrations.AlterField(
            model_name="build",
            name="measurement",
            field=models.OneToOneField(
                on_delete=models.deletion.CASCADE,
                related_name="results_build",
                to="measurements.measurement",
            ),
        ),
        migrations.AlterField(
            model_name="build", name="built_at", field=models.DateTimeField(null=True)
        ),
        migrations.AlterField(
            model_name="build", name="rows", field=models.PositiveIntegerField(default=0)
        ),
        migrations.AddField(
            model_name="build",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Waiting to start"),
                    ("running", "Being built"),
                    ("done", "Built"),
                    ("failed", "Failed"),
                ],
                default="queued",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="build",
            name="step",
            field=models.CharField(
                blank=True,
                choices=[
                    ("load", "Reading the answers"),
                    ("compute", "Computing the figures"),
                    ("compare", "Comparing with the previous measurement"),
                    ("comments", "Sorting the comments"),
                    ("store", "Storing the results"),
                ],
                max_length=10,
            ),
        ),
        migrations.AddField(model_name="build", name="error", field=models.TextField(blank=True)),
        migrations.AddField(
            model_name="build", name="queued_at", field=models.DateTimeField(null=True)
        ),
        migrations.AddField(
            model_name="build", name="started_at", field=models.DateTimeField(null=True)
        ),
        migrations.AddField(
            model_name="build", name="finished_at", field=models.DateTimeField(null=True)
        ),
        migrations.RunPython(mark_done, migrations.RunPython.noop),
    ]
