from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "trivsel.organisation"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from trivsel.core.jobs import register_lister, register_recoverer
        from trivsel.core.retention import register_rule
        from trivsel.organisation.retention import old_import_files
        from trivsel.organisation.tasks import import_lines, recover_imports

        register_recoverer("imports", recover_imports)
        register_lister("imports", import_lines)
        register_rule("import files", old_import_files)
