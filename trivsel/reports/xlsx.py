"""The unit report as an Excel workbook: the same content as the page (numbers rounded the
same way), one sheet per section. Nothing that the page does not show."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from trivsel.reports.content import Figure, ItemLine, UnitReport


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
    else:
        summary.append(
            [
                _(
                    "Results cannot be shown for this unit: fewer than %(k)s answered, or showing "
                    "them would let someone work out the answers of fewer than %(k)s people. Their "
                    "answers count in the results of the unit above."
                )
                % {"k": report.min_group}
            ]
        )
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
                [_("Question"), _("Answers"), _("Answers given (%)")],
            )
            if report.offensive:
                for line in report.offensive:
                    offensive.append([line.text, line.n, _options(line)])
            else:
                offensive.append(
                    [_("Not shown: fewer than %(k)s answers") % {"k": report.min_group_sensitive}]
                )
        if report.comments_asked:
            comments = _sheet(book, _("Comments"), [_("Comment")])
            for text in report.comments or []:
                comments.append([text])
            if not report.comments:
                comments.append(
                    [
                        _("Comments are shown only where at least %(k)s people have written one.")
                        % {"k": report.min_group_comments}
                    ]
                )
    if report.subunits:
        subunits = _sheet(
            book, _("Units below"), [_("Unit"), _("Code"), _("Answered"), *report.index_names]
        )
        for sub in report.subunits:
            if sub.respondents is None:
                subunits.append(
                    [
                        sub.unit.name,
                        sub.unit.code,
                        _("Not shown: fewer than %(k)s answers") % {"k": report.min_group},
                    ]
                )
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
