from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.http import require_POST

from trivsel.instruments import builder
from trivsel.instruments.bank import (
    BankRejected,
    dumps,
    export_document,
    import_document,
    parse_json,
)
from trivsel.instruments.forms import (
    AddElementForm,
    BankFileForm,
    FreeTextForm,
    PageForm,
    QuestionnaireForm,
)
from trivsel.instruments.models import (
    Instrument,
    Questionnaire,
    QuestionnaireElement,
    QuestionnairePage,
    localised,
)
from trivsel.instruments.preview import questions
from trivsel.organisation.access import Capability, org_view

MANAGE = Capability.MANAGE_INSTRUMENTS


@org_view(MANAGE)
def bank(request: HttpRequest) -> HttpResponse:
    form = QuestionnaireForm(request.POST) if request.method == "POST" else QuestionnaireForm()
    if form.is_bound and form.is_valid():
        user = request.user if isinstance(request.user, User) else None
        questionnaire = builder.create_questionnaire(form.cleaned_data["name"], user)
        return redirect("instruments:builder", pk=questionnaire.pk)
    instruments = Instrument.objects.prefetch_related("entries__item_version__dimension")
    return render(
        request,
        "instruments/bank.html",
        {
            "form": form,
            "file_form": BankFileForm(),
            "instruments": instruments,
            "questionnaires": Questionnaire.objects.all(),
        },
    )


@require_POST
@org_view(MANAGE)
def bank_upload(request: HttpRequest) -> HttpResponse:
    """Load instruments, items, reference values or questionnaires from a JSON file."""
    form = BankFileForm(request.POST, request.FILES)
    problems: list[str] = []
    if form.is_valid():
        try:
            created = import_document(parse_json(form.cleaned_data["file"].read()))
        except BankRejected as rejected:
            problems = [str(problem) for problem in rejected.problems]
        else:
            messages.success(
                request,
                _("Loaded: %(summary)s.")
                % {"summary": ", ".join(f"{count} {kind}" for kind, count in created.items())},
            )
            return redirect("instruments:bank")
    instruments = Instrument.objects.prefetch_related("entries__item_version__dimension")
    return render(
        request,
        "instruments/bank.html",
        {
            "form": QuestionnaireForm(),
            "file_form": form,
            "problems": problems,
            "instruments": instruments,
            "questionnaires": Questionnaire.objects.all(),
        },
        status=400,
    )


@org_view(MANAGE)
def download(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind == "instrument":
        instrument = get_object_or_404(Instrument, pk=pk)
        document, name = export_document([instrument]), f"{instrument.key}-v{instrument.version}"
    else:
        questionnaire = get_object_or_404(Questionnaire, pk=pk)
        document, name = export_document([], [questionnaire]), f"questionnaire-{questionnaire.pk}"
    response = HttpResponse(dumps(document), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response


def _builder_context(questionnaire: Questionnaire) -> dict[str, object]:
    return {
        "questionnaire": questionnaire,
        "pages": builder.questionnaire_pages(questionnaire),
        "page_form": PageForm(),
        "element_form": AddElementForm(questionnaire),
        "free_text_form": FreeTextForm(questionnaire),
    }


@org_view(MANAGE)
def builder_page(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    return render(request, "instruments/builder.html", _builder_context(questionnaire))


@require_POST
@org_view(MANAGE)
def builder_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Every change to a questionnaire: validate the action's form, call one service."""
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    action = request.POST.get("action", "")
    forms: dict[str, PageForm | AddElementForm | FreeTextForm] = {}
    if action == "copy_questionnaire":  # also of a locked one: that is how it is reused
        user = request.user if isinstance(request.user, User) else None
        name = _("%(name)s (copy)") % {"name": questionnaire.name}
        copy = builder.copy_questionnaire(questionnaire, name[:200], user)
        messages.success(request, _("This is a copy: change it as you like."))
        return redirect("instruments:builder", pk=copy.pk)
    try:
        if action == "add_page":
            forms["page_form"] = form = PageForm(request.POST)
            if form.is_valid():
                builder.add_page(questionnaire, form.title())
        elif action == "add_element":
            forms["element_form"] = element_form = AddElementForm(questionnaire, request.POST)
            if element_form.is_valid():
                page = questionnaire.pages.get(pk=element_form.cleaned_data["page"])
                chosen = element_form.chosen()
                if isinstance(chosen, Instrument):
                    builder.add_instrument(page, chosen)
                else:
                    builder.add_item(page, chosen)
        elif action == "add_free_text":
            forms["free_text_form"] = text_form = FreeTextForm(questionnaire, request.POST)
            if text_form.is_valid():
                page = questionnaire.pages.get(pk=text_form.cleaned_data["page"])
                builder.add_free_text(page, text_form.text())
        elif action == "remove_page":
            builder.remove_page(_page(questionnaire, request.POST.get("page")))
        elif action == "rename_page":
            page = _page(questionnaire, request.POST.get("page"))
            forms["page_form"] = form = PageForm(request.POST)
            if form.is_valid():
                builder.rename_page(page, form.title())
        elif action in ("remove", "up", "down"):
            element = _element(questionnaire, request.POST.get("element"))
            if action == "remove":
                builder.remove_element(element)
            else:
                builder.move_element(element, -1 if action == "up" else 1)
        else:
            raise Http404
    except builder.QuestionnaireLocked as locked:
        messages.error(request, str(locked))
        return redirect("instruments:builder", pk=pk)
    invalid = {name: form for name, form in forms.items() if not form.is_valid()}
    if invalid:
        context = _builder_context(questionnaire) | invalid
        return render(request, "instruments/builder.html", context, status=400)
    return redirect("instruments:builder", pk=pk)


def _page(questionnaire: Questionnaire, pk: str | None) -> QuestionnairePage:
    return get_object_or_404(QuestionnairePage, questionnaire=questionnaire, pk=pk or 0)


def _element(questionnaire: Questionnaire, pk: str | None) -> QuestionnaireElement:
    return get_object_or_404(
        QuestionnaireElement.objects.select_related("page__questionnaire"),
        page__questionnaire=questionnaire,
        pk=pk or 0,
    )


@org_view(MANAGE)
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    language = request.GET.get("lang", "da")
    if language not in ("da", "en"):
        raise Http404
    pages = builder.questionnaire_pages(questionnaire)
    if not pages:  # nothing to show yet: say so on the questionnaire's own page
        messages.info(request, _("The questionnaire has no pages yet: add a page to preview it."))
        return redirect("instruments:builder", pk=questionnaire.pk)
    try:
        number = min(max(int(request.GET.get("page", 1)), 1), len(pages))
    except ValueError:
        number = 1
    page, versions = pages[number - 1]
    with override(language):
        return render(
            request,
            "instruments/preview.html",
            {
                "questionnaire": questionnaire,
                "page_title": localised(page.title, language),
                "questions": questions(versions, language),
                "number": number,
                "page_count": len(pages),
                "language": language,
                "other_language": "en" if language == "da" else "da",
                "progress": round(100 * number / len(pages)),
            },
        )
