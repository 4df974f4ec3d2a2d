"""Charts as SVG computed in Python, the same in the page and the PDF. Each chart is an
image with a text alternative (aria-label) and the figures it draws are also printed as
numbers in a table next to it: colour never carries the meaning alone. Colours: Okabe-Ito
(colour-blind safe). Only figures a report shows are drawn: a comparison's value is the
shown score minus the shown difference."""

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from trivsel.measurements.models import Measurement
    from trivsel.reports.content import Figure, ItemLine, UnitReport

# Unfavourable, neutral, favourable: vermillion, grey, blue.
COLOURS = {"unfavourable": "#D55E00", "neutral": "#BBBBBB", "favourable": "#0072B2"}
LINES = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'
BOLD = ' font-weight="bold"'


def stacked_bar(segments: Sequence[tuple[str, str, Decimal | None]]) -> SafeString:
    """segments: (kind, label, percent); kinds are keys of COLOURS. A 100-wide bar."""
    parts = []
    x = Decimal(0)
    words = []
    for kind, label, percent in segments:
        if percent is None:
            continue
        words.append(f"{label} {percent} %")
        if percent > 0:
            parts.append(
                f'<rect x="{x}" y="0" width="{percent}" height="10" fill="{COLOURS[kind]}">'
                f"<title>{escape(label)} {percent} %</title></rect>"
            )
        x += percent
    description = escape(", ".join(words))
    return mark_safe(
        f'<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" '
        f'aria-label="{description}" focusable="false">{"".join(parts)}</svg>'
    )


def html_bar(segments: Sequence[tuple[str, str, Decimal | None]]) -> SafeString:
    """The same stacked bar as `stacked_bar` for the PDF, as one box painted with a
    gradient of hard stops: WeasyPrint lays out seventy small SVG images in about a second,
    these boxes in a few milliseconds. (The page keeps the SVG: a Content-Security-Policy
    without inline styles allows it.)"""
    stops = []
    words = []
    at = Decimal(0)
    for kind, label, percent in segments:
        if percent is None:
            continue
        words.append(f"{label} {percent} %")
        if percent > 0:
            stops.append(f"{COLOURS[kind]} {at}%, {COLOURS[kind]} {at + percent}%")
            at += percent
    if at < 100:
        stops.append(f"#f2f2f2 {at}%, #f2f2f2 100%")
    return mark_safe(
        f'<span class="hbar" role="img" aria-label="{escape(", ".join(words))}" '
        f'style="background: linear-gradient(to right, {", ".join(stops)})"></span>'
    )


def item_bars(report: "UnitReport", pdf: bool = False) -> list[tuple["ItemLine", SafeString]]:
    """Each question with its stacked bar: the bad answers, neutral, the good answers (by
    the direction rule: for burnout a low answer is the good one)."""
    bar = html_bar if pdf else stacked_bar
    return [
        (line, bar([("unfavourable", _("Unfavourable"), line.unfavourable),
                    ("neutral", _("Neutral"), line.neutral),
                    ("favourable", _("Favourable"), line.favourable)]))
        for line in report.items
    ]  # fmt: skip


def _against(figure: "Figure", kind: str) -> Decimal | None:
    comparison = figure.comparisons.get(kind)
    if figure.score is None or comparison is None or comparison.difference is None:
        return None
    return figure.score - comparison.difference


def _number(value: Decimal | float) -> str:
    return f"{float(value):.1f}".rstrip("0").rstrip(".")


def score_chart(figures: Sequence["Figure"], title: str) -> SafeString:
    """Horizontal bars (0-100) of the shown figures, each with a mark for the whole
    organisation (black line) and the unit above (grey dashes). Empty if nothing shown."""
    shown = [f for f in figures if f.score is not None and f.on_100]
    if not shown:
        return mark_safe("")
    label_w, bar_w, top = 290, 330, 30
    lower = _("lower is better")
    labels = [_wrap(f.name if f.higher_is_better else f"{f.name} ({lower})", 46) for f in shown]
    row_h = 30 if any(len(lines) > 1 for lines in labels) else 24
    width, height = label_w + bar_w + 50, top + row_h * len(shown) + 22
    this_unit, whole, above = _("This unit"), _("Whole organisation"), _("Unit above")
    out = [
        f'<rect x="{label_w}" y="6" width="10" height="10" fill="#0072B2"/>'
        f'<text x="{label_w + 14}" y="15" font-size="11" {FONT}>{escape(this_unit)}</text>'
    ]
    if any(_against(f, "organisation") is not None for f in shown):  # the marks drawn only
        out.append(
            f'<line x1="{label_w + 110}" x2="{label_w + 110}" y1="4" y2="18" stroke="#000" '
            f'stroke-width="2"/><text x="{label_w + 116}" y="15" font-size="11" {FONT}>'
            f"{escape(whole)}</text>"
        )
    if any(_against(f, "parent") is not None for f in shown):
        out.append(
            f'<line x1="{label_w + 260}" x2="{label_w + 260}" y1="4" y2="18" stroke="#666" '
            f'stroke-width="2" stroke-dasharray="3 2"/><text x="{label_w + 266}" y="15" '
            f'font-size="11" {FONT}>{escape(above)}</text>'
        )
    for tick in (0, 25, 50, 75, 100):
        x = label_w + bar_w * tick / 100
        out.append(
            f'<line x1="{x}" x2="{x}" y1="{top - 4}" y2="{height - 18}" stroke="#ddd"/>'
            f'<text x="{x}" y="{height - 6}" font-size="10" text-anchor="middle" {FONT}>'
            f"{tick}</text>"
        )
    words = []
    for row, figure in enumerate(shown):
        y = top + row * row_h
        assert figure.score is not None
        bar_end = label_w + bar_w * float(figure.score) / 100
        first = y + 15 - 6 * (len(labels[row]) - 1)
        spans = "".join(
            f'<tspan x="{label_w - 8}" y="{first + 12 * number}">{escape(text)}</tspan>'
            for number, text in enumerate(labels[row])
        )
        out.append(
            f'<text font-size="11" text-anchor="end" {FONT}>{spans}</text>'
            f'<rect x="{label_w}" y="{y + 5}" width="{bar_end - label_w:.1f}" '
            f'height="13" fill="#0072B2"/>'
        )
        said = f"{figure.name} {figure.score}"
        value_x, marks = bar_end, []
        for kind, style in (("organisation", 'stroke="#000"'),
                            ("parent", 'stroke="#666" stroke-dasharray="3 2"')):  # fmt: skip
            value = _against(figure, kind)
            if value is None:
                continue
            x = label_w + bar_w * float(min(max(value, Decimal(0)), Decimal(100))) / 100
            out.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y + 2}" y2="{y + 21}" {style} '
                f'stroke-width="2"/>'
            )
            marks.append(x)
            label = _("whole organisation") if kind == "organisation" else _("unit above")
            said += f" ({label} {_number(value)})"
        for x in sorted(marks):  # the score's label goes right of the marks next to it
            if value_x - 2 <= x < value_x + 24:
                value_x = x
        out.append(
            f'<text x="{value_x + 5:.1f}" y="{y + 16}" font-size="11" font-weight="bold" '
            f"{FONT}>{figure.score}</text>"
        )
        words.append(said)
    description = f"{title}: " + "; ".join(words)
    return _svg(width, height, description, out)


TrendLine = tuple[str, Sequence[Decimal | None], Sequence[tuple[float, float] | None]]


def trend_chart(measurements: Sequence["Measurement"], lines: Sequence[TrendLine]) -> SafeString:
    """Lines across the measurements (oldest first), one per figure, each point labelled
    with its value and drawn with its 90 % confidence interval (a whisker: where the true
    mean lies with 90 % certainty, wide for few answers); a gap where a figure was not
    shown."""
    if len(measurements) < 2 or not lines:
        return mark_safe("")
    left, right, top, plot_h = 50, 260, 16, 200
    inset = 60  # the first and last points stand clear of the axis and the chart's edge
    step = (420 - 2 * inset) / (len(measurements) - 1)
    width, height = left + 420 + right, top + plot_h + 40

    def y_of(value: Decimal) -> float:
        return top + plot_h * (1 - float(value) / 100)

    out = []
    for tick in (0, 25, 50, 75, 100):
        y = y_of(Decimal(tick))
        out.append(
            f'<line x1="{left}" x2="{left + 420}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end" {FONT}>'
            f"{tick}</text>"
        )
    for number, measurement in enumerate(measurements):
        out.append(
            f'<text x="{left + inset + step * number:.1f}" y="{top + plot_h + 18}" '
            f'font-size="10" text-anchor="middle" {FONT}>'
            f"{escape(_shorten(measurement.name, 24))}</text>"
        )
    words = []
    for number, (name, values, spans) in enumerate(lines):
        colour = LINES[number % len(LINES)]
        points = [
            (left + inset + step * at, y_of(v)) for at, v in enumerate(values) if v is not None
        ]
        for at, span in enumerate(spans):
            if span is None or values[at] is None:
                continue
            x = left + inset + step * at + (number - (len(lines) - 1) / 2) * 3  # side by side
            low, high = (y_of(Decimal(str(max(0.0, min(100.0, b))))) for b in span)
            out.append(
                f'<path d="M{x - 3:.1f},{low:.1f}H{x + 3:.1f}M{x:.1f},{low:.1f}V{high:.1f}'
                f'M{x - 3:.1f},{high:.1f}H{x + 3:.1f}" stroke="{colour}" stroke-width="1" '
                f'stroke-opacity="0.7" fill="none"/>'
            )
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for (x, y), value in zip(points, [v for v in values if v is not None], strict=True):
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>')
            if len(lines) <= 2:  # more lines' labels run into each other: the table has them
                out.append(
                    f'<text x="{x:.1f}" y="{y - 7 if number % 2 == 0 else y + 15:.1f}" '
                    f'font-size="10" text-anchor="middle" {FONT}>{value}</text>'
                )
        legend_y = top + 14 + number * 18
        out.append(
            f'<rect x="{left + 440}" y="{legend_y - 9}" width="14" height="4" fill="{colour}"/>'
            f'<text x="{left + 460}" y="{legend_y - 3}" font-size="11" {FONT}>'
            f"{escape(_shorten(name, 36))}</text>"
        )
        shown_values = ", ".join(
            f"{m.name} {'–' if v is None else v}"
            + ("" if span is None or v is None else f" [{span[0]:.0f}; {span[1]:.0f}]")
            for m, v, span in zip(measurements, values, spans, strict=True)
        )
        words.append(f"{name}: {shown_values}")
    return _svg(width, height, _("Over time") + ": " + "; ".join(words), out)


def compass(parts: Sequence["Figure"], title: str) -> SafeString:
    """The parts of an index (social capital's four: bonding, bridging and the two kinds of
    linking) on axes from the centre (0) to the edge (100): this unit's shape filled, the
    whole organisation's a black line (as its mark in the bar charts). Empty unless every
    part is shown."""
    if len(parts) < 3 or any(part.score is None or not part.on_100 for part in parts):
        return mark_safe("")
    width, height, radius = 680, 420, 125
    cx, cy = width / 2, height / 2 + 10
    this_unit, whole = _("This unit"), _("Whole organisation")
    organisation = [_against(part, "organisation") for part in parts]
    out = [  # the same legend as the bar charts': the unit in blue, the organisation black
        f'<rect x="0" y="6" width="12" height="12" fill="#0072B2" fill-opacity="0.6"/>'
        f'<text x="18" y="17" font-size="13" {FONT}>{escape(this_unit)}</text>'
    ]
    if all(value is not None for value in organisation):
        out.append(
            f'<line x1="0" x2="12" y1="32" y2="32" stroke="#000" stroke-width="2"/>'
            f'<text x="18" y="37" font-size="13" {FONT}>{escape(whole)}</text>'
        )

    def point(at: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * at / len(parts)
        return (cx + radius * value / 100 * math.cos(angle),
                cy + radius * value / 100 * math.sin(angle))  # fmt: skip

    for ring in (25, 50, 75, 100):
        ring_points = " ".join(
            f"{x:.1f},{y:.1f}" for x, y in (point(at, ring) for at in range(len(parts)))
        )
        out.append(f'<polygon points="{ring_points}" fill="none" stroke="#ddd"/>')
    words = []
    for at, part in enumerate(parts):
        x, y = point(at, 100)
        out.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="#bbb"/>')
        side = abs(x - cx) >= 1
        anchor = "middle" if not side else ("start" if x > cx else "end")
        label_x = x + (8 if x > cx else -8) if side else x
        lines = [*_wrap(part.name, 22, 3), str(part.score)]
        first_y = y - 8 - 16 * (len(lines) - 1) if y < cy - 1 else (
            y + 18 if y > cy + 1 else y - 8 * (len(lines) - 1) + 5)  # fmt: skip
        spans = "".join(
            f'<tspan x="{label_x:.1f}" y="{first_y + 16 * number:.1f}"'
            f"{BOLD if number == len(lines) - 1 else ''}>{escape(text)}</tspan>"
            for number, text in enumerate(lines)
        )
        out.append(f'<text font-size="14" text-anchor="{anchor}" {FONT}>{spans}</text>')
        words.append(f"{part.name} {part.score}")
    if all(value is not None for value in organisation):
        corners = (point(at, float(v or 0)) for at, v in enumerate(organisation))
        outline = " ".join(f"{x:.1f},{y:.1f}" for x, y in corners)
        out.append(f'<polygon points="{outline}" fill="none" stroke="#000" stroke-width="2"/>')
        words.append(
            _("whole organisation") + " " + ", ".join(_number(v or 0) for v in organisation)
        )
    corners = (point(at, float(part.score or 0)) for at, part in enumerate(parts))
    shape = " ".join(f"{x:.1f},{y:.1f}" for x, y in corners)
    out.append(
        f'<polygon points="{shape}" fill="#0072B2" fill-opacity="0.35" stroke="#0072B2" '
        f'stroke-width="2"/>'
    )
    return _svg(width, height, f"{title}: " + "; ".join(words), out)


def _wrap(text: str, width: int, most: int = 2) -> list[str]:
    """At most `most` lines of about `width` characters, broken between words."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) <= most:
        return lines
    return [*lines[: most - 1], _shorten(" ".join(lines[most - 1 :]), width)]


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _svg(width: float, height: float, description: str, parts: list[str]) -> SafeString:
    return mark_safe(
        f'<svg class="chart" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-label="{escape(description)}" focusable="false" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )


def _trend_lines(report: "UnitReport") -> list[TrendLine]:
    """The indices over time (the table under the chart has every dimension too); without
    indices, the first dimensions (or questions), each with its intervals."""
    names = set(report.index_names)
    lines: list[TrendLine] = [
        (name, values, spans)
        for (name, values), spans in zip(report.trend, report.trend_intervals, strict=True)
    ]
    return [line for line in lines if line[0] in names] or lines[:5]


def report_charts(report: "UnitReport") -> dict[str, SafeString]:
    """Every chart of a unit report, for the page and the PDF alike."""
    return {
        "indices": score_chart(report.indices, _("Indices")),
        "dimensions": score_chart(report.dimensions, _("Dimensions")),
        "trend": trend_chart(report.trend_measurements, _trend_lines(report)),
        "compass": compass(report.compass, report.compass_name),
    }


def report_context(report: "UnitReport", pdf: bool = False) -> dict[str, object]:
    """What the unit report's templates (page and PDF) need besides the request."""
    return {"report": report, "bars": item_bars(report, pdf), "charts": report_charts(report)}
