from django.db import transaction
from django_tasks import task

from trivsel.measurements.models import Measurement
from trivsel.results.build import build_results, seal_after_build


@task()
def build_results_task(measurement_id: int) -> int:
    """Build a measurement's stored results (after close; safe to run again), then seal its
    responses if that has not been done (trivsel/survey/sealing.py): the figures are
    computed from the full attributes, which the seal then generalises."""
    measurement = Measurement.objects.get(pk=measurement_id)
    rows = build_results(measurement)
    seal_after_build(measurement)
    return rows


def rebuild_after_mapping_change() -> None:
    """HR changed the unit mapping: every measurement with results is built again (in the
    background), since any of them may compare with an earlier one through it."""
    pks = list(
        Measurement.objects.filter(
            state__in=[Measurement.State.CLOSED, Measurement.State.RELEASED]
        ).values_list("pk", flat=True)
    )

    def enqueue() -> None:
        for pk in pks:
            build_results_task.enqueue(pk)

    transaction.on_commit(enqueue)
