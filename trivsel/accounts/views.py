"""The second factor's two pages: the code at each sign-in, and setting up the app the
first time. Both are reached only by a signed-in person the middleware sends here."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from trivsel.accounts import twofactor
from trivsel.accounts.forms import CodeForm


def local_passwords(view_class: type[View]) -> Callable[..., HttpResponse]:
    """A password page (change, done) exists only while local passwords are on, and only for
    a login that has one (not someone who signs in through the identity provider)."""
    view = login_required(view_class.as_view())

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.LOCAL_PASSWORDS or (
            request.user.is_authenticated and not request.user.has_usable_password()
        ):
            raise Http404
        return view(request, *args, **kwargs)  # type: ignore[return-value]

    return wrapped


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("home")


def _with_next(name: str, request: HttpRequest) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next(request)})}"


def _checked(request: HttpRequest, form: CodeForm, device: object) -> HttpResponse | None:
    """Redirects on to where the person was going when the code is right; else None, with
    the reason on the form."""
    if not form.is_valid():
        return None
    accepted, wait = twofactor.check_code(request, device, form.cleaned_data["code"])  # type: ignore[arg-type]
    if accepted:
        request.session.cycle_key()  # a new session id for the stronger sign-in
        return HttpResponseRedirect(_next(request))
    if wait:
        form.add_error(
            "code",
            ngettext(
                "Too many wrong codes. Wait %(seconds)d second and try again.",
                "Too many wrong codes. Wait %(seconds)d seconds and try again.",
                wait,
            )
            % {"seconds": wait},
        )
    else:
        form.add_error("code", _("The code was not right. Type the code the app shows now."))
    return None


@login_required
def code(request: HttpRequest) -> HttpResponse:
    device = twofactor.confirmed_device(request.user)  # type: ignore[arg-type]
    if device is None:
        return HttpResponseRedirect(_with_next("second_factor_setup", request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and (done := _checked(request, form, device)):
        return done
    status = 400 if form.errors else 200
    return render(
        request, "accounts/code.html", {"form": form, "next": _next(request)}, status=status
    )


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    if twofactor.confirmed_device(request.user) is not None:  # type: ignore[arg-type]
        return HttpResponseRedirect(_with_next("second_factor", request))
    device = twofactor.new_device(request.user)  # type: ignore[arg-type]
    form = CodeForm(request.POST or None)
    if request.method == "POST" and (done := _checked(request, form, device)):
        return done
    secret = device.config_url.partition("secret=")[2].partition("&")[0]
    context = {
        "form": form,
        "next": _next(request),
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    status = 400 if form.errors else 200
    return render(request, "accounts/setup.html", context, status=status)
