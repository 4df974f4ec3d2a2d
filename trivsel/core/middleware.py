"""A database that cannot be written (locked by a long write, a read-only replica during a
failover, a full disk) is a moment's trouble, not a server error: the person is told, in
their language, that what they sent was not saved and to try again. The page is rendered
without the database (no context processors, no user menu)."""

import ipaddress
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# PostgreSQL's read-only and connection errors arrive as these; SQLite's "database is
# locked" and "attempt to write a readonly database" as OperationalError.
TRANSIENT = (OperationalError, InterfaceError)
READ_ONLY_SQLSTATE = "25006"  # read_only_sql_transaction


def _transient(error: BaseException) -> bool:
    if isinstance(error, TRANSIENT):
        return True
    cause = getattr(error, "__cause__", None)
    return isinstance(error, DatabaseError) and getattr(cause, "sqlstate", "") == READ_ONLY_SQLSTATE


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _transient(exception):
            return None
        logger.error("The database could not be used: %s", exception, exc_info=exception)
        html = render_to_string("database_unavailable.html", {"posted": request.method == "POST"})
        response = HttpResponse(html, status=503)
        response["Retry-After"] = "30"
        return response


ANONYMOUS_PATHS = ("/s/", "/kiosk/", "/login/", "/i18n/")


class AnonymousBodyLimitMiddleware:
    """Forms anyone can send (the survey, the kiosk, the login, the language switch) are
    small: a larger body is refused with 413 before it is read, and nothing of it is shown
    back. (Signed-in HR uploads files of many megabytes elsewhere.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(ANONYMOUS_PATHS):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > settings.ANONYMOUS_MAX_BODY:
                html = render_to_string("too_large.html", {"survey": request.path[:3] == "/s/"})
                return HttpResponse(html, status=413)
        return self.get_response(request)


class TrustedProxyMiddleware:
    """The client's address and whether it used HTTPS, as a trusted reverse proxy reports
    them. X-Forwarded-For and X-Forwarded-Proto are believed only when the request comes
    from an address in TRUSTED_PROXIES; from anyone else they are removed (a client could
    otherwise claim any address, e.g. to escape the kiosk's limit, or claim HTTPS)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META["REMOTE_ADDR"] = client_address(request.META, settings.TRUSTED_PROXIES)
        return self.get_response(request)


def client_address(meta: dict[str, Any], trusted: list[str]) -> str:
    """The nearest address that is not one of our proxies: walk X-Forwarded-For from the
    right (each proxy appends the address it saw) while the hop is trusted."""
    peer = str(meta.get("REMOTE_ADDR", ""))
    if peer not in trusted:
        meta.pop("HTTP_X_FORWARDED_FOR", None)
        meta.pop("HTTP_X_FORWARDED_PROTO", None)
        return peer
    hops = [hop.strip() for hop in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if hop not in trusted:
            # Only an address is an address: anything else in the header (a proxy that
            # passes on what the client sent) leaves the proxy's own address.
            return hop if _is_address(hop) else peer
    return peer


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
