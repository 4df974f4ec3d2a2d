"""Charts as SVG computed in Python, the same in the page and (later) the PDF. Each chart
has a text alternative (aria-label) and the figures it draws are also printed as numbers
next to it: colour never carries the meaning alone. Colours: Okabe-Ito (colour-blind safe)."""

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from trivsel.reports.content import ItemLine, UnitReport

# Unfavourable, neutral, favourable: vermillion, grey, blue.
COLOURS = {"unfavourable": "#D55E00", "neutral": "#BBBBBB", "favourable": "#0072B2"}


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


def item_bars(report: "UnitReport") -> list[tuple["ItemLine", SafeString]]:
    """Each question of a report with its stacked bar (unfavourable, neutral, favourable)."""
    return [
        (line, stacked_bar([("unfavourable", _("Unfavourable"), line.unfavourable),
                            ("neutral", _("Neutral"), line.neutral),
                            ("favourable", _("Favourable"), line.favourable)]))
        for line in report.items
    ]  # fmt: skip
