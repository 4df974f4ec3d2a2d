from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "trivsel.accounts"
    verbose_name = _("Sign-in")

    def ready(self) -> None:
        from django.contrib.auth.models import User
        from django.db.models.signals import post_delete, post_save, pre_save
        from django_otp.plugins.otp_totp.models import TOTPDevice

        import trivsel.accounts.checks  # noqa: F401  (registers the sign-in settings' checks)
        from trivsel.accounts import audit

        pre_save.connect(audit.user_before, sender=User, dispatch_uid="audit-user-before")
        post_save.connect(audit.user_saved, sender=User, dispatch_uid="audit-user-saved")
        post_delete.connect(audit.user_deleted, sender=User, dispatch_uid="audit-user-deleted")
        post_save.connect(audit.device_saved, sender=TOTPDevice, dispatch_uid="audit-otp-saved")
        post_delete.connect(
            audit.device_deleted, sender=TOTPDevice, dispatch_uid="audit-otp-deleted"
        )
