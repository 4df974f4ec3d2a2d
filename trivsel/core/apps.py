from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "trivsel.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.contrib import admin

        # The admin site is for superusers only; everyone else works through the app's
        # own views, which all go through trivsel.organisation.access.
        admin.site.has_permission = lambda request: bool(  # type: ignore[method-assign]
            request.user.is_active and request.user.is_superuser
        )
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        import trivsel.core.retention  # noqa: F401  (registers the core's retention rules)
        from trivsel.core.audit import record_sign_in, record_sign_in_failed

        user_logged_in.connect(record_sign_in, dispatch_uid="audit-sign-in")
        user_login_failed.connect(record_sign_in_failed, dispatch_uid="audit-sign-in-failed")
