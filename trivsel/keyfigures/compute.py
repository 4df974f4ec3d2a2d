"""The monthly key figures of every unit, from the stored employment and spells, with the
pure definitions (trivsel.keyfigures.figures): per unit its own people and with everything
below it — headcount at the month's end, FTE, possible dagsværk, absence dagsværk by cause,
spells by length band, leavers and hires. A figure is shown only where the unit has at least
5 employees and no subtraction of shown units exposes fewer (the results' suppression on the
headcounts); hidden figures are stored as hidden, never shown."""

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.db import transaction

from trivsel.engine.compute import with_organisation
from trivsel.engine.suppression import visible_many
from trivsel.keyfigures.figures import (
    DEFAULT_BANDS,
    band,
    month_bounds,
    scheduled_days,
)
from trivsel.keyfigures.figures import Spell as SpellFact
from trivsel.keyfigures.models import Cause, Employment, MonthFigure, Spell
from trivsel.organisation.models import Unit

MIN_EMPLOYEES = 5  # absence is health data: no figure for fewer
CAUSES = [cause.value for cause in Cause]


def month_figures(month: date) -> int:
    """Compute and store one month's figures for every open unit; returns the units shown."""
    first, last = month_bounds(month)
    units = list(Unit.objects.filter(valid_to=None).order_by("path"))
    at = {unit.pk: number for number, unit in enumerate(units)}
    parents = [at.get(unit.parent_id, -1) if unit.parent_id else -1 for unit in units]
    size = len(units)
    own: dict[str, np.ndarray] = {
        name: np.zeros(size) for name in
        ("headcount", "fte", "possible", "leavers", "hires", *[f"absence:{c}" for c in CAUSES],
         *[f"band:{b}" for b in range(len(DEFAULT_BANDS) + 1)])
    }  # fmt: skip
    length = (last - first).days + 1
    jobs = list(
        Employment.objects.filter(start__lte=last).exclude(end__lt=first)
        .values_list("employee_id", "unit_id", "start", "end", "fraction")
    )  # fmt: skip
    where_on: dict[int, list[tuple[date, date, int, float]]] = defaultdict(list)
    for person, unit_id, start, end, fraction in jobs:
        number = at.get(unit_id)
        if number is None:
            continue
        begin, finish = max(start, first), min(end or last, last)
        where_on[person].append((begin, finish, number, fraction))
        own["fte"][number] += fraction * ((finish - begin).days + 1) / length
        own["possible"][number] += fraction * len(scheduled_days(begin, finish))
        if end is None or end >= last:
            own["headcount"][number] += 1
        if first <= start <= last:
            own["hires"][number] += 1
        if end is not None and first <= end < last:
            own["leavers"][number] += 1
    for person, start, end, cause, hours in Spell.objects.filter(
        start__lte=last, end__gte=first
    ).values_list("employee_id", "start", "end", "cause", "hours_per_day"):
        for begin, finish, number, fraction in where_on.get(person, []):
            cut = (max(begin, start), min(finish, end))
            if cut[0] > cut[1]:
                continue
            fact = SpellFact(start, end, cause, hours, fraction)
            own[f"absence:{cause}"][number] += fact.dagsvaerk(cut)
            if first <= start <= last:  # a spell counts in its band in the month it starts
                own[f"band:{band(fact.calendar_days)}"][number] += 1
    tree = with_organisation(parents)

    def subtree(values: np.ndarray) -> np.ndarray:
        return tree.subtree_totals(np.append(values, 0.0))[:size]

    totals = {name: subtree(values) for name, values in own.items()}
    counts = np.zeros((size + 1, 1, 1), dtype=np.int64)
    counts[:size, 0, 0] = own["headcount"].astype(np.int64)
    shown = visible_many(counts, tree, np.array([MIN_EMPLOYEES])).subtree[:size, 0, 1]
    rows = [
        MonthFigure(unit=unit, month=first, subtree=True, shown=bool(shown[number]),
                    figures=_figures(totals, number) if shown[number] else {})
        for number, unit in enumerate(units)
    ]  # fmt: skip
    with transaction.atomic():
        MonthFigure.objects.filter(month=first).delete()
        MonthFigure.objects.bulk_create(rows, batch_size=2000)
    return int(shown.sum())


def _figures(totals: dict[str, np.ndarray], number: int) -> dict[str, Any]:
    return {name: round(float(values[number]), 4) for name, values in totals.items()}


def all_months(first: date, last: date) -> int:
    """Every month from `first` to `last` (the months an import touched)."""
    month, shown = first.replace(day=1), 0
    while month <= last:
        shown += month_figures(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return shown
