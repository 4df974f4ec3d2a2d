"""The heatmap as an Excel workbook, exactly as the page shows it: the same rows in the same
order (the organisation first, then each unit under its parent), the same columns, the
unit's level in the organisation as a column and its name indented, a hidden figure as its
short reason, a significant difference as ▲/▼ (the number stays a number Excel can compute
with: the symbol is its number format; the second sheet says what they mean in words), the
page's shades. Frozen header and unit columns, autofilter. Every text is written as text,
never as a formula. (No note per cell: at 3,000 units openpyxl takes seconds to write them.)"""

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from trivsel.core.exports import xlsx_row
from trivsel.reports.hidden import short_text
from trivsel.reports.overview import Cell, Overview, Row

# The page's shades (trivsel/static/trivsel/heatmap.css).
FILLS = {
    "much-worse": "F4B183",
    "worse": "FBE1CF",
    "better": "D2E6F5",
    "much-better": "9CC7E8",
}
FIRST_FIGURE = 5  # column E: level, unit, code, response rate come first


def overview_xlsx(overview: Overview) -> bytes:
    book = Workbook(write_only=True)
    sheet: Worksheet = book.create_sheet(_("Heatmap")[:31])
    header = [_("Level"), _("Unit"), _("Code"), _("Response rate (%)")]
    header += [column.name for column in overview.columns]
    last = get_column_letter(len(header))
    sheet.freeze_panes = f"{get_column_letter(FIRST_FIGURE)}2"
    sheet.auto_filter.ref = f"A1:{last}{len(overview.all_rows) + 1}"
    sheet.column_dimensions["B"].width = 45
    sheet.column_dimensions["D"].width = 12
    bold = Font(bold=True)
    cells = xlsx_row(sheet, header)
    for cell in cells:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.append(cells)
    fills = {name: PatternFill("solid", fgColor=colour) for name, colour in FILLS.items()}
    for row in overview.all_rows:
        sheet.append(_row(sheet, row, fills))
    _legend(book, overview)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _row(sheet: Worksheet, row: Row, fills: dict[str, PatternFill]) -> list[object]:
    name, code = xlsx_row(sheet, [row.name, row.unit.code if row.unit else ""])
    name.alignment = Alignment(indent=row.indent if not row.organisation else 0)
    if row.organisation:
        name.font = Font(bold=True)
    if row.rate is not None:
        rate: object = _number(row.rate)
    else:
        rate = short_text(row.why) if row.why is not None else None
    values = [row.level, name, code, *xlsx_row(sheet, [rate])]
    for cell in row.cells:
        values.append(_cell(sheet, cell, fills))
    return values


def _cell(sheet: Worksheet, cell: Cell, fills: dict[str, PatternFill]) -> object:
    if cell.score is None:
        return xlsx_row(sheet, [short_text(cell.why)])[0] if cell.why is not None else None
    value = WriteOnlyCell(sheet, value=_number(cell.score))
    if cell.shade in fills:
        value.fill = fills[cell.shade]
    verdict = cell.verdict
    if verdict is not None and verdict.significant:  # the words are on the second sheet
        value.number_format = f'0" {verdict.symbol}"'
    return value


def _number(value: Decimal | int) -> int | float:
    return int(value) if value == int(value) else float(value)


def _legend(book: Workbook, overview: Overview) -> None:
    sheet: Worksheet = book.create_sheet(_("Explanation")[:31])
    lines = [
        overview.measurement.name,
        overview.top.name if overview.top is not None else _("Every unit you may see"),
        _(
            "Each unit is compared with the whole organisation. ▲: significantly better, ▼: "
            "significantly worse (a significant difference of at least 5 points; for burnout "
            "and work pace a higher score is worse). The shade says how far the unit is from "
            "the whole organisation, in the better or worse direction."
        ),
        _("“Not shown” cells: fewer than %(k)s answered, or hidden to protect a smaller group.")
        % {"k": overview.min_group},
    ]
    if overview.sort.key:
        lines.append(overview.sorted_text)
    for line in lines:
        sheet.append(xlsx_row(sheet, [line]))
