"""Sections that apps above the reports add to a unit report without the reports
depending on them (the dialogue's "Siden sidst" at the head of a follow-up report). Each
section is a function (measurement, unit, the reader's access) -> HTML, "" for nothing;
registered from the app's `ready()`."""

from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit

Section = Callable[[Measurement, Unit, Any], str]
PanelLine = Callable[[Unit, Any], str]
_heads: dict[str, Section] = {}
_tails: dict[str, Section] = {}
_panel_lines: dict[str, PanelLine] = {}


def register_head(name: str, section: Section) -> None:
    """Add a section at the head of every unit report (once per name)."""
    _heads[name] = section


def heads(measurement: Measurement, unit: Unit, access: Any) -> SafeString:
    """The registered head sections for this report and reader (`access` None: a report
    made for no one in particular, such as the bulk PDFs: sections that depend on the
    reader are left out)."""
    return mark_safe("".join(section(measurement, unit, access) for section in _heads.values()))


def register_tail(name: str, section: Section) -> None:
    """Add a section after the results of every unit report (once per name)."""
    _tails[name] = section


def tails(measurement: Measurement, unit: Unit, access: Any) -> SafeString:
    """The registered sections after the results (the unit's key figures beside them)."""
    return mark_safe("".join(section(measurement, unit, access) for section in _tails.values()))


def register_panel_line(name: str, line: PanelLine) -> None:
    """Add a line to each unit's panel on the dashboard (the unit's sickness absence beside
    its survey results): a function (unit, the reader's access) -> HTML, "" for nothing."""
    _panel_lines[name] = line


def panel_lines(unit: Unit, access: Any) -> SafeString:
    return mark_safe("".join(line(unit, access) for line in _panel_lines.values()))
