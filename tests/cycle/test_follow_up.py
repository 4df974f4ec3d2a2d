"""The follow-up measurement: HR plans it from a baseline (themes asked again word for word,
the forward-looking question), and each unit's report compares it with the baseline per
dimension and question with a 90 % Welch interval, or says "cannot be compared" where a
question's version is marked not comparable; the report opens with "Since last time"."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.dialogue.test_dialogue import add
from tests.results.test_build import answer_all
from trivsel.cycle.followups import create_follow_up, forward_questions, themes
from trivsel.cycle.lifecycle import close_measurement, open_measurement, release_results
from trivsel.dialogue.models import Action, Dialogue
from trivsel.engine.intervals import welch_interval
from trivsel.instruments.builder import add_item, create_questionnaire, pages_of
from trivsel.instruments.models import Item, ItemVersion
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
from trivsel.reports.baseline import changes
from trivsel.results.build import previous_measurement

pytestmark = pytest.mark.django_db


def run(measurement: Measurement, values: list[int], captured: Any) -> Measurement:
    open_measurement(measurement)
    answer_all(measurement, values)
    with captured(execute=True):
        close_measurement(measurement)
    release_results(measurement)
    measurement.refresh_from_db()
    return measurement


@pytest.fixture
def baseline(measurement: Measurement, django_capture_on_commit_callbacks: Any) -> Measurement:
    """Sundhed og Omsorg's 8 answer the short social-capital form, mostly 1 and 2."""
    return run(measurement, [1, 2, 1, 2, 1, 2, 2, 1], django_capture_on_commit_callbacks)


def follow_up(baseline: Measurement, org: dict[str, Unit]) -> Measurement:
    now = timezone.now()
    expectation = [v for v in forward_questions() if v.item.key == "followup.expectation"]
    return create_follow_up(
        baseline=baseline, units=[org["SO"]], theme_keys=["sc_short"], forward=expectation,
        name="Opfølgning marts", opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=15), results_release_at=now + timedelta(days=15),
        user=None,
    )  # fmt: skip


def test_the_confidence_interval_cases() -> None:
    small = welch_interval((3.5, 1.0, 10), (3.9, 1.0, 10))
    assert small is not None
    assert (round(small.low, 2), round(small.high, 2)) == (-0.38, 1.18)
    assert small.verdict == "same"
    large = welch_interval((3.5, 1.0, 100), (3.9, 1.0, 100))
    assert large is not None
    assert (round(large.low, 2), round(large.high, 2)) == (0.17, 0.63)
    assert large.verdict == "better"


def test_a_follow_up_asks_the_baselines_questions_unchanged_and_looks_forward(
    baseline: Measurement, org: dict[str, Unit]
) -> None:
    assert [t.dimension.key for t in themes(baseline)] == ["sc_short"]
    later = follow_up(baseline, org)
    asked = [v for page in pages_of(later.questionnaire) for v in page]
    then = [v for page in pages_of(baseline.questionnaire) for v in page]
    assert asked[:4] == then  # the same versions: the same wording and scale
    assert [v.item.key for v in asked[4:]] == ["followup.expectation"]
    assert "forventning om, at det bliver bedre" in asked[4].text["da"]
    assert later.kind == Measurement.Kind.FOLLOW_UP and later.baseline == baseline
    assert previous_measurement(later) == baseline
    # Its invitation says what it is (HR may write their own).
    from trivsel.survey.texts import text_of

    assert "en kort opfølgning på den seneste trivselsmåling" in text_of(later, "invitation", "da")
    assert "a short follow-up" in text_of(later, "invitation", "en")


def test_the_report_compares_each_unit_with_the_baseline_and_opens_with_its_actions(
    baseline: Measurement, org: dict[str, Unit], clients: dict[str, Client],
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    dialogue = Dialogue.objects.create(measurement=baseline, unit=org["SO"],
                                       window_ends=date(2026, 12, 1))  # fmt: skip
    add(dialogue, title="Fælles morgenmøde", status=Action.Status.IN_PROGRESS)
    add(dialogue, title="Kun for TRIO", visibility=Action.Visibility.TRIO)
    later = run(follow_up(baseline, org), [3, 4, 3, 4, 3, 4, 4, 3],
                django_capture_on_commit_callbacks)  # fmt: skip
    found_baseline, found = changes(later, org["SO"])
    assert found_baseline == baseline
    assert [c.key for c in found] == ["sc_short", *[f"sc.short.{n}" for n in range(1, 5)]]
    assert all(c.verdict == "better" for c in found)
    dimension = found[0]
    assert dimension.interval is not None and dimension.interval.low > 0
    # Each side: 8 people, the sum of four items (4 × value) — 6 then, 14 now.
    assert dimension.interval.difference == pytest.approx(8.0)
    page = clients["hr"].get(reverse("reports:unit", args=[later.pk, "SO"]))
    html = page.content.decode()
    assert "Compared with the baseline: Trivselsmåling 2026" in html
    assert html.index("Since last time") < html.index("Compared with the baseline")
    assert "Fælles morgenmøde" in html and "In progress" in html
    assert "Kun for TRIO" not in html  # HR does not read what the TRIO keeps to itself
    # A unit too small to be shown has nothing to compare.
    assert changes(later, org["U3"])[1] == []
    # a main measurement has no such section
    main = clients["hr"].get(reverse("reports:unit", args=[baseline.pk, "SO"])).content.decode()
    assert "Compared with the baseline" not in main and "Since last time</h2>" not in main


def test_a_question_in_a_version_marked_not_comparable_cannot_be_compared(
    baseline: Measurement, org: dict[str, Unit], clients: dict[str, Client],
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    first = ItemVersion.objects.get(item__key="sc.short.1", version=1)
    changed = ItemVersion.objects.create(
        item=Item.objects.get(key="sc.short.1"), version=2, kind=first.kind,
        text={"da": "Helt ny formulering", "en": "A wholly new wording"}, scale=first.scale,
        dimension=first.dimension, comparable_with_previous=False,
    )  # fmt: skip
    questionnaire = create_questionnaire("Opfølgning", None)
    page = questionnaire.pages.get()
    for version in [
        changed,
        *ItemVersion.objects.filter(
            item__key__in=["sc.short.2", "sc.short.3", "sc.short.4"]
        ).order_by("item__key"),
    ]:
        add_item(page, version)  # fmt: skip
    now = timezone.now()
    later = Measurement.objects.create(
        name="Opfølgning", kind=Measurement.Kind.FOLLOW_UP, baseline=baseline,
        questionnaire=questionnaire, validation_starts=now, opens_at=now,
        closes_at=now + timedelta(days=7), results_release_at=now + timedelta(days=7),
    )  # fmt: skip
    later.scope.create(unit=org["SO"])
    run(later, [3, 4, 3, 4, 3, 4, 4, 3], django_capture_on_commit_callbacks)
    verdicts = {c.key: c.verdict for c in changes(later, org["SO"])[1]}
    assert verdicts["sc.short.1"] == "not comparable"
    assert verdicts["sc.short.2"] == "better"
    html = clients["hr"].get(reverse("reports:unit", args=[later.pk, "SO"])).content.decode()
    assert "A wholly new wording" in html and "Cannot be compared" in html


def test_hr_plans_a_follow_up_and_bad_input_says_what(
    baseline: Measurement, org: dict[str, Unit], clients: dict[str, Client]
) -> None:
    hr = clients["hr"]
    url = reverse("measurements:follow_up_new")
    assert baseline.name in hr.get(url).content.decode()
    form = hr.get(url, {"baseline": baseline.pk}).content.decode()
    assert 'value="sc_short"' in form and "forventning" not in form  # English in tests
    assert "I expect that the measures we have started will make things better." in form
    expectation = next(v for v in forward_questions() if v.item.key == "followup.expectation")
    data = {
        "name": "Opfølgning marts 2027",
        "units": "SO",
        "themes": ["sc_short"],
        "forward": [expectation.pk],
        "opens_at": "2027-03-01T08:00",
        "closes_at": "2027-03-15T16:00",
        "results_release_at": "2027-03-17T08:00",
    }
    empty = hr.post(f"{url}?baseline={baseline.pk}", data | {"themes": [], "forward": []})
    assert empty.status_code == 400
    assert "Choose at least one theme or forward-looking question." in empty.content.decode()
    backwards = hr.post(f"{url}?baseline={baseline.pk}", data | {"closes_at": "2027-02-01T08:00"})
    assert backwards.status_code == 400 and "The timeline must run" in backwards.content.decode()
    unknown = hr.post(f"{url}?baseline={baseline.pk}", data | {"units": "NOPE"})
    assert "These unit codes do not exist or are closed: NOPE" in unknown.content.decode()
    assert Measurement.objects.filter(kind=Measurement.Kind.FOLLOW_UP).count() == 0
    done = hr.post(f"{url}?baseline={baseline.pk}", data)
    later = Measurement.objects.get(kind=Measurement.Kind.FOLLOW_UP)
    assert done.status_code == 302 and done["Location"].endswith(f"/{later.pk}/")
    assert later.baseline == baseline and [s.unit.code for s in later.scope.all()] == ["SO"]
    for persona in ("area_chief", "unit_leader", "trio", "outsider"):
        assert clients[persona].get(url).status_code in (403, 404)
