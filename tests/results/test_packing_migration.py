"""Upgrading: results stored one row per figure (before migration 0007) are packed into one
row per cell and kind, and read back the same through the read API."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
from trivsel.results.read import Versus, every_figure

BEFORE = [("results", "0006_figure_kinds")]


@pytest.mark.django_db(transaction=True)
def test_figures_stored_one_per_row_are_packed_and_read_the_same(
    measurement: Measurement, org: dict[str, Unit]
) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("results", "Result")
    so = org["SO"].pk
    common = {"measurement_id": measurement.pk, "group": ""}
    old.objects.bulk_create([
        old(**common, unit_id=so, scope="subtree", kind="respondents", metric="", n=8, invited=9),
        old(**common, unit_id=so, scope="subtree", kind="dimension", metric="sc_short", n=8,
            score=41.5, sd=12.25, comparisons={"organisation": [1.5, 0.4, False]}),
        old(**common, unit_id=so, scope="subtree", kind="item", metric="sc.short.1", n=8,
            score=50.0, sd=10.0, favourable=0.25, neutral=0.5, unfavourable=0.25,
            options={"1": 0.25, "2": 0.75}),
        old(**common, unit_id=None, scope="all", kind="comments", metric="comment", n=2,
            options={"texts": ["a", "b"]}),
    ])  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    figures = {(f.unit_id, str(f.kind), f.metric): f for f in every_figure(measurement)}
    assert len(figures) == 4
    people = figures[(so, "respondents", "")]
    assert (people.n, people.invited, people.score) == (8, 9, None)
    dimension = figures[(so, "dimension", "sc_short")]
    assert (dimension.score, dimension.sd) == (41.5, 12.25)
    assert dimension.versus == {"organisation": Versus(1.5, 0.4, False)}
    item = figures[(so, "item", "sc.short.1")]
    assert (item.favourable, item.neutral, item.unfavourable) == (0.25, 0.5, 0.25)
    assert item.options == {"1": 0.25, "2": 0.75} and item.versus == {}
    comments = figures[(None, "comments", "comment")]
    assert comments.texts == ["a", "b"] and comments.options == {} and comments.n == 2
