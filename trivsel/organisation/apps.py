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
        from django.db.models.signals import post_delete, post_save

        from trivsel.organisation.audit import grant_removed, grant_saved
        from trivsel.organisation.models import RoleGrant

        post_save.connect(grant_saved, sender=RoleGrant, dispatch_uid="audit-grant-saved")
        post_delete.connect(grant_removed, sender=RoleGrant, dispatch_uid="audit-grant-removed")
