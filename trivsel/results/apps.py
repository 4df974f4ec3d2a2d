from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "trivsel.results"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from trivsel.core.jobs import register_lister, register_recoverer
        from trivsel.results import signals  # noqa: F401
        from trivsel.results.tasks import build_lines, recover_builds

        register_recoverer("results builds", recover_builds)
        register_lister("results builds", build_lines)
