"""score_file: scores a file with the engine and suppression; bad files list every problem
with row and column and write nothing."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from trivsel.instruments.bank import export_bank, load_bundled

pytestmark = pytest.mark.django_db
SHORT = ["sc.short.1", "sc.short.2", "sc.short.3", "sc.short.4"]


@pytest.fixture
def questionnaire(tmp_path: Path) -> Path:
    load_bundled()
    path = tmp_path / "q.json"
    path.write_text(json.dumps(export_bank()), encoding="utf-8")
    return path


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(questionnaire: Path, responses: Path, output: Path, *extra: str) -> str:
    out = io.StringIO()
    call_command(
        "score_file", "--questionnaire", str(questionnaire), "--responses", str(responses),
        "--output", str(output), *extra, stdout=out, stderr=out,
    )  # fmt: skip
    return out.getvalue()


def test_scores_units_and_groups_and_hides_small_ones(questionnaire: Path, tmp_path: Path) -> None:
    lines = ["unit;job;" + ";".join(SHORT)]
    lines += [f"A1;helper;{v};3;3;3" for v in (1, 2, 3, 4, 0, 2)]
    lines += [f"A1;nurse;{v};2;2;2" for v in (1, 2, 3, 4, 0, 2)]
    lines += ["A1;cook;4;4;4;4"]  # alone in the job group: hidden, still counted
    lines += [f"A2;nurse;{v};{v};{v};{v}" for v in (4, 4, 3, 3, 2, 4)]
    responses = write(tmp_path, "answers.csv", "\n".join(lines) + "\n")
    units = write(
        tmp_path, "units.csv", "code;parent;name\nA;;Område A\nA1;A;Plejecenter\nA2;A;Team\n"
    )
    output = tmp_path / "results.csv"
    said = run(questionnaire, responses, output, "--units", str(units), "--group-column", "job")
    assert "19 respondents" in said
    rows = list(csv.DictReader(output.open(encoding="utf-8"), delimiter=";"))
    respondents = {
        (r["unit"], r["scope"], r["group"]): r["n"] for r in rows if r["kind"] == "respondents"
    }
    # Units are published as subtrees, job groups for the whole organisation.
    assert respondents[("A1", "subtree", "")] == "13"
    assert respondents[("A", "subtree", "")] == "19"
    assert not any(scope == "own" for _unit, scope, _group in respondents)
    assert not any(key[:3] == ("ORG", "all", "cook") for key in respondents)
    # Helpers and nurses both shown would give the one cook away (19 - 6 - 12): the smaller
    # group, the helpers, is hidden.
    groups = {group for _unit, scope, group in respondents if scope == "all" and group}
    assert groups == {"nurse"}
    # The short form's sum score for A2's nurses: (16 + 16 + 12 + 12 + 8 + 16) / 6
    short = next(r for r in rows if r["unit"] == "A2" and r["scope"] == "subtree"
                 and r["group"] == "" and r["kind"] == "dimension"
                 and r["metric"] == "sc_short")  # fmt: skip
    assert float(short["score"]) == pytest.approx(80 / 6) and short["n"] == "6"
    assert any(r["kind"] == "alpha" and r["metric"] == "sc_short" for r in rows)


def test_xlsx_output(questionnaire: Path, tmp_path: Path) -> None:
    lines = ["unit;" + ";".join(SHORT)] + ["U;3;3;3;3"] * 5
    output = tmp_path / "results.xlsx"
    run(questionnaire, write(tmp_path, "a.csv", "\n".join(lines)), output)
    from openpyxl import load_workbook

    sheet = load_workbook(output).active
    assert sheet is not None
    assert [c.value for c in sheet[1]][:3] == ["unit", "unit_name", "scope"]
    assert sheet.max_row > 2


def test_every_problem_is_listed_with_row_and_column_and_nothing_is_written(
    questionnaire: Path, tmp_path: Path
) -> None:
    units = write(tmp_path, "units.csv", "code;parent\nA;\nA1;A\n")
    responses = write(
        tmp_path, "answers.csv",
        "unit;sc.short.1;sc.short.2;mystery\n"
        "A1;4;7;1\n"  # out of range
        "A1;x;3;1\n"  # not a number
        "NOPE;1;1;1\n",  # unknown unit
    )  # fmt: skip
    output = tmp_path / "out.csv"
    # An unknown column does not hide the rows' problems: every one is listed at once.
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command(
            "score_file", "--questionnaire", str(questionnaire), "--responses", str(responses),
            "--units", str(units), "--output", str(output), stderr=err,
        )  # fmt: skip
    said = err.getvalue()
    assert "answers.csv, row 1, column 'mystery': No scored question has this key." in said
    assert (
        "answers.csv, row 2, column 'sc.short.2': 7 is not an answer of this question "
        "(0, 1, 2, 3, 4)" in said
    )
    assert "answers.csv, row 3, column 'sc.short.1': “x” is not a whole number." in said
    assert "answers.csv, row 4, column 'unit': No unit has this code." in said
    assert not output.exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "unit;sc.short.1;mystery\nA;1;1\n",
            "row 1, column 'mystery': No scored question has this key.",
        ),
        ("enhed;sc.short.1\nA;1\n", "row 1, column 'unit': The unit column is missing."),
        ("", "The file is empty."),
        ("unit;sc.short.1\n", "The file has no respondents."),
    ],
)
def test_malformed_files(questionnaire: Path, tmp_path: Path, text: str, expected: str) -> None:
    err = io.StringIO()
    output = tmp_path / "out.csv"
    with pytest.raises(CommandError):
        call_command("score_file", "--questionnaire", str(questionnaire), "--responses",
                     str(write(tmp_path, "answers.csv", text)), "--output", str(output),
                     stderr=err)  # fmt: skip
    assert expected in err.getvalue()
    assert not output.exists()


def test_differences_of_an_items_answers_are_suppressed_too(
    questionnaire: Path, tmp_path: Path
) -> None:
    # A1: 6 people who all answer sc.short.1; A2: 5 people of whom one answers it. Everyone
    # may be shown, but A's 7 answers next to A1's 6 would give away A2's single answer.
    lines = ["unit;" + ";".join(SHORT)]
    lines += ["A1;3;3;3;3"] * 6 + ["A2;0;2;2;2"] + ["A2;;2;2;2"] * 4
    units = write(tmp_path, "units.csv", "code;parent\nA;\nA1;A\nA2;A\n")
    output = tmp_path / "out.csv"
    run(questionnaire, write(tmp_path, "a.csv", "\n".join(lines)), output, "--units", str(units))
    rows = list(csv.DictReader(output.open(encoding="utf-8"), delimiter=";"))
    shown = {(r["unit"], r["scope"]) for r in rows if r["kind"] == "respondents"}
    assert {("A", "subtree"), ("A1", "subtree"), ("A2", "subtree")} <= shown
    item_1 = {(r["unit"], r["scope"]): int(r["n"]) for r in rows if r["metric"] == "sc.short.1"}
    assert ("A2", "subtree") not in item_1  # one answer
    # A1 (6) is the smaller: hidden; the organisation is A again.
    assert item_1 == {("A", "subtree"): 7, ("*", "all"): 7}, item_1
    answers = list(item_1.values())
    assert all(not 1 <= a - b < 5 for a in answers for b in answers), item_1
    item_2 = {(r["unit"], r["scope"]) for r in rows if r["metric"] == "sc.short.2"}
    assert ("A2", "subtree") in item_2 and ("A1", "subtree") in item_2  # everyone answered
