"""Reading an HR export into rows of strings: CSV (UTF-8 or Windows-1252, `;` or `,`)
or XLSX (exactly one sheet). Nothing here knows what the columns mean."""

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from trivsel.organisation.importing.problems import Problem

XLSX_MAGIC = b"PK\x03\x04"


@dataclass
class Table:
    file: str
    headers: list[str]
    # (row number as a spreadsheet shows it, the cells as strings)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def read_table(data: bytes, filename: str) -> tuple[Table | None, list[Problem]]:
    if not data.strip():
        return None, [Problem(filename, _("The file is empty."))]
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data, filename)
    return _read_csv(data, filename)


def _decode(data: bytes, filename: str) -> tuple[str | None, list[Problem]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        return None, [
            Problem(
                filename,
                _(
                    "The file is not in UTF-8 or Windows-1252 (it looks like UTF-16 or a "
                    "binary file). Save it as CSV UTF-8 or as an Excel workbook."
                ),
            )
        ]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), []
    except UnicodeDecodeError as error:
        return None, [
            Problem(
                filename,
                _("The file is neither UTF-8 nor Windows-1252 (byte %(byte)d cannot be read).")
                % {"byte": error.start + 1},
            )
        ]


def _read_csv(data: bytes, filename: str) -> tuple[Table | None, list[Problem]]:
    text, problems = _decode(data, filename)
    if text is None:
        return None, problems
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as error:
        return None, [
            Problem(filename, _("The CSV file cannot be read: %(error)s") % {"error": error})
        ]
    return _table_from_records(filename, records)


def _read_xlsx(data: bytes, filename: str) -> tuple[Table | None, list[Problem]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None, [Problem(filename, _("The file is not a readable Excel workbook (.xlsx)."))]
    try:
        sheets = workbook.sheetnames
        if len(sheets) != 1:
            return None, [
                Problem(
                    filename,
                    _(
                        "The workbook has %(count)d sheets (%(names)s); it must have exactly "
                        "one. Delete the other sheets and upload it again."
                    )
                    % {"count": len(sheets), "names": ", ".join(sheets)},
                )
            ]
        records = [
            ["" if cell is None else _cell_text(cell) for cell in row]
            for row in workbook[sheets[0]].iter_rows(values_only=True)
        ]
    finally:
        workbook.close()
    return _table_from_records(filename, records)


def _cell_text(value: object) -> str:
    # Excel stores "1001" typed as a number as 1001.0; an HR code is text.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table_from_records(
    filename: str, records: list[list[str]]
) -> tuple[Table | None, list[Problem]]:
    numbered = [
        (number, [cell.strip() for cell in record])
        for number, record in enumerate(records, start=1)
        if any(cell.strip() for cell in record)
    ]
    if not numbered:
        return None, [Problem(filename, _("The file is empty."))]
    # The first non-blank row is the header; blank rows are skipped but keep their numbers.
    headers = numbered[0][1]
    return Table(filename, headers, numbered[1:]), []


@dataclass(frozen=True)
class Row:
    """One row of a table whose columns were found (`find_columns`): its number as a
    spreadsheet shows it, `cell(name)` the stripped text of a column ("" where the row is
    short or the column optional and absent), `problem(name, message)` one problem at this
    row and column."""

    number: int
    cells: list[str]
    table: Table
    where: dict[str, int]
    problems: list[Problem]

    def cell(self, name: str) -> str:
        at = self.where.get(name)
        return self.cells[at].strip() if at is not None and at < len(self.cells) else ""

    def problem(self, name: str, message: str) -> None:
        header = self.table.headers[self.where[name]]
        self.problems.append(Problem(self.table.file, message, self.number, header))


def each_row(table: Table, where: dict[str, int], problems: list[Problem]) -> Iterator[Row]:
    for number, cells in table.rows:
        yield Row(number, cells, table, where, problems)


def parse_date(text: str) -> date:
    """A date as HR files write it: 2025-06-02 or 2.6.2025 (also 02-06-2025, 2/6/2025).
    Raises ValueError for anything else, including an empty cell."""
    text = text.strip()
    found = re.fullmatch(r"(\d{1,2})[.\-/](\d{1,2})[.\-/](\d{4})", text)
    if found:
        day, month, year = (int(part) for part in found.groups())
        return date(year, month, day)
    return date.fromisoformat(text[:10])


def find_columns(
    table: Table, wanted: dict[str, tuple[str, ...]], required: tuple[str, ...]
) -> tuple[dict[str, int], Problem | None]:
    """Where each wanted column is (its accepted headings, Danish or English, in any case),
    and the problem naming the required ones that are missing (None: none is)."""
    headings = {heading.strip().lower(): at for at, heading in enumerate(table.headers)}
    where = {
        name: next(headings[h] for h in names if h in headings)
        for name, names in wanted.items()
        if any(h in headings for h in names)
    }
    missing = [wanted[name][0] for name in required if name not in where]
    if not missing:
        return where, None
    return where, Problem(
        table.file, _("Missing columns: %(names)s.") % {"names": ", ".join(missing)}
    )
