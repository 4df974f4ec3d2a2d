"""The unit report as an Excel workbook: the same content as the page (numbers rounded the
same way), one sheet per section, and a sheet with every shown figure of the unit, one row
each, for analysts; the all-units workbook for HR (the same table for every unit). Nothing
that the page does not show. Every row goes through `core.exports.xlsx_row`: no text can
become a formula."""

import io
from collections.abc import Sequence
from typing import BinaryIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from trivsel.core.exports import table_xlsx, xlsx_row
from trivsel.measurements.models import Measurement
from trivsel.reports.content import Figure, ItemLine, UnitReport
from trivsel.reports.direction import judge
from trivsel.reports.hidden import short_text, unit_text
from trivsel.reports.table import comparison_names, figure_rows


def _sheet(book: Workbook, title: str, header: list[str]) -> Worksheet:
    """A sheet whose last column says why a row's figures are not shown."""
    sheet: Worksheet = book.create_sheet(title[:31])
    _append(sheet, [*header, _("Not shown because")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    return sheet


def _hidden(sheet: Worksheet, leading: list[object], why: str) -> list[object]:
    """A row without figures: the names, then empty cells, the reason in the last column."""
    return [*leading, *[None] * (sheet.max_column - len(leading) - 1), why]


def _finish(sheet: Worksheet) -> None:
    """A frozen header row and a filter on every column, as analysts expect."""
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(sheet.max_column)}{sheet.max_row}"


def _append(sheet: Worksheet, values: Sequence[object]) -> None:
    sheet.append(xlsx_row(sheet, values))


def _number(value: object) -> object:
    """Decimals as numbers Excel can compute with; None as an empty cell."""
    if value is None:
        return None
    return float(value) if not isinstance(value, int | str) else value  # type: ignore[arg-type]


def unit_report_xlsx(report: UnitReport) -> bytes:
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = _("Report")[:31]
    _append(summary, [_("Unit"), report.unit.name, report.unit.code])
    _append(summary, [_("Measurement"), report.measurement.name])
    if report.shown:
        _append(summary, [_("Invited"), _number(report.invited)])
        _append(summary, [_("Answered"), report.respondents])
        _append(summary, [_("Response rate (%)"), _number(report.rate)])
    elif report.why is not None:
        _append(summary, [unit_text(report.why)])
    if report.shown:
        for title, figures in (
            (_("Indices"), report.indices),
            (_("Dimensions"), report.dimensions),
        ):
            sheet = _sheet(
                book,
                title,
                [_("Name"), _("Score"), _("Answers"), *comparison_names(), _("Significant")],
            )
            for figure in figures:
                if figure.why is not None:
                    _append(sheet, _hidden(sheet, [figure.name], short_text(figure.why)))
                else:
                    _append(sheet, _figure_row(figure))
        labels = _option_labels(report.items)
        questions = _sheet(
            book,
            _("Every question"),
            [
                _("Question"),
                _("Dimension"),
                _("Answers"),
                _("Score"),
                _("Unfavourable (%)"),
                _("Neutral (%)"),
                _("Favourable (%)"),
                *(_("%(option)s (%%)") % {"option": label} for label in labels),
            ],
        )
        for line in report.items:
            if line.why is not None:
                row = _hidden(questions, [line.text, line.dimension], short_text(line.why))
            else:
                row = _item_row(line, labels)
            _append(questions, row)
        if report.offensive_asked:
            labels = _option_labels(report.offensive)
            offensive = _sheet(
                book,
                _("Offensive behaviour"),
                [
                    _("Question"),
                    _("Answers"),
                    _("Exposed (%)"),
                    *(_("%(option)s (%%)") % {"option": label} for label in labels),
                ],
            )
            for line in report.offensive:
                if line.why is not None:
                    _append(offensive, _hidden(offensive, [line.text], short_text(line.why)))
                else:
                    _append(
                        offensive,
                        [line.text, line.n, _number(line.exposed), *_option_cells(line, labels)],
                    )
        if report.comments_asked:
            comments = _sheet(book, _("Comments"), [_("Comment")])
            for text in report.comments or []:
                _append(comments, [text])
            if not report.comments and report.comments_why is not None:
                _append(comments, [None, short_text(report.comments_why)])
    if report.subunits:
        subunits = _sheet(
            book, _("Units below"), [_("Unit"), _("Code"), _("Answered"), *report.index_names]
        )
        for sub in report.subunits:
            if sub.why is not None:
                _append(subunits, _hidden(subunits, [sub.unit.name, sub.unit.code],
                                          short_text(sub.why)))  # fmt: skip
            else:
                _append(
                    subunits,
                    [
                        sub.unit.name,
                        sub.unit.code,
                        sub.respondents,
                        *(_number(score) for score in sub.indices),
                    ],
                )
    for sheet in book.worksheets[1:]:
        _finish(sheet)
    _figures_sheet(book, report)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _figures_sheet(book: Workbook, report: UnitReport) -> None:
    """Every shown figure of the unit (every scope and job group), one row each, with a
    frozen header and a filter: the same table as the all-units workbook."""
    sheet: Worksheet = book.create_sheet(_("Every figure")[:31])
    rows = figure_rows(report.measurement, report.unit)
    header = next(rows)
    _append(sheet, header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        _append(sheet, row)
    _finish(sheet)


def all_units_xlsx(measurement: Measurement, output: BinaryIO) -> None:
    """Every shown figure of every unit and of the whole organisation, one table with a
    plain header row (what Power BI reads as is), written as it is read."""
    table_xlsx(figure_rows(measurement), output, _("Every figure"))


def _figure_row(figure: Figure) -> list[object]:
    cells = [None if c is None else _number(c.difference) for c in figure.cells]
    flagged = "; ".join(
        f"{name}: {judge(c.difference or 0, figure.higher_is_better, True).word}"
        for name, c in zip(comparison_names(), figure.cells, strict=True)
        if c is not None and c.flagged
    )
    return [figure.name, _number(figure.score), figure.n, *cells, flagged or None]


def _option_labels(lines: list[ItemLine]) -> list[str]:
    """Every answer option's label among the lines, in order of appearance (questions on the
    same scale share their columns)."""
    return list(dict.fromkeys(share.label for line in lines for share in line.options))


def _option_cells(line: ItemLine, labels: list[str]) -> list[object]:
    shares = {share.label: share.percent for share in line.options}
    return [_number(shares.get(label)) for label in labels]


def _item_row(line: ItemLine, labels: list[str]) -> list[object]:
    return [
        line.text,
        line.dimension,
        line.n,
        _number(line.score),
        _number(line.unfavourable),
        _number(line.neutral),
        _number(line.favourable),
        *_option_cells(line, labels),
    ]
