"""Text in files people open in a spreadsheet (Excel workbooks, CSV files) can never become a
formula. A unit name, an employee's name or an anonymous comment beginning with `=`, `+`,
`-`, `@`, a tab or a carriage return would otherwise run as a formula in every leader's
workbook (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`). Every export writes its cells here."""

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: object) -> object:
    """A CSV cell: text that a spreadsheet would read as a formula gets a leading apostrophe
    (what OWASP recommends; Excel shows the text and does not compute it). Numbers and empty
    cells pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(values: Iterable[object]) -> list[object]:
    return [csv_text(value) for value in values]


def xlsx_row(sheet: Worksheet | WriteOnlyWorksheet, values: Iterable[object]) -> list[Any]:
    """A worksheet row in which every text is stored as text (data type "s"), exactly as
    written: Excel shows `=1+2` and never computes it. Use with `sheet.append`."""
    cells: list[Any] = []
    for value in values:
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cells.append(cell)
        else:
            cells.append(value)
    return cells
