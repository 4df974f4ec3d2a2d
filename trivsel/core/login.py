"""The login page with the throttle of `logins.py`: a refused attempt says how long to wait
(429), without checking the password."""

from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import ngettext

from trivsel.core import logins


class ThrottledAuthenticationForm(AuthenticationForm):
    throttled = False

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        address = str(self.request.META.get("REMOTE_ADDR", "")) if self.request else ""
        minutes = logins.wait_minutes(username, address)
        if minutes:
            self.throttled = True
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
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_invalid(self, form: ThrottledAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
        return response
