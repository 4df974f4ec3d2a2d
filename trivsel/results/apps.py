from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "trivsel.results"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from trivsel.results import signals  # noqa: F401
