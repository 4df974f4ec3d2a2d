"""The unit report as an Excel workbook: the same content as the page (numbers rounded the
same way), one sheet per section. Nothing that the page does not show."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from trivsel.reports.content import Figure, ItemLine, UnitReport
from trivsel.reports.hidden import short_text, unit_text


def _sheet(book: Workbook, title: str, header: list[str]) -> Worksheet:
    sheet: Worksheet = book.create_sheet(title[:31])
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    return sheet


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
    summary.append([_("Unit"), report.unit.name, report.unit.code])
    summary.append([_("Measurement"), report.measurement.name])
    if report.shown:
        summary.append([_("Invited"), _number(report.invited)])
        summary.append([_("Answered"), report.respondents])
        summary.append([_("Response rate (%)"), _number(report.rate)])
    elif report.why is not None:
        summary.append([unit_text(report.why)])
    comparison_headers = [
        _("Since last time"),
        _("Against the unit above"),
        _("Against the whole organisation"),
        _("Against the reference value"),
    ]
    if report.shown:
        for title, figures in (
            (_("Indices"), report.indices),
            (_("Dimensions"), report.dimensions),
        ):
            sheet = _sheet(
                book,
                title,
                [_("Name"), _("Score"), _("Answers"), *comparison_headers, _("Significant")],
            )
            for figure in figures:
                sheet.append(_figure_row(figure))
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
                _("Answers given (%)"),
            ],
        )
        for line in report.items:
            questions.append(_item_row(line))
        if report.offensive_asked:
            offensive = _sheet(
                book,
                _("Offensive behaviour"),
                [_("Question"), _("Answers"), _("Exposed (%)"), _("Answers given (%)")],
            )
            for line in report.offensive:
                if line.why is not None:
                    offensive.append([line.text, short_text(line.why)])
                else:
                    offensive.append([line.text, line.n, _number(line.exposed), _options(line)])
        if report.comments_asked:
            comments = _sheet(book, _("Comments"), [_("Comment")])
            for text in report.comments or []:
                comments.append([text])
            if not report.comments and report.comments_why is not None:
                comments.append([short_text(report.comments_why)])
    if report.subunits:
        subunits = _sheet(
            book, _("Units below"), [_("Unit"), _("Code"), _("Answered"), *report.index_names]
        )
        for sub in report.subunits:
            if sub.why is not None:
                subunits.append([sub.unit.name, sub.unit.code, short_text(sub.why)])
            else:
                subunits.append(
                    [
                        sub.unit.name,
                        sub.unit.code,
                        sub.respondents,
                        *(_number(score) for score in sub.indices),
                    ]
                )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _figure_row(figure: Figure) -> list[object]:
    if figure.why is not None:
        return [figure.name, short_text(figure.why)]
    cells = [None if c is None else _number(c.difference) for c in figure.cells]
    flagged = ", ".join(
        name
        for name, c in zip(
            ("previous", "parent", "organisation", "reference"), figure.cells, strict=True
        )
        if c is not None and c.flagged
    )
    return [figure.name, _number(figure.score), figure.n, *cells, flagged or None]


def _options(line: ItemLine) -> str:
    return "; ".join(f"{share.label}: {share.percent or 0} %" for share in line.options)


def _item_row(line: ItemLine) -> list[object]:
    if line.why is not None:
        return [line.text, line.dimension, short_text(line.why)]
    return [
        line.text,
        line.dimension,
        line.n,
        _number(line.score),
        _number(line.unfavourable),
        _number(line.neutral),
        _number(line.favourable),
        _options(line),
    ]
