"""Scoring a respondent-level file without the database (`manage.py score_file`), with the
same engine and the same suppression as the app. Format: docs/score-file-format.md.

Every problem in the files is collected with its file, row and column before anything is
computed; with any problem, nothing is written.
"""

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _
from numpy.typing import NDArray

from trivsel.core.exports import csv_row, xlsx_row
from trivsel.engine.columns import OPTION_SEPARATOR, engine_items
from trivsel.engine.compute import Data, Spec, compute, with_organisation
from trivsel.engine.rows import COLUMNS, Units, records
from trivsel.instruments.bank_format import check_document
from trivsel.organisation.importing.files import Table, read_table
from trivsel.organisation.importing.problems import Problem
from trivsel.organisation.importing.records import extra_cells

UNIT_HEADINGS = {"code": ("code", "kode", "enhedskode"), "parent": ("parent", "overordnet"),
                 "name": ("name", "navn")}  # fmt: skip
OUTPUT_COLUMNS = COLUMNS


def load_questionnaire(data: bytes, filename: str) -> tuple[Spec | None, list[Problem]]:
    """The engine's columns for the questions of an item-bank document (trivsel.itembank/1),
    each key's latest version (`engine_items`); free-text items are not columns."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return None, [Problem(filename, _("not JSON: %(error)s") % {"error": error})]
    problems = check_document(document)
    if problems:
        return None, [Problem(filename, f"{p.path}: {p.message}") for p in problems]
    scales = {s["key"]: s for s in document.get("scales", [])}
    dimensions = [d for d in document.get("dimensions", []) if d.get("rule", "mean") != "none"]
    index = {d["key"]: number for number, d in enumerate(dimensions)}
    latest: dict[str, dict[str, Any]] = {}
    for item in document.get("items", []):
        if item.get("version", 1) >= latest.get(item["key"], {}).get("version", 0):
            latest[item["key"]] = item
    spec = Spec(
        dimensions=[(d["key"], d.get("rule", "mean")) for d in dimensions],
        indices=[(x["key"], [index[p] for p in x.get("parts", []) if p in index])
                 for x in document.get("indices", [])],
        references={entry["key"]: float(entry["references"][0]["value"])
                    for entry in [*dimensions, *document.get("indices", [])]
                    if entry.get("references")},
        outcome=settings.RESULTS_DRIVER_OUTCOME,
    )  # fmt: skip
    for key, item in latest.items():
        scale = scales.get(item.get("scale", ""))
        if item.get("kind", "scale") != "scale" or scale is None:
            continue
        spec.items += engine_items(
            key, scale["options"], bool(scale.get("multiple")), bool(item.get("reverse")),
            index.get(item.get("dimension") or "", -1), bool(item.get("sensitive")),
        )  # fmt: skip
    return spec, []


# Between a multiple-choice question's key and an option's value in the key of that option's
# column (`apv.bullying.from:3`); never part of an item key (KEY_PATTERN).
@dataclass
class Responses:
    answers: NDArray[np.float64]
    unit_codes: list[str]
    groups: list[str]


def read_responses(
    table: Table, spec: Spec, unit_column: str, group_column: str | None, known: set[str] | None
) -> tuple[Responses | None, list[Problem]]:
    problems: list[Problem] = []
    # A multiple-choice answer does not fit one cell: its questions' columns are not read.
    items = {
        item.key: column
        for column, item in enumerate(spec.items)
        if OPTION_SEPARATOR not in item.key
    }
    multiple = {
        item.key.partition(OPTION_SEPARATOR)[0]
        for item in spec.items
        if OPTION_SEPARATOR in item.key
    }
    if unit_column not in table.headers:
        problems.append(Problem(table.file, _("The unit column is missing."), 1, unit_column))
    if group_column and group_column not in table.headers:
        problems.append(Problem(table.file, _("The group column is missing."), 1, group_column))
    for heading in table.headers:
        if heading in items or heading in (unit_column, group_column):
            continue
        if heading in multiple or heading.partition(OPTION_SEPARATOR)[0] in multiple:
            message = _(
                "A multiple-choice question cannot be read from a file; leave this column out."
            )
        else:
            message = _("No scored question has this key.")
        problems.append(Problem(table.file, message, 1, heading))
    if not table.rows:
        problems.append(Problem(table.file, _("The file has no respondents.")))
    # The rows are checked too, whatever is wrong with the headings: every problem at once.
    answers = np.full((len(table.rows), len(spec.items)), np.nan)
    codes, groups = [], []
    position = {heading: at for at, heading in enumerate(table.headers)}
    for number, (row_number, cells) in enumerate(table.rows):
        problems += extra_cells(table, row_number, cells)
        cells = cells + [""] * (len(table.headers) - len(cells))
        code = cells[position[unit_column]].strip() if unit_column in position else ""
        if unit_column not in position:
            pass  # said once, for the heading
        elif not code:
            problems.append(Problem(table.file, _("The unit is missing."), row_number, unit_column))
        elif known is not None and code not in known:
            problems.append(
                Problem(table.file, _("No unit has this code."), row_number, unit_column)
            )
        codes.append(code)
        groups.append(cells[position[group_column]].strip() if group_column in position else "")
        for key, column in items.items():
            if key not in position:
                continue
            raw = cells[position[key]].strip()
            if raw == "":
                continue
            allowed = spec.items[column].spec.scores
            try:
                value = int(raw)
            except ValueError:
                problems.append(
                    Problem(
                        table.file,
                        _("“%(value)s” is not a whole number.") % {"value": raw},
                        row_number,
                        key,
                    )
                )
                continue
            if value not in allowed:
                problems.append(
                    Problem(
                        table.file,
                        _("%(value)d is not an answer of this question (%(allowed)s).")
                        % {"value": value, "allowed": ", ".join(str(v) for v in sorted(allowed))},
                        row_number,
                        key,
                    )
                )
                continue
            answers[number, column] = value
    if problems:
        return None, problems
    return Responses(answers, codes, groups), []


def read_units(table: Table) -> tuple[dict[str, tuple[str, str]] | None, list[Problem]]:
    """code -> (parent code, name) from a units file like the organisation import's."""
    columns: dict[str, int] = {}
    for name, headings in UNIT_HEADINGS.items():
        for at, heading in enumerate(table.headers):
            if heading.strip().lower() in headings:
                columns[name] = at
    missing = [name for name in ("code", "parent") if name not in columns]
    if missing:
        return None, [Problem(table.file, _("The column is missing."), 1, m) for m in missing]
    units: dict[str, tuple[str, str]] = {}
    problems = []
    for row_number, cells in table.rows:
        cells = cells + [""] * (len(table.headers) - len(cells))
        code = cells[columns["code"]].strip()
        if code in units:
            problems.append(Problem(table.file, _("The code is used twice."), row_number, "code"))
        name = cells[columns["name"]].strip() if "name" in columns else code
        units[code] = (cells[columns["parent"]].strip(), name)
    for row_number, cells in table.rows:
        parent = units.get(cells[columns["code"]].strip(), ("", ""))[0]
        if parent and parent not in units:
            problems.append(Problem(table.file, _("No unit has this code."), row_number, "parent"))
    return (None, problems) if problems else (units, [])


def score(
    spec: Spec, responses: Responses, units: dict[str, tuple[str, str]] | None,
    k: int, k_sensitive: int,
) -> list[dict[str, object]]:  # fmt: skip
    """The records of the output: only what may be shown."""
    if units is None:
        units = {code: ("", code) for code in sorted(set(responses.unit_codes))}
    codes = list(units)
    at = {code: number for number, code in enumerate(codes)}
    try:
        tree = with_organisation([at[units[c][0]] if units[c][0] else -1 for c in codes])
    except ValueError as error:
        raise ValueError(_("The units form a cycle.")) from error
    # Respondents without a group form a slice of their own: counted, never listed.
    names = sorted(set(responses.groups) - {""})
    slices = [*names, *([""] if "" in responses.groups else [])]
    position = {name: number for number, name in enumerate(slices)}
    data = Data(
        answers=responses.answers,
        unit_of=np.array([at[code] for code in responses.unit_codes], dtype=np.int64),
        slice_of=np.array([position[g] for g in responses.groups], dtype=np.int64),
        slices=slices,
    )
    outcome = compute(spec, data, tree, k, k_sensitive)
    return list(records(outcome, spec, Units(codes, [units[c][1] for c in codes])))


def write(rows: Sequence[dict[str, object]], path: Path) -> None:
    """CSV (UTF-8, `;`) or XLSX by the file name; unrounded numbers; texts made safe
    (`core.exports`)."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "results"
        sheet.append(OUTPUT_COLUMNS)
        for row in rows:  # a unit named "=..." is text, never a formula
            sheet.append(xlsx_row(sheet, [_plain(row.get(column)) for column in OUTPUT_COLUMNS]))
        book.save(path)
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(OUTPUT_COLUMNS)
    for row in rows:
        values = ("" if (v := _plain(row.get(c))) is None else v for c in OUTPUT_COLUMNS)
        writer.writerow(csv_row(values))  # a unit named "=..." is text, never a formula
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _plain(value: object) -> object:
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return value


def read(path: Path) -> tuple[Table | None, list[Problem]]:
    try:
        data = path.read_bytes()
    except OSError as error:
        return None, [Problem(path.name, str(error))]
    return read_table(data, path.name)
