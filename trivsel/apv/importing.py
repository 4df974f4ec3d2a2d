"""Importing earlier incidents (from a spreadsheet or another system) through the
organisation import's file reading (CSV in UTF-8 or Windows-1252 with `;` or `,`, or XLSX;
Danish or English headings): every problem is listed with its file, row and column, and
nothing is written unless the whole file is valid. An incident already in the register (the
same unit, date, kind, source and description) is not added twice, so a file can be
imported again."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trivsel.apv.models import Incident
from trivsel.core.audit import record
from trivsel.organisation.importing.files import each_row, find_columns, parse_date, read_table
from trivsel.organisation.importing.problems import Problem
from trivsel.organisation.models import Unit

COLUMNS: dict[str, tuple[str, ...]] = {  # field: the headings it may have
    "occurred_on": ("dato", "date"),
    "unit": ("enhedskode", "enhed", "unit code", "unit"),
    "kind": ("type", "hændelse", "kind"),
    "source": ("fra hvem", "from whom", "source"),
    "description": ("beskrivelse", "description"),
    "injury": ("skade", "injury"),
    "first_absence": ("første fraværsdag", "first day of absence"),
    "last_absence": ("sidste fraværsdag", "last day of absence"),
    "reported_to_easy_on": ("anmeldt i easy", "reported to easy"),
}
REQUIRED = ("occurred_on", "unit", "kind", "source", "description")
KINDS = {
    "vold": "violence", "fysisk vold": "violence", "violence": "violence",
    "trusler": "threats", "trussel": "threats", "threats": "threats",
    "mobning": "bullying", "bullying": "bullying",
    "seksuel chikane": "sexual_harassment", "sexual harassment": "sexual_harassment",
    "anden krænkende handling": "other", "andet": "other", "other": "other",
}  # fmt: skip
SOURCES = {
    "borger": "citizen", "pårørende": "citizen", "borger eller pårørende": "citizen",
    "citizen": "citizen", "kollega": "colleague", "colleague": "colleague",
    "leder": "leader", "leader": "leader", "anden": "other", "andre": "other", "other": "other",
}  # fmt: skip
YES, NO = {"ja", "yes", "j", "1", "x"}, {"nej", "no", "n", "0", ""}


@dataclass
class Result:
    problems: list[Problem]
    added: int = 0
    already: int = 0


def _date(text: str) -> date | None:
    return parse_date(text) if text.strip() else None


def import_incidents(data: bytes, filename: str, dry_run: bool = False) -> Result:
    table, problems = read_table(data, filename)
    if table is None:
        return Result(problems)
    where, missing = find_columns(table, COLUMNS, REQUIRED)
    if missing:
        return Result([missing])
    units = {u.code: u for u in Unit.objects.filter(valid_to=None)}
    today = timezone.localdate()
    rows: list[dict[str, object]] = []
    for row in each_row(table, where, problems):
        cell, problem = row.cell, row.problem

        fields: dict[str, object] = {}
        unreadable = set()
        for name in ("occurred_on", "first_absence", "last_absence", "reported_to_easy_on"):
            if name not in where:
                continue
            try:
                fields[name] = _date(cell(name))
            except ValueError:
                unreadable.add(name)
                problem(
                    name,
                    _("“%(value)s” is not a date (use 2025-06-02 or 2.6.2025).")
                    % {"value": cell(name)},
                )
        occurred = fields.get("occurred_on")
        if occurred is None and "occurred_on" not in unreadable:
            problem("occurred_on", _("The date of the incident is missing."))
        elif isinstance(occurred, date) and occurred > today:
            problem("occurred_on", _("The date of the incident cannot be in the future."))
        first = fields.get("first_absence")
        if isinstance(first, date) and isinstance(occurred, date) and first <= occurred:
            problem("first_absence", _("The first day of absence is a day after the incident."))
        unit = units.get(cell("unit"))
        if unit is None:
            problem("unit", _("No open unit has the code “%(code)s”.") % {"code": cell("unit")})
        kind = KINDS.get(cell("kind").lower())
        if kind is None:
            allowed = "vold, trusler, mobning, seksuel chikane, anden krænkende handling"
            problem("kind", _("“%(value)s” is not a kind of incident (%(allowed)s).")
                    % {"value": cell("kind"), "allowed": allowed})  # fmt: skip
        source = SOURCES.get(cell("source").lower())
        if source is None:
            allowed = "borger, kollega, leder, anden"
            problem("source", _("“%(value)s” is not a source (%(allowed)s).")
                    % {"value": cell("source"), "allowed": allowed})  # fmt: skip
        description = cell("description")
        if not description:
            problem("description", _("The description is missing."))
        injury = cell("injury").lower()
        if "injury" in where and injury not in YES | NO:
            problem("injury", _("Write ja or nej."))
        rows.append(fields | {
            "unit": unit, "kind": kind, "source": source, "description": description[:2000],
            "injury": injury in YES,
        })  # fmt: skip
    if problems or dry_run:
        return Result(problems)
    result = Result([])
    with transaction.atomic():
        for fields in rows:
            key = {name: fields[name] for name in ("unit", "occurred_on", "kind", "source",
                                                   "description")}  # fmt: skip
            if Incident.objects.filter(**key).exists():
                result.already += 1
                continue
            Incident.objects.create(**fields)  # type: ignore[arg-type]
            result.added += 1
        record("incidents imported", filename, f"{result.added} added, {result.already} known")
    return result


APV_COLUMNS: dict[str, tuple[str, ...]] = {
    "unit": ("enhedskode", "enhed", "unit code", "unit"),
    "approved_on": ("godkendt", "godkendt den", "approved", "approved on"),
    "note": ("note", "bemærkning", "hvor findes den", "where it is kept"),
}


def import_apvs(data: bytes, filename: str, dry_run: bool = False) -> Result:
    """Earlier APVs made elsewhere: per unit the date it was approved (and where it is kept),
    so the three-year clock runs from it. A unit's APV with the same date is not added
    twice; a unit may have several (the latest counts)."""
    from trivsel.apv.models import Apv

    table, problems = read_table(data, filename)
    if table is None:
        return Result(problems)
    where, missing = find_columns(table, APV_COLUMNS, ("unit", "approved_on"))
    if missing:
        return Result([missing])
    units = {u.code: u for u in Unit.objects.filter(valid_to=None)}
    today = timezone.localdate()
    rows = []
    for row in each_row(table, where, problems):
        cell, problem = row.cell, row.problem

        unit = units.get(cell("unit"))
        if unit is None:
            problem("unit", _("No open unit has the code “%(code)s”.") % {"code": cell("unit")})
        try:
            approved = _date(cell("approved_on"))
        except ValueError:
            approved = None
        if approved is None or approved > today:
            problem("approved_on", _("“%(value)s” is not a date of approval in the past.")
                    % {"value": cell("approved_on")})  # fmt: skip
        rows.append((unit, approved, cell("note")))
    if problems or dry_run:
        return Result(problems)
    result = Result([])
    with transaction.atomic():
        for unit, approved, note in rows:
            assert unit is not None and approved is not None  # checked above
            if Apv.objects.filter(unit=unit, approved_on=approved).exists():
                result.already += 1
                continue
            Apv.objects.create(unit=unit, state=Apv.State.APPROVED, approved_on=approved,
                               imported=f"{filename}: {note}"[:2000])  # fmt: skip
            result.added += 1
        record("APVs imported", filename, f"{result.added} added, {result.already} known")
    return result
