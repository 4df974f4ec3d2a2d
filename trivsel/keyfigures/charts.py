"""The key-figures page's chart: sickness absence % month by month as bars, with the rolling
twelve months as a line and the same month last year as marks — an SVG with a text
description (the table under it has every number)."""

from datetime import date

from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'


def absence_chart(rows: list[dict[str, object]]) -> SafeString:
    """`rows`: oldest first, each with month, shown, percentage, rolling, last_year."""
    values = [
        v for row in rows for v in (row.get("percentage"), row.get("rolling"),
                                    row.get("last_year")) if isinstance(v, float)
    ]  # fmt: skip
    if not values:
        return mark_safe("")
    top = max(2.0, max(values) * 1.15)
    left, width, height, plot = 44, 640, 250, 190
    step = (width - left - 20) / max(1, len(rows))

    def y(value: float) -> float:
        return 20 + plot * (1 - value / top)

    out = []
    for tick in range(0, int(top) + 1, max(1, int(top // 4) or 1)):
        out.append(f'<line x1="{left}" x2="{width - 10}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                   f'stroke="#ddd"/><text x="{left - 6}" y="{y(tick) + 4:.1f}" font-size="10" '
                   f'text-anchor="end" {FONT}>{tick} %</text>')  # fmt: skip
    rolling_points, words = [], []
    for number, row in enumerate(rows):
        x = left + step * number + step * 0.15
        month = row["month"]
        assert isinstance(month, date)
        label = date_format(month, "b y")
        out.append(f'<text x="{x + step * 0.35:.1f}" y="{20 + plot + 16}" font-size="9" '
                   f'text-anchor="middle" {FONT}>{escape(label)}</text>')  # fmt: skip
        percentage, rolling, last_year = (
            row.get("percentage"),
            row.get("rolling"),
            row.get("last_year"),
        )
        if isinstance(percentage, float):
            out.append(f'<rect x="{x:.1f}" y="{y(percentage):.1f}" width="{step * 0.7:.1f}" '
                       f'height="{20 + plot - y(percentage):.1f}" fill="#0072B2" '
                       f'fill-opacity="0.75"/>')  # fmt: skip
        if isinstance(last_year, float):
            out.append(f'<line x1="{x:.1f}" x2="{x + step * 0.7:.1f}" y1="{y(last_year):.1f}" '
                       f'y2="{y(last_year):.1f}" stroke="#000" stroke-width="2" '
                       f'stroke-dasharray="3 2"/>')  # fmt: skip
        if isinstance(rolling, float):
            rolling_points.append(f"{x + step * 0.35:.1f},{y(rolling):.1f}")
        words.append(f"{label}: " + (f"{percentage:.1f} %" if isinstance(percentage, float)
                                     else "–"))  # fmt: skip
    if len(rolling_points) > 1:
        out.append(f'<polyline points="{" ".join(rolling_points)}" fill="none" '
                   f'stroke="#D55E00" stroke-width="2.5"/>')  # fmt: skip
    legend_y = height - 12
    absence, rolling, last_year = (_("Sickness absence %"), _("Rolling 12 months"),
                                   _("Same month last year"))  # fmt: skip
    out.append(
        f'<rect x="{left}" y="{legend_y - 9}" width="12" height="10" fill="#0072B2" '
        f'fill-opacity="0.75"/><text x="{left + 16}" y="{legend_y}" font-size="11" {FONT}>'
        f"{escape(absence)}</text>"
        f'<line x1="{left + 170}" x2="{left + 190}" y1="{legend_y - 4}" y2="{legend_y - 4}" '
        f'stroke="#D55E00" stroke-width="2.5"/><text x="{left + 195}" y="{legend_y}" '
        f'font-size="11" {FONT}>{escape(rolling)}</text>'
        f'<line x1="{left + 340}" x2="{left + 360}" y1="{legend_y - 4}" y2="{legend_y - 4}" '
        f'stroke="#000" stroke-width="2" stroke-dasharray="3 2"/><text x="{left + 365}" '
        f'y="{legend_y}" font-size="11" {FONT}>{escape(last_year)}</text>'
    )
    description = _("Sickness absence by month") + ": " + "; ".join(words)
    return _svg(width, height, description, out)


def bar_chart(items: list[tuple[str, float]], title: str, unit: str = "", decimals: int = 1,
              ) -> SafeString:  # fmt: skip
    """Horizontal bars, one a line, each labelled with its value (the causes of absence, the
    spells by length); `title` also describes it to a screen reader."""
    if not items or max(value for _label, value in items) <= 0:
        return mark_safe("")
    top = max(value for _label, value in items)
    left, width, row = 190, 640, 26
    height = row * len(items) + 10
    out, words = [], []
    for number, (label, value) in enumerate(items):
        y = 5 + row * number
        length = (width - left - 150) * value / top
        text = number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
        text += f" {unit}" if unit else ""
        out.append(f'<text x="{left - 8}" y="{y + 15}" font-size="12" text-anchor="end" '
                   f'{FONT}>{escape(label)}</text><rect x="{left}" y="{y + 3}" '
                   f'width="{length:.1f}" height="{row - 8}" fill="#0072B2" fill-opacity="0.75"/>'
                   f'<text x="{left + length + 6:.1f}" y="{y + 15}" font-size="12" {FONT}>'
                   f"{escape(text)}</text>")  # fmt: skip
        words.append(f"{label}: {text}")
    description = f"{title}: " + "; ".join(words)
    return _svg(width, height, description, out)


def staff_chart(rows: list[dict[str, object]]) -> SafeString:
    """Headcount at each month's end (bars) and FTE (line), oldest first."""
    shown = [row for row in rows if isinstance(row.get("headcount"), float)]
    if not shown:
        return mark_safe("")
    top = max(float(row["headcount"]) for row in shown) * 1.15  # type: ignore[arg-type]
    left, width, height, plot = 44, 640, 230, 170
    step = (width - left - 20) / max(1, len(rows))

    def y(value: float) -> float:
        return 20 + plot * (1 - value / top)

    out, words, points = [], [], []
    for number, row in enumerate(rows):
        x = left + step * number + step * 0.15
        month = row["month"]
        assert isinstance(month, date)
        label = date_format(month, "b y")
        out.append(f'<text x="{x + step * 0.35:.1f}" y="{20 + plot + 16}" font-size="9" '
                   f'text-anchor="middle" {FONT}>{escape(label)}</text>')  # fmt: skip
        heads, fte = row.get("headcount"), row.get("fte")
        if isinstance(heads, float):
            out.append(f'<rect x="{x:.1f}" y="{y(heads):.1f}" width="{step * 0.7:.1f}" '
                       f'height="{20 + plot - y(heads):.1f}" fill="#56B4E9" '
                       f'fill-opacity="0.8"/>')  # fmt: skip
        if isinstance(fte, float):
            points.append(f"{x + step * 0.35:.1f},{y(fte):.1f}")
        words.append(f"{label}: " + (f"{heads:.0f} / {fte:.1f}" if isinstance(heads, float)
                                     and isinstance(fte, float) else "–"))  # fmt: skip
    for tick in (0, round(top / 2.3), round(top / 1.15)):
        out.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" font-size="10" '
                   f'text-anchor="end" {FONT}>{tick:.0f}</text>')  # fmt: skip
    if len(points) > 1:
        out.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="#D55E00" '
                   f'stroke-width="2.5"/>')  # fmt: skip
    legend_y = height - 12
    heads_label, fte_label = _("Headcount at the end of the month"), _("FTE")
    out.append(
        f'<rect x="{left}" y="{legend_y - 9}" width="12" height="10" fill="#56B4E9"/>'
        f'<text x="{left + 16}" y="{legend_y}" font-size="11" {FONT}>'
        f"{escape(heads_label)}</text>"
        f'<line x1="{left + 250}" x2="{left + 270}" y1="{legend_y - 4}" y2="{legend_y - 4}" '
        f'stroke="#D55E00" stroke-width="2.5"/><text x="{left + 275}" y="{legend_y}" '
        f'font-size="11" {FONT}>{escape(fte_label)}</text>'
    )
    description = _("Headcount and FTE by month") + ": " + "; ".join(words)
    return _svg(width, height, description, out)


def _svg(width: int, height: int, description: str, parts: list[str]) -> SafeString:
    """The chart's parts as one SVG, described in words to a screen reader."""
    return mark_safe(
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(description)}" focusable="false" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )
