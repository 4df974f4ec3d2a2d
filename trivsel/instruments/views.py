from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override
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
    ConditionForm,
    FreeTextForm,
    PageForm,
    QuestionnaireForm,
)
from trivsel.instruments.models import (
    Condition,
    Instrument,
    ItemVersion,
    Questionnaire,
    QuestionnaireElement,
    QuestionnairePage,
    localised,
)
from trivsel.instruments.preview import Question, questions
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
    pages = builder.questionnaire_pages(questionnaire)
    conditional = {condition.question_id for condition in questionnaire.conditions.all()}
    return {
        "questionnaire": questionnaire,
        "pages": [
            (page, versions, [v for v in versions if v.pk in conditional])
            for page, versions in pages
        ],
        "condition_count": len(conditional),
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
            _conditions_gone(
                request, builder.remove_page(_page(questionnaire, request.POST.get("page")))
            )
        elif action == "rename_page":
            page = _page(questionnaire, request.POST.get("page"))
            forms["page_form"] = form = PageForm(request.POST)
            if form.is_valid():
                builder.rename_page(page, form.title())
        elif action in ("remove", "up", "down"):
            element = _element(questionnaire, request.POST.get("element"))
            if action == "remove":
                _conditions_gone(request, builder.remove_element(element))
            else:
                builder.move_element(element, -1 if action == "up" else 1)
        else:
            raise Http404
    except builder.BuilderRefused as refused:
        messages.error(request, str(refused))
        return redirect("instruments:builder", pk=pk)
    invalid = {name: form for name, form in forms.items() if not form.is_valid()}
    if invalid:
        context = _builder_context(questionnaire) | invalid
        return render(request, "instruments/builder.html", context, status=400)
    return redirect("instruments:builder", pk=pk)


def _conditions_gone(request: HttpRequest, count: int) -> None:
    if count:
        messages.info(
            request,
            ngettext(
                "%(count)d condition was removed with it: its question is now asked of everyone.",
                "%(count)d conditions were removed with it: their questions are now asked of "
                "everyone.",
                count,
            )
            % {"count": count},
        )


@org_view(MANAGE)
def conditions(request: HttpRequest, pk: int) -> HttpResponse:
    """The questionnaire's conditional questions: each one listed, removed or changed, and a
    new one set in two steps (the two questions, then the answers that ask it)."""
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    pages = [
        (f"{number}. {localised(page.title)}", versions)
        for number, (page, versions) in enumerate(builder.questionnaire_pages(questionnaire), 1)
    ]
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "remove_condition":
                builder.remove_condition(
                    get_object_or_404(
                        Condition,
                        questionnaire=questionnaire,
                        pk=_number(request.POST.get("condition")),
                    )
                )
                messages.success(
                    request, _("The condition was removed: the question is asked of everyone.")
                )
                return redirect("instruments:conditions", pk=pk)
            form = ConditionForm(pages, request.POST)
            if form.is_valid():
                if not form.cleaned_data["values"]:
                    form.add_error("values", _("Choose at least one answer."))
                else:
                    chosen = form.cleaned_data
                    builder.set_condition(
                        questionnaire,
                        form.versions[chosen["question"]],
                        form.versions[chosen["depends_on"]],
                        chosen["values"],
                    )
                    messages.success(request, _("The condition was saved."))
                    return redirect("instruments:conditions", pk=pk)
        except builder.QuestionnaireLocked as locked:
            messages.error(request, str(locked))
            return redirect("instruments:conditions", pk=pk)
        except builder.BuilderRefused as refused:
            form.add_error(None, str(refused))
        status = 400
    else:
        form = ConditionForm(pages, _step_data(questionnaire, request.GET))
        if form.is_bound:
            form.errors.clear()  # step one shown again: not an error yet
    versions = form.versions
    listed = [
        {
            "condition": condition,
            "question": versions.get(condition.question_id),
            "depends_on": versions.get(condition.depends_on_id),
            "answers": _answer_list(
                _answer_labels(versions.get(condition.depends_on_id), condition.values)
            ),
        }
        for condition in questionnaire.conditions.all()
    ]
    return render(
        request,
        "instruments/conditions.html",
        {"questionnaire": questionnaire, "form": form, "conditions": listed},
        status=status,
    )


def _step_data(questionnaire: Questionnaire, query: QueryDict) -> QueryDict | None:
    """Step two's form data from the address; "Change" shows the answers chosen now."""
    if "question" not in query:
        return None
    data = query.copy()
    if "values" not in data:
        existing = questionnaire.conditions.filter(
            question_id=_number(data.get("question")), depends_on_id=_number(data.get("depends_on"))
        ).first()
        if existing is not None:
            data.setlist("values", [str(value) for value in existing.values])
    return data


def _number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() else 0


def _explain_conditions(
    questionnaire: Questionnaire, versions: list[ItemVersion], shown: list[Question], language: str
) -> None:
    """In the preview, a conditional question says whom it is asked (in the survey it is
    simply shown or not)."""
    by_question = {
        c.question_id: c for c in questionnaire.conditions.select_related("depends_on__scale")
    }
    for version, question in zip(versions, shown, strict=True):
        condition = by_question.get(version.pk)
        if condition is not None:
            answers = _answer_labels(condition.depends_on, condition.values, language)
            question.condition = _(
                "Asked only of those who answered “%(question)s” with %(answers)s."
            ) % {
                "question": localised(condition.depends_on.text, language),
                "answers": _answer_list(answers),
            }


def _answer_list(labels: list[str]) -> str:
    """“Yes, daily”, “Yes, weekly” or “Yes, monthly”: labels hold commas of their own."""
    return str(get_text_list([_("“%(answer)s”") % {"answer": label} for label in labels], _("or")))


def _answer_labels(version: object, values: list[int], language: str | None = None) -> list[str]:
    scale = getattr(version, "scale", None)
    if scale is None:
        return [str(value) for value in values]
    labels = {option["value"]: localised(option["labels"], language) for option in scale.options}
    return [labels.get(value, str(value)) for value in values]


def _page(questionnaire: Questionnaire, pk: str | None) -> QuestionnairePage:
    return get_object_or_404(QuestionnairePage, questionnaire=questionnaire, pk=_number(pk))


def _element(questionnaire: Questionnaire, pk: str | None) -> QuestionnaireElement:
    return get_object_or_404(
        QuestionnaireElement.objects.select_related("page__questionnaire"),
        page__questionnaire=questionnaire,
        pk=_number(pk),
    )


@org_view(MANAGE)
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = get_object_or_404(Questionnaire, pk=pk)
    language = request.GET.get("lang", "da")
    if language not in ("da", "en"):
        raise Http404
    # The screens a respondent meets: a page, then its follow-up screen where a question
    # depends on an answer on the page itself.
    titles, screens = builder.screen_titles(questionnaire), builder.screens_of(questionnaire)
    pages = list(zip(titles, screens, strict=True))
    if not pages:  # nothing to show yet: say so on the questionnaire's own page
        messages.info(request, _("The questionnaire has no pages yet: add a page to preview it."))
        return redirect("instruments:builder", pk=questionnaire.pk)
    try:
        number = min(max(int(request.GET.get("page", 1)), 1), len(pages))
    except ValueError:
        number = 1
    title, versions = pages[number - 1]
    with override(language):
        shown = questions(versions, language)
        _explain_conditions(questionnaire, versions, shown, language)
        return render(
            request,
            "instruments/preview.html",
            {
                "questionnaire": questionnaire,
                "page_title": localised(title, language),
                "questions": shown,
                "number": number,
                "page_count": len(pages),
                "language": language,
                "other_language": "en" if language == "da" else "da",
                "progress": round(100 * number / len(pages)),
            },
        )
