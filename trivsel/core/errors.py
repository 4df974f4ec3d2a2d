"""Pages for requests the framework refuses before any view runs, in the person's language
(Danish unless they chose English), never the framework's own technical page."""

from contextlib import nullcontext

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from a page that had expired (its security token no longer matches: the
    session ran out, cookies were cleared, or the page was open for very long). Nothing of
    it was used; the person is told so and what to do."""
    survey = request.path.startswith(("/s/", "/kiosk/"))
    # The survey's own language (Danish unless the person chose English), not the browser's.
    language = request.session.get("survey_language", "da") if survey else None
    with translation.override(language) if language in ("da", "en") else nullcontext():
        html = render_to_string("expired_form.html", {"survey": survey})
    return HttpResponse(html, status=403)
