from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KeyFiguresConfig(AppConfig):
    name = "trivsel.keyfigures"
    verbose_name = _("HR key figures")

    def ready(self) -> None:
        from trivsel.keyfigures.report_tail import beside_results, on_dashboard
        from trivsel.reports.sections import register_panel_line, register_tail

        register_tail("key figures", beside_results)
        register_panel_line("key figures", on_dashboard)

        from trivsel.core.jobs import register_lister, register_recoverer
        from trivsel.keyfigures.tasks import recover_uploads, upload_lines

        register_recoverer("key figures", recover_uploads)

        from trivsel.core.retention import register_rule
        from trivsel.keyfigures.retention import old_upload_files

        register_rule("key-figure files", old_upload_files)
        register_lister("key figures", upload_lines)
