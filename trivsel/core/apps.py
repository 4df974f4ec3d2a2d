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
        import trivsel.core.retention  # noqa: F401  (registers the core's retention rules)
