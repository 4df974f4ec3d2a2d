"""The survey as a respondent sees it: reached by a personal link (or a short code typed at
a kiosk, see kiosk.py), no login. Works without JavaScript: every page is a form that saves
and moves on. The same page and submit views serve both ways in; only the addresses differ.

The personal link `/s/<token>/` is used once per visit: it gives this browser a signed
cookie naming the invitation and redirects to `/s/svar/`, so the token is in no later
address — not in the server's or a proxy's access log, a Referer header, an error log line
or the history of a shared device. The cookie is signed (it cannot be made up or changed),
HTTP-only and expires like a session; it costs no database row."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy

from trivsel.instruments.models import ItemVersion, localised
from trivsel.instruments.preview import Question, questions
from trivsel.measurements.models import Measurement
from trivsel.survey.answering import (
    MAX_TEXT,
    Plan,
    SurveyRefused,
    draft_of,
    field_name,
    parse_page,
    plan_of,
    save_page,
    saved_answers,
    submit,
)
from trivsel.survey.models import Answer, Invitation, Response

LANGUAGES = ("da", "en")
LINK_COOKIE = "trivsel_survey"
LINK_SALT = "trivsel.survey.link"


@dataclass(frozen=True)
class Place:
    """Where this respondent's pages live: their link, or the kiosk session."""

    page_url: str
    submit_url: str
    kiosk: bool = False


def _link_place() -> Place:
    return Place(reverse("survey:page"), reverse("survey:submit"))


def _linked_invitation(request: HttpRequest) -> Invitation | HttpResponse:
    """The invitation this browser's link cookie names; else the page to show instead:
    "open your link again" without a cookie, the closed page when the invitation is gone
    (invitations are deleted at close)."""
    value = request.get_signed_cookie(
        LINK_COOKIE, default=None, salt=LINK_SALT, max_age=settings.SESSION_COOKIE_AGE
    )
    if value is None or not value.isdigit():
        return render_survey(request, "survey/no_link.html", {}, status=400)
    invitation = (
        Invitation.objects.select_related("measurement__questionnaire", "measurement__resume_key")
        .filter(pk=int(value))
        .first()
    )
    if invitation is None:
        return render_survey(request, "survey/closed.html", {"not_yet": False})
    return invitation


def survey_language(request: HttpRequest) -> str:
    """Danish unless the person chose English; the choice is kept in the session, which is
    only written when it changes."""
    stored = request.session.get("survey_language", "da")
    chosen = request.GET.get("lang", stored)
    language = chosen if chosen in LANGUAGES else "da"
    if language != stored:
        request.session["survey_language"] = language
    return language


def render_survey(
    request: HttpRequest,
    template: str,
    context: dict[str, object],
    status: int = 200,
    place: Place | None = None,
) -> HttpResponse:
    language = survey_language(request)
    with translation.override(language):
        context = {
            "language": language,
            "other_language": "en" if language == "da" else "da",
            "place": place,
        } | context
        response = render(request, template, context, status=status)
    # A shared tablet: Back must not show the previous person's pages from the cache.
    add_never_cache_headers(response)
    return response


def ended(request: HttpRequest, invitation: Invitation, place: Place) -> HttpResponse | None:
    """The thanks or closed page when this invitation can no longer answer. After close
    every link and code shows the same closed page, so an old link does not tell whether
    its person answered."""
    state = invitation.measurement.state
    closed_now = state in (Measurement.State.CLOSED, Measurement.State.RELEASED)
    if invitation.responded and not closed_now:
        context: dict[str, object] = {"measurement": invitation.measurement}
        return render_survey(request, "survey/thanks.html", context, place=place)
    if state != Measurement.State.OPEN:
        not_yet = state in (Measurement.State.DRAFT, Measurement.State.VALIDATION)
        closed: dict[str, object] = {"measurement": invitation.measurement, "not_yet": not_yet}
        return render_survey(request, "survey/closed.html", closed, place=place)
    return None


def _questions_with_answers(
    draft: Response | None, versions: list[ItemVersion], language: str
) -> list[Question]:
    shown = questions(versions, language)
    if draft is None:
        return shown
    saved = {a.item_version_id: a for a in Answer.objects.filter(response=draft)}
    for question, version in zip(shown, versions, strict=True):
        answer = saved.get(version.pk)
        if answer is None:
            continue
        if answer.not_relevant:
            question.chosen = {"not_relevant"}
        elif answer.value is not None:
            question.chosen = {str(answer.value)}
        elif answer.values:
            question.chosen = {str(value) for value in answer.values}
        question.text_value = answer.text
    return shown


def survey_link(request: HttpRequest, token: str) -> HttpResponse:
    """The personal link: this browser gets a signed cookie naming the invitation, and moves
    on to an address without the token."""
    pk = Invitation.objects.filter(token=token).values_list("pk", flat=True).first()
    if pk is None:  # also every link of a closed measurement: its tokens are deleted
        return render_survey(request, "survey/unknown_link.html", {}, status=404)
    survey_language(request)  # keeps a ?lang= given with the link
    return _to_survey(pk)


@login_required
def survey_own(request: HttpRequest, pk: int) -> HttpResponse:
    """A signed-in employee's own invitation to measurement `pk`, from their front page: the
    same signed cookie as the personal link gives, so no token is in any address. Nobody
    else's invitation can be reached this way; without one, 404."""
    user = request.user
    assert user.is_authenticated  # login_required
    invitation = (
        Invitation.objects.filter(
            measurement_id=pk,
            participant__employee__user=user,
            participant__employee__is_active=True,
        )
        .values_list("pk", flat=True)
        .first()
    )
    if invitation is None:
        raise Http404
    return _to_survey(invitation)


def _to_survey(invitation_pk: int) -> HttpResponse:
    response = redirect(reverse("survey:page"))
    response.set_signed_cookie(
        LINK_COOKIE, str(invitation_pk), salt=LINK_SALT, max_age=settings.SESSION_COOKIE_AGE,
        httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
    )  # fmt: skip
    return response


def survey_page(request: HttpRequest) -> HttpResponse:
    invitation = _linked_invitation(request)
    if isinstance(invitation, HttpResponse):
        return invitation
    return page(request, invitation, _link_place())


def survey_submit(request: HttpRequest) -> HttpResponse:
    invitation = _linked_invitation(request)
    if isinstance(invitation, HttpResponse):
        return invitation
    return submit_page(request, invitation, _link_place())


def page(request: HttpRequest, invitation: Invitation, place: Place) -> HttpResponse:
    stop = ended(request, invitation, place)
    if stop is not None:
        return stop
    language = survey_language(request)
    plan = plan_of(invitation.measurement)
    pages = plan.screens
    posted = request.method == "POST"
    # A POST names its page and revision, and `save_page` reads the draft under its lock:
    # the draft is read here to show a page, or (with conditional questions) to know which
    # questions this person is asked; the revision check makes that read safe.
    draft = None if posted and not plan.rules else draft_of(invitation)
    default_page = draft.page if draft else 1
    try:
        number = min(
            max(int(request.POST.get("page") or request.GET.get("page") or default_page), 1),
            len(pages) + 1,
        )
    except ValueError:
        number = 1
    if posted and not _posted_page_is(request, len(pages)):
        return _malformed(request, invitation, place)
    if number > len(pages):
        return redirect(place.submit_url)
    asked = plan.asked(saved_answers(draft)) if plan.rules else None
    if asked is None:
        versions = pages[number - 1]
    else:
        versions = plan.shown(number, asked)
        if not versions and not posted:  # this screen asks this person nothing
            return redirect(f"{place.page_url}?page={plan.next_screen(number, 1, asked)}")
    if posted:
        return _save(request, invitation, place, versions, number, plan, language)
    return render_survey(
        request,
        "survey/page.html",
        _page_context(
            invitation, _questions_with_answers(draft, versions, language), number, len(pages),
            draft.revision if draft else 0,
            plan.position(number, asked) if asked is not None else None,
        ) | {"title": localised(plan.titles[number - 1], language)},
        place=place,
    )  # fmt: skip


def _save(
    request: HttpRequest, invitation: Invitation, place: Place, versions: list[ItemVersion],
    number: int, plan: Plan, language: str,
) -> HttpResponse:  # fmt: skip
    """A posted page: saved and on to the next (or previous) screen that asks this person
    something, or shown again with what is wrong, or refused. A question this person is not
    asked (its condition is not met) is refused like a question from another page."""
    count = len(plan.screens)
    with translation.override(language):  # its messages in the survey's language
        answers = parse_page(versions, dict(request.POST.lists()))
    if answers.errors:
        unknown = [name for name in answers.errors if name not in {field_name(v) for v in versions}]
        if unknown:
            return render_survey(
                request,
                "survey/refused.html",
                {"message": answers.errors[unknown[0]], "measurement": invitation.measurement},
                status=400,
                place=place,
            )
        shown = questions(versions, language)
        for question in shown:
            question.chosen = set(request.POST.getlist(question.field_name))
            text = request.POST.get(question.field_name, "")
            question.text_value = text if len(text) <= MAX_TEXT else ""  # never echo a flood
            question.error = answers.errors.get(question.field_name, "")
        draft = draft_of(invitation)
        position = plan.position(number, plan.asked(saved_answers(draft))) if plan.rules else None
        return render_survey(
            request,
            "survey/page.html",
            _page_context(
                invitation, shown, number, count, draft.revision if draft else 0, position
            )
            | {"title": localised(plan.titles[number - 1], language)},
            status=400,
            place=place,
        )
    step = -1 if "previous" in request.POST else 1
    revision = _posted_revision(request)
    if revision is None:
        return _malformed(request, invitation, place)
    try:
        with translation.override(language):
            draft = save_page(
                invitation, versions, answers, revision, number + step, language, plan, step
            )
    except SurveyRefused as refused:
        messages.warning(request, str(refused))
        return redirect(f"{place.page_url}?page={number}")
    return redirect(f"{place.page_url}?page={draft.page}")


def _posted_page_is(request: HttpRequest, count: int) -> bool:
    """A posted page names the screen it was shown as, one of the questionnaire's."""
    raw = request.POST.get("page", "")
    return raw.isdigit() and 1 <= int(raw) <= count


def _posted_revision(request: HttpRequest) -> int | None:
    """The revision a page was shown with; None when the form was tampered with or broken."""
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return None


def _malformed(request: HttpRequest, invitation: Invitation, place: Place) -> HttpResponse:
    return render_survey(
        request,
        "survey/refused.html",
        {
            "message": gettext_lazy(  # in the survey's language, when the page is made
                "The page that was sent is incomplete."
            ),
            "measurement": invitation.measurement,
        },
        status=400,
        place=place,
    )


def _page_context(
    invitation: Invitation, shown: list[Question], number: int, count: int, revision: int,
    position: tuple[int, int] | None = None,
) -> dict[str, object]:  # fmt: skip
    """`number` is the screen's address; `position` how the person counts it (with
    conditional questions, only the screens that ask them something count)."""
    place, total = position or (number, count)
    return {
        "invitation": invitation,
        "measurement": invitation.measurement,
        "questions": shown,
        "number": number,
        "shown_number": place,
        "page_count": total,
        "progress": round(100 * (place - 1) / total),
        "revision": revision,
    }


def submit_page(request: HttpRequest, invitation: Invitation, place: Place) -> HttpResponse:
    stop = ended(request, invitation, place)
    if stop is not None:
        return stop
    if request.method == "POST":  # `submit` reads the draft under its lock
        revision = _posted_revision(request)
        if revision is None:
            return _malformed(request, invitation, place)
        try:
            language = survey_language(request)
            with translation.override(language):
                submit(invitation, revision, language)
        except SurveyRefused as refused:
            messages.warning(request, str(refused))
            return redirect(place.submit_url)
        return redirect(place.page_url)
    plan = plan_of(invitation.measurement)
    pages = plan.screens
    draft = draft_of(invitation)
    revision = draft.revision if draft else 0
    answered = Answer.objects.filter(response=draft).count() if draft else 0
    # Questions not asked (their condition not met) are not counted as left out.
    total = len(plan.asked(saved_answers(draft)))
    context = {
        "invitation": invitation,
        "measurement": invitation.measurement,
        "answered": answered,
        "total": total,
        "revision": revision,
        "page_count": len(pages),
    }
    return render_survey(request, "survey/submit.html", context, place=place)
