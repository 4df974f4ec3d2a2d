"""The login page with the throttle of `logins.py`: a refused attempt says how long to wait
(429), without checking the password."""

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import ngettext

from trivsel.core import logins
from trivsel.core.audit import Actor, record


class ThrottledAuthenticationForm(AuthenticationForm):
    throttled = False

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        address = str(self.request.META.get("REMOTE_ADDR", "")) if self.request else ""
        minutes = logins.wait_minutes(username, address)
        if minutes:
            self.throttled = True
            record("sign-in failed", username[:150], "refused: too many wrong passwords",
                   actor=Actor(None, username[:150], address))  # fmt: skip
            raise ValidationError(
                ngettext(
                    "Too many wrong passwords. Try again in %(minutes)d minute.",
                    "Too many wrong passwords. Try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
                code="throttled",
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            if username:
                logins.record_failure(username, address)
            raise
        logins.clear(username, address)
        return cleaned


class ThrottledLoginView(LoginView):
    """The sign-in page: the identity provider's button when OpenID Connect is set up, the
    password form unless LOCAL_PASSWORDS is off (then a posted password is refused, 403)."""

    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            local_passwords=settings.LOCAL_PASSWORDS,
            provider=settings.OIDC_ENABLED,
            provider_name=settings.OIDC_PROVIDER_NAME,
            provider_failed=self.request.GET.get("failed") == "provider",
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.LOCAL_PASSWORDS:
            response = self.get(request, *args, **kwargs)
            response.status_code = 403
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: ThrottledAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
        return response
