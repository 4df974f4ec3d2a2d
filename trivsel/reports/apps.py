from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "trivsel.reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from trivsel.organisation.panels import add_unit_part
        from trivsel.reports.seeing import unit_part

        add_unit_part(unit_part)

        from trivsel.core.jobs import register_lister, register_recoverer
        from trivsel.reports.bundles import bundle_lines, recover_bundles

        register_recoverer("PDF bundles", recover_bundles)
        register_lister("PDF bundles", bundle_lines)
