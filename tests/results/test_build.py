"""Stored results: built when a measurement closes, from the submitted responses, through
the engine and suppression; rebuilt idempotently."""

from typing import Any

import pytest

from tests.results.figures import one, stored
from trivsel.cycle.lifecycle import close_measurement, open_measurement
from trivsel.instruments.builder import add_free_text
from trivsel.instruments.models import ItemVersion
from trivsel.measurements.models import Measurement
from trivsel.results.build import alphabetical, build_results
from trivsel.results.models import Result
from trivsel.survey.models import Answer, Invitation, Response

pytestmark = pytest.mark.django_db


def answer_all(measurement: Measurement, values: list[int]) -> None:
    """Everyone submits the short form with the same value on each item (one value each)."""
    items = list(
        ItemVersion.objects.filter(item__key__startswith="sc.short.").order_by("item__key")
    )
    invitations = Invitation.objects.filter(measurement=measurement).select_related("participant")
    for invitation, value in zip(invitations.order_by("pk"), values, strict=True):
        response = Response.objects.create(
            measurement=measurement, unit=invitation.participant.unit,
            job_group=invitation.participant.job_group, submitted=True, submitted_on="2026-11-20",
        )  # fmt: skip
        Answer.objects.bulk_create(
            Answer(response=response, item_version=item, value=value) for item in items
        )
        invitation.responded = True
        invitation.save(update_fields=["responded"])


def test_close_builds_suppressed_results(
    measurement: Measurement, django_capture_on_commit_callbacks: Any
) -> None:
    open_measurement(measurement)  # Sundhed og Omsorg: 8 people in 4 units
    answer_all(measurement, [4, 3, 2, 4, 1, 0, 3, 3])
    with django_capture_on_commit_callbacks(execute=True):
        close_measurement(measurement)
    counted = stored(kind="respondents", group="")
    shown = {(f.code, f.scope, f.group): f.n for f in counted}
    # Only the whole department (8) and the municipality (the same 8) may be shown: Område
    # Nord's 7 would give away Område Syd's single respondent.
    assert shown == {("SO", "subtree", ""): 8, ("K", "subtree", ""): 8, (None, "all", ""): 8}
    short = one(code="SO", scope="subtree", group="", kind="dimension", metric="sc_short")
    assert short.n == 8 and short.score == pytest.approx(4 * sum([4, 3, 2, 4, 1, 0, 3, 3]) / 8)
    assert not stored(code__in=["U1", "U2", "U3", "SO-N", "SO-S"])
    measurement.refresh_from_db()
    assert measurement.sealed_at is not None  # after the build, the responses were sealed
    fields = ("unit_id", "scope", "group", "kind", "metric", "n", "score")
    before = sorted((tuple(getattr(f, name) for name in fields) for f in stored()), key=str)
    assert build_results(measurement) == len(before)  # again: the same figures
    after = sorted((tuple(getattr(f, name) for name in fields) for f in stored()), key=str)
    assert after == before


def open_with_a_comment_question(measurement: Measurement) -> ItemVersion:
    """Add a free-text question, open the measurement and let all 8 answer the short form."""
    page = measurement.questionnaire.pages.get()
    question = add_free_text(page, {"da": "Kommentar", "en": "Comment"}).item_version
    assert question is not None
    open_measurement(measurement)
    answer_all(measurement, [4, 3, 2, 4, 1, 0, 3, 3])
    return question


def test_comment_lists_need_their_own_k_and_the_differencing_rules(
    measurement: Measurement, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.RESULTS_MIN_GROUP_COMMENTS = 4
    question = open_with_a_comment_question(measurement)
    # Six write a comment: SO-N's own 1, U1's 3, Team Dag's 1, U2's 1 (chosen by unit: the
    # order of invitations, and so of responses, is not the same on every database).
    written = []
    writers = [
        response
        for code, count in (("SO-N", 1), ("U1", 3), ("U1-T1", 1), ("U2", 1))
        for response in Response.objects.filter(measurement=measurement, unit__code=code).order_by(
            "pk"
        )[:count]
    ]
    assert len(writers) == 6
    for number, response in enumerate(writers):
        written.append(f"Kommentar {number}")
        Answer.objects.create(response=response, item_version=question, text=written[-1])
    with django_capture_on_commit_callbacks(execute=True):
        close_measurement(measurement)
    lists = {(f.code or "*", f.scope): f.texts for f in stored(kind="comments", group="")}
    # U1's subtree (4) would be SO-N's 6 minus 2: hidden; SO-N, SO, K and the organisation
    # hold the same six people and are shown.
    assert set(lists) == {("SO-N", "subtree"), ("SO", "subtree"), ("K", "subtree"), ("*", "all")}
    assert sorted(lists[("SO", "subtree")]) == sorted(written)
    # The order carries nothing: it is the texts' own order, whatever the groups, the units
    # or the order in which they came (a shuffle seeded with public values could be undone).
    for texts in lists.values():
        assert texts == sorted(texts, key=alphabetical)
    assert all(len(texts) == 6 for texts in lists.values())
    assert one(kind="comments", code="SO", scope="subtree", group="").n == 6


def test_the_order_of_a_comment_list_cannot_be_predicted_from_stored_or_public_values(
    measurement: Measurement, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The same texts, written by different people (other units, job groups, order of
    arrival, response ids) give the same list: its order depends on the texts alone, so it
    carries nothing about who wrote what or when."""
    settings.RESULTS_MIN_GROUP_COMMENTS = 4
    question = open_with_a_comment_question(measurement)
    texts = ["Bedre ledelse", "arbejdspres", "Mere tid", "Æblerne er gode", "kaffe", "Zoneterapi",
             "Ønsker mere tid", "God stemning"]  # fmt: skip
    close_measurement(measurement)  # built by hand below, and never sealed
    responses = list(Response.objects.filter(measurement=measurement).order_by("pk"))
    seen = []
    for shift in (0, 3, 5):  # who wrote which text changes; so do units and groups
        Answer.objects.filter(item_version=question).delete()
        for number, response in enumerate(responses):
            text = texts[(number + shift) % len(texts)]
            Answer.objects.create(response=response, item_version=question, text=text)
        build_results(measurement)
        row = Result.objects.get(kind="comments", unit__code="SO", scope="subtree", group="")
        seen.append(row.figures[question.item.key]["texts"])
        # Nothing else is stored with the list: no dates, ids, units or groups.
        assert set(row.figures) == {question.item.key}
        assert set(row.figures[question.item.key]) == {"n", "texts"}
    assert seen[0] == seen[1] == seen[2]
    assert seen[0] == ["arbejdspres", "Bedre ledelse", "God stemning", "kaffe", "Mere tid",
                       "Zoneterapi", "Æblerne er gode", "Ønsker mere tid"]  # fmt: skip
    # ... and it differs from the order of arrival and of the response ids.
    assert seen[0] != texts
