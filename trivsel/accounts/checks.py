"""Settings that would leave nobody able to sign in are refused at start (`manage.py check`)."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def sign_in_settings(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors = []
    if not settings.LOCAL_PASSWORDS and not settings.OIDC_ENABLED:
        errors.append(
            Error(
                "LOCAL_PASSWORDS=0 switches passwords off, but no identity provider is set "
                "(OIDC_RP_CLIENT_ID): nobody could sign in.",
                id="trivsel.E001",
            )
        )
    if settings.OIDC_ENABLED:
        missing = [
            name
            for name in (
                "OIDC_RP_CLIENT_SECRET",
                "OIDC_OP_AUTHORIZATION_ENDPOINT",
                "OIDC_OP_TOKEN_ENDPOINT",
                "OIDC_OP_USER_ENDPOINT",
                "OIDC_OP_JWKS_ENDPOINT",
            )
            if not getattr(settings, name)
        ]
        if missing:
            errors.append(
                Error(f"OpenID Connect is on, but {', '.join(missing)} not set.", id="trivsel.E002")
            )
    if settings.OIDC_MATCH_FIELD not in ("email", "number"):
        errors.append(Error('OIDC_MATCH_FIELD must be "email" or "number".', id="trivsel.E003"))
    return errors
