"""HR removes or edits a comment that could identify a person, after close: the stored
comment lists (and so every report and export) no longer hold the old text; the audit log
records the change without the text; only HR can do it, only after close, only to the
measurement's own comments."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.results.test_build import answer_all
from trivsel.core.models import AuditEntry
from trivsel.cycle.lifecycle import close_measurement, open_measurement
from trivsel.instruments.builder import add_instrument
from trivsel.instruments.models import Instrument, ItemVersion, Questionnaire
from trivsel.measurements.models import Measurement
from trivsel.results.models import Kind, Result
from trivsel.results.redaction import Refused, redact, removed_text
from trivsel.survey.models import Answer, Response

pytestmark = pytest.mark.django_db

TEXTS = [
    "Alt for travlt om morgenen", "Bedre kaffe", "Jens i køkkenet råber ad de nye",
    "Mere tid til borgerne", "Gode kolleger", "Vagtplanen kommer for sent",
    "Tak for en god sommer", "Ønsker flere møder",
]  # fmt: skip


@pytest.fixture
def closed(
    measurement: Measurement, questionnaire: Questionnaire, settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> Measurement:  # fmt: skip
    """The 8 of Sundhed og Omsorg answer and each writes a comment; comment lists are shown
    from 3 writers here (so the department's list is stored); closed and built."""
    settings.RESULTS_MIN_GROUP_COMMENTS = 3
    add_instrument(questionnaire.pages.get(), Instrument.objects.get(key="comments"))
    open_measurement(measurement)
    answer_all(measurement, [4, 3, 2, 4, 1, 0, 3, 3])
    question = ItemVersion.objects.filter(kind=ItemVersion.Kind.FREE_TEXT).order_by("pk")[0]
    for response, text in zip(Response.objects.order_by("pk"), TEXTS, strict=True):
        Answer.objects.create(response=response, item_version=question, text=text)
    with django_capture_on_commit_callbacks(execute=True):
        close_measurement(measurement)
    measurement.refresh_from_db()
    return measurement


def stored_texts(measurement: Measurement) -> list[str]:
    rows = Result.objects.filter(measurement=measurement, kind=Kind.COMMENTS)
    return [text for row in rows for figure in row.figures.values() for text in figure["texts"]]


def the_comment(measurement: Measurement, text: str) -> Answer:
    return Answer.objects.get(response__measurement=measurement, text=text)


def test_hr_removes_a_comment_and_no_stored_list_holds_it(
    closed: Measurement, clients: dict[str, Client], django_capture_on_commit_callbacks: Any
) -> None:
    assert "Jens i køkkenet råber ad de nye" in stored_texts(closed)
    url = reverse("results:comments", args=[closed.pk])
    page = clients["hr"].get(url)
    assert page.status_code == 200 and "8 comments." in page.content.decode()
    found = clients["hr"].get(url, {"q": "jens"}).content.decode()
    assert "1 comment." in found and "Jens i køkkenet" in found and "Bedre kaffe" not in found
    answer = the_comment(closed, "Jens i køkkenet råber ad de nye")
    with django_capture_on_commit_callbacks(execute=True):
        done = clients["hr"].post(f"{url}?q=jens", {"answer": answer.pk, "remove": ""})
    assert done.status_code == 302 and done["Location"] == f"{url}?q=jens&page=1"
    texts = stored_texts(closed)
    assert texts and not any("Jens" in text for text in texts)
    assert removed_text() in texts
    entry = AuditEntry.objects.get(action="comment redacted")
    assert entry.actor == "hr" and "Jens" not in entry.detail + entry.target
    assert entry.detail == "question free.comments: removed"


def test_hr_edits_a_name_out(
    closed: Measurement, clients: dict[str, Client], django_capture_on_commit_callbacks: Any
) -> None:
    answer = the_comment(closed, "Jens i køkkenet råber ad de nye")
    url = reverse("results:comments", args=[closed.pk])
    with django_capture_on_commit_callbacks(execute=True):
        clients["hr"].post(url, {"answer": answer.pk, "save": "",
                                 "text": "En kollega råber ad de nye"})  # fmt: skip
    texts = stored_texts(closed)
    assert "En kollega råber ad de nye" in texts and not any("Jens" in t for t in texts)


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "Write the comment&#x27;s new text"), ("x" * 5001, "longer than 5,000"),
     ("Bedre kaffe", "unchanged")],
)  # fmt: skip
def test_a_bad_edit_is_refused_and_changes_nothing(
    closed: Measurement, clients: dict[str, Client], text: str, message: str
) -> None:
    answer = the_comment(closed, "Bedre kaffe")
    url = reverse("results:comments", args=[closed.pk])
    response = clients["hr"].post(url, {"answer": answer.pk, "save": "", "text": text})
    assert response.status_code == 400 and message in response.content.decode()
    answer.refresh_from_db()
    assert answer.text == "Bedre kaffe"
    assert not AuditEntry.objects.filter(action="comment redacted").exists()


def test_another_measurement_s_answer_or_a_scored_answer_is_refused(
    closed: Measurement, clients: dict[str, Client]
) -> None:
    scored = Answer.objects.filter(response__measurement=closed, text="").first()
    assert scored is not None
    with pytest.raises(Refused):
        redact(closed, scored.pk, None)
    response = clients["hr"].post(
        reverse("results:comments", args=[closed.pk]), {"answer": "99999999", "remove": ""}
    )
    assert response.status_code == 400
    assert (
        clients["hr"]
        .post(reverse("results:comments", args=[closed.pk]), {"answer": "x"})
        .status_code
        == 400
    )


def test_before_close_there_is_nothing_to_read(
    measurement: Measurement, clients: dict[str, Client]
) -> None:
    open_measurement(measurement)
    assert clients["hr"].get(reverse("results:comments", args=[measurement.pk])).status_code == 404
    with pytest.raises(Refused):
        redact(measurement, 1, None)


def test_only_hr_reads_and_redacts(closed: Measurement, clients: dict[str, Client]) -> None:
    url = reverse("results:comments", args=[closed.pk])
    answer = the_comment(closed, "Bedre kaffe")
    for persona in ("area_chief", "unit_leader", "trio", "outsider"):
        assert clients[persona].get(url).status_code == 403, persona
        assert clients[persona].post(url, {"answer": answer.pk, "remove": ""}).status_code == 403
    assert clients["anonymous"].get(url)["Location"].startswith(reverse("login"))
    answer.refresh_from_db()
    assert answer.text == "Bedre kaffe"


def test_identical_comments_change_together(
    closed: Measurement, clients: dict[str, Client]
) -> None:
    """Two people wrote the same identifying sentence: removing one removes both, in the
    stored lists too (a list may hold each)."""
    other = the_comment(closed, "Gode kolleger")
    Answer.objects.filter(pk=other.pk).update(text="Jens i køkkenet råber ad de nye")
    for row in Result.objects.filter(measurement=closed, kind=Kind.COMMENTS):
        for figure in row.figures.values():
            figure["texts"] = [
                "Jens i køkkenet råber ad de nye" if t == "Gode kolleger" else t
                for t in figure["texts"]
            ]
        row.save()
    answer = Answer.objects.filter(text="Jens i køkkenet råber ad de nye").first()
    assert answer is not None
    url = reverse("results:comments", args=[closed.pk])
    done = clients["hr"].post(url, {"answer": answer.pk, "remove": ""}, follow=True)
    assert "1 comments with exactly the same text" not in done.content.decode()
    assert "2 comments with exactly the same text changed with it." in done.content.decode()
    assert not Answer.objects.filter(text__contains="Jens").exists()
    assert not any("Jens" in text for text in stored_texts(closed))
    assert stored_texts(closed).count(removed_text()) >= 2
