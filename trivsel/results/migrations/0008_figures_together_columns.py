"""After the packing (0007, its own transaction: PostgreSQL does not alter a table with
pending trigger events from the data it changed), the one-figure-per-row columns go."""

from django.db import migrations, models

COLUMNS = ("metric", "n", "score", "sd", "favourable", "neutral", "unfavourable", "invited",
           "options", "comparisons")  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("results", "0007_figures_together")]

    operations = [
        *[migrations.RemoveField(model_name="result", name=name) for name in COLUMNS],
        migrations.AddConstraint(
            model_name="result",
            constraint=models.UniqueConstraint(
                fields=("measurement", "unit", "scope", "group", "kind"), name="unique_result"
            ),
        ),
    ]
