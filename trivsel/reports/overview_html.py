"""The heatmap's rows as HTML, built here rather than in a template: at 8 levels the table
has ~3,000 rows of ~25 cells, which the template engine renders in seconds; here it takes a
fraction of that, because a cell's HTML depends only on its score, shade and verdict (or its
reason) and is made once per request. Every text is escaped. A hidden cell says why as
reports/why_mark.html does; ▲/▼ and the word come from the direction rule."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote, urlencode

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from trivsel.reports.direction import Verdict
from trivsel.reports.hidden import Why
from trivsel.reports.overview import BEST, RATE, WORST, Cell, Overview, Row

SAFE_IN_PATH = "!$&'()*+,;=/~:@"  # what `reverse` leaves unquoted in a path
MARKS = {"protects": "◦", "not_built": "…", "too_few": "–"}


@dataclass(frozen=True)
class Header:
    """A column heading: its link sorts the siblings by it, worst first (again: best first)."""

    name: str
    href: str
    aria_sort: str  # "ascending", "descending" or "" (not sorted by this column)


def headers(overview: Overview, query: str) -> list[Header]:
    """The response rate's and every column's heading; `query`: the view's query without
    the sort."""
    found = []
    keys = [(RATE, _("Response rate"), True)] + [
        (column.key, column.name, column.higher_is_better) for column in overview.columns
    ]
    for key, name, higher_is_better in keys:
        current = overview.sort.key == key
        order = BEST if current and overview.sort.order == WORST else WORST
        aria = ""
        if current:  # worst first is ascending where a higher score is better
            ascending = (overview.sort.order == WORST) == higher_is_better
            aria = "ascending" if ascending else "descending"
        sort = urlencode({"sort": key, "order": order})
        found.append(Header(name, f"?{query}&{sort}" if query else f"?{sort}", aria))
    return found


class _Cells:
    """Each distinct cell's HTML, made once."""

    def __init__(self) -> None:
        self.made: dict[object, str] = {}

    def why(self, why: Why) -> str:
        key = (why.reason, why.k)
        if key not in self.made:
            text = escape(why.text)
            self.made[key] = (
                f'<span aria-hidden="true" title="{text}">{MARKS[why.reason]}</span>'
                f'<span class="visually-hidden">{text}</span>'
            )
        return self.made[key]

    def verdict(self, verdict: Verdict | None) -> str:
        if verdict is None or not verdict.significant:
            return ""
        key = (verdict.way, True)
        if key not in self.made:
            self.made[key] = (
                f' <span class="{verdict.css}" aria-hidden="true">{verdict.symbol}</span>'
                f'<span class="visually-hidden"> ({escape(verdict.word)})</span>'
            )
        return self.made[key]

    def cell(self, cell: Cell) -> str:
        if cell.score is None:
            inner = self.why(cell.why) if cell.why is not None else "–"
            return f'<td class="num">{inner}</td>'
        way = cell.verdict.way if cell.verdict is not None and cell.verdict.significant else ""
        key = (cell.score, cell.shade, way)
        if key not in self.made:
            self.made[key] = (
                f'<td class="num shade-{cell.shade}">{cell.score}{self.verdict(cell.verdict)}</td>'
            )
        return self.made[key]

    def rate(self, row: Row) -> str:
        rate: Decimal | None = row.rate
        if rate is not None:
            return f'<td class="num">{rate} %</td>'
        return f'<td class="num">{self.why(row.why) if row.why is not None else "–"}</td>'


class _Links:
    """Links to the units' reports: `reverse` once, then the code put in (as `reverse`
    quotes it); reversing 3,000 times costs a third of a second."""

    def __init__(self, overview: Overview) -> None:
        marker = "CODE"
        url = reverse("reports:unit", args=[overview.measurement.pk, marker])
        self.before, self.after = url.rsplit(marker, 1)

    def link(self, row: Row) -> str:
        name = escape(row.name)
        if row.unit is None:
            return name
        code = quote(row.unit.code, safe=SAFE_IN_PATH)
        return f'<a href="{escape(self.before + code + self.after)}">{name}</a>'


def organisation_row(overview: Overview) -> SafeString:
    """The whole organisation's row (with the root unit where that is the organisation)."""
    cells = _Cells()
    row = overview.organisation
    return mark_safe(  # every text in it is escaped
        f'<tr class="organisation"><th scope="row">{_Links(overview).link(row)}</th>'
        + cells.rate(row)
        + "".join(cells.cell(cell) for cell in row.cells)
        + "</tr>"
    )


def unit_rows(overview: Overview) -> SafeString:
    """The units' rows, each with its depth in the table's tree (for the indent and the
    script that collapses a unit's descendants: the rows after it that are deeper)."""
    cells = _Cells()
    links = _Links(overview)
    parts = []
    for row in overview.rows:
        parts.append(
            f'<tr data-level="{row.indent}"><th scope="row" class="lv-{min(row.indent, 7)}">'
            f"{links.link(row)}</th>"
            + cells.rate(row)
            + "".join(cells.cell(cell) for cell in row.cells)
            + "</tr>\n"
        )
    return mark_safe("".join(parts))  # every text in it is escaped


def unit_options(units: Iterable[tuple[str, str]]) -> SafeString:
    """The unit picker's choices, "name (code)", from (name, code) pairs."""
    return mark_safe(  # escaped
        "".join(f'<option value="{escape(f"{name} ({code})")}"></option>' for name, code in units)
    )
