"""Offensive behaviour (the APV's bullying, harassment, threats, violence): the share exposed
and, among those who answered "from whom", the share naming each source — computed like
every other item, shown only where at least k for sensitive items (10) answered.

Hand-computed: exposure is answered on `exposure5` (1 daily, 2 weekly, 3 monthly, 4 a few
times, 5 no); "from whom" on `perpetrator` (1 colleague, 2 leader, 3 citizen, 4 others,
several allowed)."""

import csv
import io
import json
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.results.figures import Stored, one, remove, stored
from trivsel.cycle.lifecycle import create_measurement
from trivsel.engine.columns import engine_items
from trivsel.engine.compute import Data, Spec, compute, with_organisation
from trivsel.engine.rows import Units, records
from trivsel.instruments.bank import export_bank, load_bundled
from trivsel.instruments.builder import add_item, create_questionnaire
from trivsel.instruments.models import ItemVersion
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
from trivsel.results.build import Questions, build_results
from trivsel.survey.models import Answer, Response

pytestmark = pytest.mark.django_db
EXPOSURE, FROM = "apv.bullying", "apv.bullying.from"
NO = 5  # the exposure scale's last option: not exposed
COLLEAGUE, LEADER, CITIZEN, OTHERS = 1, 2, 3, 4
# The 12 who say where it came from, in a larger group (several sources allowed).
NAMED = [[1], [1], [1, 3], [1, 3], [1, 2, 3], [1, 2], [2], [3], [3], [3], [3, 4], [3]]
# colleague 6, leader 3, citizen 8, others 1 of 12
SHARES = {COLLEAGUE: 6 / 12, LEADER: 3 / 12, CITIZEN: 8 / 12, OTHERS: 1 / 12}


def apv_measurement(name: str, closes_in_days: int) -> Measurement:
    load_bundled()
    questionnaire = create_questionnaire(name, None)
    page = questionnaire.pages.get()
    for key in (EXPOSURE, FROM):
        add_item(page, ItemVersion.objects.get(item__key=key))
    moment = timezone.now() + timedelta(days=closes_in_days)
    return create_measurement(
        units=[Unit.objects.get(code="SO")], name=name, questionnaire=questionnaire,
        validation_starts=moment, opens_at=moment, closes_at=moment, results_release_at=moment,
    )  # fmt: skip


def answer(
    measurement: Measurement, unit: Unit, exposure: Sequence[int | None],
    named: Sequence[list[int]],
) -> None:  # fmt: skip
    """One submitted response per exposure answer (None: skipped); the first len(named)
    of them also answer "from whom" ([]: the question submitted with nothing chosen)."""
    versions = {v.item.key: v for v in ItemVersion.objects.filter(item__key__in=[EXPOSURE, FROM])}
    for number, value in enumerate(exposure):
        response = Response.objects.create(measurement=measurement, unit=unit, submitted=True)
        if value is not None:
            Answer.objects.create(response=response, item_version=versions[EXPOSURE], value=value)
        if number < len(named):
            Answer.objects.create(
                response=response, item_version=versions[FROM], values=named[number]
            )


def rows(measurement: Measurement, code: str) -> dict[str, Stored]:
    return {
        row.metric: row
        for row in stored(measurement, code=code, scope="subtree", group="", kind="item")
    }


@pytest.fixture
def measurement(org: dict[str, Unit]) -> Measurement:
    return apv_measurement("APV 2026", 1)


def test_the_share_exposed_and_each_answers_share_are_shown_the_sources_of_three_are_not(
    measurement: Measurement, org: dict[str, Unit]
) -> None:
    # 12 in Hjemmeplejen Syd: one bullied daily, one weekly, one a few times, nine not; the
    # three say colleague; colleague and leader; citizen.
    answer(measurement, org["U3"], [1, 2, 4] + [NO] * 9, [[1], [1, 2], [3]])
    build_results(measurement)
    found = rows(measurement, "U3")
    bullying = found[EXPOSURE]
    assert bullying.n == 12
    assert bullying.unfavourable == pytest.approx(3 / 12)  # exposed
    assert bullying.favourable == pytest.approx(9 / 12)  # not exposed
    assert bullying.neutral == pytest.approx(0)
    assert bullying.score == pytest.approx(100 * 9 / 12)
    assert bullying.options == pytest.approx(
        {"1": 1 / 12, "2": 1 / 12, "3": 0.0, "4": 1 / 12, "5": 9 / 12}
    )
    # The same 12 people everywhere above.
    for code in ("SO-S", "SO", "K"):
        assert rows(measurement, code)[EXPOSURE].n == 12
    # Three named a source: fewer than 10, so nothing about where it came from is stored.
    assert not stored(measurement, metric__startswith=FROM)


def test_the_share_naming_each_source_among_those_who_answered(
    measurement: Measurement, org: dict[str, Unit]
) -> None:
    # 30 in Hjemmeplejen Syd, 13 exposed; 12 say where from, the 13th submits the question
    # with nothing chosen (not an answer).
    exposure = [1, 2, 3, 4] * 3 + [4] + [NO] * 17
    answer(measurement, org["U3"], exposure, [*NAMED, []])
    build_results(measurement)
    found = rows(measurement, "U3")
    assert found[EXPOSURE].n == 30
    assert found[EXPOSURE].unfavourable == pytest.approx(13 / 30)
    assert found[EXPOSURE].options == pytest.approx(
        {"1": 3 / 30, "2": 3 / 30, "3": 3 / 30, "4": 4 / 30, "5": 17 / 30}
    )
    for source, share in SHARES.items():
        row = found[f"{FROM}:{source}"]
        assert row.n == 12
        assert row.score == pytest.approx(100 * share)
        assert row.favourable == pytest.approx(share)  # named it
        assert row.options == pytest.approx({"0": 1 - share, "1": share})
    assert set(found) == {EXPOSURE, *(f"{FROM}:{source}" for source in SHARES)}
    organisation = one(measurement, scope="all", group="", kind="item", metric=f"{FROM}:{CITIZEN}")
    assert organisation.n == 12 and organisation.score == pytest.approx(100 * 8 / 12)
    # In no dimension: offensive behaviour is reported per question only.
    assert not stored(measurement, kind="dimension")


def test_nine_answers_to_an_exposure_question_are_not_shown(
    measurement: Measurement, org: dict[str, Unit]
) -> None:
    # 12 respond (enough to show the unit), 9 of them answer the question (not enough).
    answer(measurement, org["U3"], [1] + [NO] * 8 + [None] * 3, [])
    build_results(measurement)
    shown = one(measurement, code="U3", scope="subtree", group="", kind="respondents")
    assert shown.n == 12
    assert not stored(measurement, kind="item")


def test_one_column_per_source_and_last_times_figure_for_the_same_source(
    org: dict[str, Unit],
) -> None:
    last = apv_measurement("APV 2025", -365)
    answer(last, org["U3"], [1] * 12 + [NO] * 18, [[1]] * 6 + [[3]] * 6)
    build_results(last)
    measurement = apv_measurement("APV 2026", 1)
    questions = Questions.load(measurement)
    spec, versions = questions.spec, questions.columns
    assert [item.key for item in spec.items] == [EXPOSURE] + [f"{FROM}:{s}" for s in range(1, 5)]
    assert [v.item.key for v in versions] == [EXPOSURE] + [FROM] * 4
    assert all(item.sensitive and item.dimension == -1 for item in spec.items)
    measurement.previous = last
    measurement.save(update_fields=["previous"])
    answer(measurement, org["U3"], [1, 2, 3, 4] * 3 + [NO] * 18, NAMED)
    build_results(measurement)
    found = rows(measurement, "U3")

    def against_last_time(metric: str) -> Any:
        return found[metric].versus["previous"].difference

    # colleague 50 % now, 50 % last time; citizen 8/12 now, 6/12 then
    assert against_last_time(f"{FROM}:{COLLEAGUE}") == pytest.approx(0)
    assert against_last_time(f"{FROM}:{CITIZEN}") == pytest.approx(100 * (8 / 12 - 6 / 12))
    assert against_last_time(EXPOSURE) == pytest.approx(0)  # 12 of 30 exposed each time


def test_the_pure_computation_without_the_database() -> None:
    exposure = engine_items("x.exposed", [{"value": v, "score": None} for v in (1, 2, 3)],
                            multiple=False, reverse=True, dimension=0, sensitive=True)  # fmt: skip
    sources = engine_items("x.from", [{"value": v, "score": None} for v in (7, 9)],
                           multiple=True, reverse=False, dimension=0, sensitive=True)  # fmt: skip
    assert [item.key for item in sources] == ["x.from:7", "x.from:9"]
    # Not sensitive and nothing scored: not a question the engine can say anything about.
    unscored = [{"value": 1, "score": None}, {"value": 2, "score": None}]
    assert not engine_items("x.other", unscored, False, False, -1, sensitive=False)
    spec = Spec(items=[*exposure, *sources], dimensions=[("d", "mean")])
    nan = np.nan
    # 11 answer the exposure question, 4 of them exposed (options 1, 1, 2, 2), the 7th
    # skips it; 10 answer "from whom": 6 name source 7, 3 name source 9. `reverse` does
    # not turn an exposure question around: its last option is always "not exposed".
    answers = np.array(
        [[1, 1, 0], [1, 1, 1], [2, 0, 1], [2, 1, 0], [3, 0, 0], [3, 0, 0], [nan, 1, 0],
         [3, 1, 0], [3, 0, 0], [3, 1, 1], [3, nan, nan], [3, nan, nan]]
    )  # fmt: skip
    data = Data(answers, np.zeros(12, dtype=np.int64), np.zeros(12, dtype=np.int64), [""])
    outcome = compute(spec, data, with_organisation([-1]), k=5, k_sensitive=10)
    found = {(r["unit"], r["metric"]): r for r in records(outcome, spec, Units(["A"], ["A"]))}
    exposed = found[("A", "x.exposed")]
    assert exposed["n"] == 11 and exposed["unfavourable"] == pytest.approx(4 / 11)
    assert exposed["options"] == pytest.approx({"1": 2 / 11, "2": 2 / 11, "3": 7 / 11})
    assert found[("A", "x.from:7")]["n"] == 10
    assert found[("A", "x.from:7")]["score"] == pytest.approx(60.0)  # 6 of 10
    assert found[("A", "x.from:9")]["score"] == pytest.approx(30.0)  # 3 of 10
    assert ("A", "d") not in found  # the dimension holds neither
    fewer = compute(spec, data, with_organisation([-1]), k=5, k_sensitive=12)
    assert not [r for r in records(fewer, spec, Units(["A"], ["A"])) if r["kind"] == "item"]


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    load_bundled()
    path = tmp_path / "bank.json"
    path.write_text(json.dumps(export_bank()), encoding="utf-8")
    return path


def score_file(bank: Path, tmp_path: Path, text: str) -> tuple[list[dict[str, str]], str]:
    responses = tmp_path / "answers.csv"
    responses.write_text(text, encoding="utf-8")
    output = tmp_path / "out.csv"
    said = io.StringIO()
    call_command("score_file", "--questionnaire", str(bank), "--responses", str(responses),
                 "--output", str(output), stdout=said, stderr=said)  # fmt: skip
    return list(csv.DictReader(output.open(encoding="utf-8"), delimiter=";")), said.getvalue()


def test_a_file_can_hold_an_exposure_question(bank: Path, tmp_path: Path) -> None:
    lines = ["unit;apv.bullying"] + ["A;1"] * 2 + ["A;3"] + ["A;5"] * 9
    found, _said = score_file(bank, tmp_path, "\n".join(lines) + "\n")
    bullying = next(r for r in found if r["unit"] == "A" and r["metric"] == EXPOSURE)
    assert bullying["n"] == "12" and float(bullying["unfavourable"]) == pytest.approx(3 / 12)
    assert json.loads(bullying["options"]) == pytest.approx(
        {"1": 2 / 12, "2": 0.0, "3": 1 / 12, "4": 0.0, "5": 9 / 12}
    )
    # Nine answers: not shown (k for sensitive items is 10).
    found, _said = score_file(bank, tmp_path, "\n".join(lines[:10]) + "\n")
    assert not [r for r in found if r["metric"] == EXPOSURE]


@pytest.mark.parametrize("heading", [FROM, f"{FROM}:3"])
def test_a_file_cannot_hold_a_multiple_choice_question(
    bank: Path, tmp_path: Path, heading: str
) -> None:
    with pytest.raises(CommandError, match="nothing was written"):
        score_file(bank, tmp_path, f"unit;apv.bullying;{heading}\n" + "A;1;3\n" * 12)
    err = io.StringIO()
    (tmp_path / "again.csv").write_text(f"unit;{heading}\nA;3\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("score_file", "--questionnaire", str(bank), "--responses",
                     str(tmp_path / "again.csv"), "--output", str(tmp_path / "o.csv"),
                     stderr=err)  # fmt: skip
    assert (
        f"row 1, column '{heading}': A multiple-choice question cannot be read from a file; "
        "leave this column out." in err.getvalue()
    )


def test_an_earlier_vendors_file_brings_its_exposure_answers(
    org: dict[str, Unit], bank: Path, tmp_path: Path
) -> None:
    lines = ["unit;apv.bullying"] + ["U3;2"] * 4 + ["U3;5"] * 8
    responses = tmp_path / "history.csv"
    responses.write_text("\n".join(lines) + "\n", encoding="utf-8")
    said = io.StringIO()
    call_command(
        "import_history", "--questionnaire", str(bank), "--responses", str(responses),
        "--units-column", "unit", "--name", "APV 2024", "--closed-on", "2024-11-01",
        stdout=said, stderr=said,
    )  # fmt: skip
    assert "12 respondents, 12 answers" in said.getvalue()
    bullying = rows(Measurement.objects.get(name="APV 2024"), "U3")[EXPOSURE]
    assert bullying.n == 12 and bullying.unfavourable == pytest.approx(4 / 12)


def test_the_report_shows_the_share_exposed_and_each_source(
    measurement: Measurement, org: dict[str, Unit], clients: dict[str, Any]
) -> None:
    """The unit report's offensive-behaviour section, page and Excel: the share exposed,
    every answer's share, and the share naming each source; a hidden source list says why."""
    from django.urls import reverse
    from openpyxl import load_workbook

    exposure = [1, 2, 3, 4] * 3 + [4] + [NO] * 17
    answer(measurement, org["U3"], exposure, [*NAMED, []])
    build_results(measurement)
    measurement.state = Measurement.State.RELEASED
    measurement.save(update_fields=["state"])
    page = clients["hr"].get(reverse("reports:unit", args=[measurement.pk, "U3"])).content.decode()
    section = page[page.index("Offensive behaviour") :]
    assert '<td class="num">43 %</td>' in section  # 13 of 30 exposed
    assert "Yes, daily: 10&nbsp;%" in section and "No: 57&nbsp;%" in section  # 3/30, 17/30
    # From whom, among the 12 who answered it: colleague 6, leader 3, citizen 8, others 1.
    assert "Colleague: 50&nbsp;%" in section and "Leader: 25&nbsp;%" in section
    assert "Citizen, service user or relative: 67&nbsp;%" in section
    assert "Others: 8&nbsp;%" in section
    response = clients["hr"].get(reverse("reports:xlsx", args=[measurement.pk, "U3"]))
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Offensive behaviour"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    bullying = next(row for row in values if str(row[0]).startswith("In the last 12 months"))
    assert bullying[1] == 30 and bullying[2] == pytest.approx(43)
    # With only 9 naming a source elsewhere the list is hidden, with its reason.
    remove(measurement, FROM)
    page = clients["hr"].get(reverse("reports:unit", args=[measurement.pk, "U3"])).content.decode()
    assert "Not shown: fewer than 10 of those exposed answered" in page
