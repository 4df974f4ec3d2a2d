from django_tasks import task

from trivsel.measurements.models import Measurement
from trivsel.results.build import build_results


@task()
def build_results_task(measurement_id: int) -> int:
    """Rebuild a measurement's stored results (after close; safe to run again)."""
    return build_results(Measurement.objects.get(pk=measurement_id))
