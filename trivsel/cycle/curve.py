"""The response curve as an inline SVG: the share who have answered, day by day since the
collection opened, this measurement against the one before it. The per-day table under it
gives the same figures in words."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

Curve = list[tuple[int, float]]  # (day since opening, % answered so far)


def curve_svg(now: Curve, before: Curve, days: int, now_name: str, before_name: str) -> SafeString:
    if not now and not before:
        return mark_safe("")
    days = max(days, *(day for day, _ in now + before), 1)
    left, top, width, height = 44, 12, 560, 200
    out = []

    def x(day: int) -> float:
        return left + width * day / days

    def y(percent: float) -> float:
        return top + height * (1 - percent / 100)

    for tick in (0, 25, 50, 75, 100):
        out.append(
            f'<line x1="{left}" x2="{left + width}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="#ddd"/><text x="{left - 6}" y="{y(tick) + 4:.1f}" font-size="11" '
            f'text-anchor="end">{tick} %</text>'
        )
    for day in range(0, days + 1, max(1, days // 7)):
        out.append(
            f'<text x="{x(day):.1f}" y="{top + height + 16}" font-size="11" '
            f'text-anchor="middle">{day}</text>'
        )
    # (gettext outside the f-strings: makemessages does not look inside their braces)
    axis_label = _("Days since the collection opened")
    out.append(
        f'<text x="{left + width / 2}" y="{top + height + 32}" font-size="11" '
        f'text-anchor="middle">{escape(axis_label)}</text>'
    )
    words = []
    for curve, name, style in ((before, before_name, 'stroke="#777" stroke-dasharray="5 3"'),
                               (now, now_name, 'stroke="#0072B2"')):  # fmt: skip
        if not curve:
            continue
        points = [(0, 0.0), *curve]
        path = " ".join(f"{x(day):.1f},{y(percent):.1f}" for day, percent in points)
        out.append(f'<polyline points="{path}" fill="none" stroke-width="2.5" {style}/>')
        last_day, last = curve[-1]
        words.append(
            _("%(name)s: %(percent)s %% after %(days)s days")
            % {"name": name, "percent": round(last), "days": last_day}
        )
    legend_y = top + height + 50
    out.append(
        f'<line x1="{left}" x2="{left + 24}" y1="{legend_y}" y2="{legend_y}" stroke="#0072B2" '
        f'stroke-width="2.5"/><text x="{left + 30}" y="{legend_y + 4}" font-size="12">'
        f"{escape(now_name)}</text>"
    )
    if before:
        out.append(
            f'<line x1="{left + 300}" x2="{left + 324}" y1="{legend_y}" y2="{legend_y}" '
            f'stroke="#777" stroke-dasharray="5 3" stroke-width="2.5"/><text '
            f'x="{left + 330}" y="{legend_y + 4}" font-size="12">{escape(before_name)}</text>'
        )
    label = _("Response rate day by day") + ": " + "; ".join(words)
    return mark_safe(
        f'<svg class="chart" viewBox="0 0 {left + width + 20} {legend_y + 12}" role="img" '
        f'aria-label="{escape(label)}" '
        f'focusable="false" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="DejaVu Sans, sans-serif">{"".join(out)}</svg>'
    )
