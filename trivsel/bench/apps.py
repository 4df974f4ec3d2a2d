from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark commands (`manage.py bench_*`), each calling the product's own
    functions. Above every domain app; nothing imports it."""

    name = "trivsel.bench"
