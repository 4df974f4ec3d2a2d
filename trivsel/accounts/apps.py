from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "trivsel.accounts"
    verbose_name = _("Sign-in")

    def ready(self) -> None:
        import trivsel.accounts.checks  # noqa: F401  (registers the sign-in settings' checks)
