"""The demo's HR key-figure files: employment for every active employee and 25 months of
absence spells, seasonal (more in the winter) and varying by unit, written as the payroll
export would be and loaded through the real import (trivsel.keyfigures.importing), then
every month computed."""

import random
from datetime import date, timedelta

from django.utils import timezone

from trivsel.keyfigures.compute import rebuild
from trivsel.keyfigures.figures import add_months
from trivsel.keyfigures.importing import import_absence, import_employment
from trivsel.keyfigures.models import Employment
from trivsel.organisation.models import Employee

MONTHS = 25
CODES = [("S", 0.80), ("B", 0.08), ("A", 0.03), ("O", 0.09)]


def files(seed: int, today: date) -> tuple[bytes, bytes]:
    """The employment and absence files of the demo's active employees (semicolon CSV, as
    an HR export), 25 months up to today."""
    people = (Employee.objects.filter(is_active=True).order_by("number")
              .values_list("number", "unit__code"))  # fmt: skip
    return payroll(list(people), seed, add_months(today.replace(day=1), -MONTHS), today)


def payroll(people: list[tuple[str, str]], seed: int, first: date, until: date,
            spells_a_year: float = 6.0) -> tuple[bytes, bytes]:  # fmt: skip
    """Employment (each person from some day before `first`, in their unit, with weekly
    hours) and spells of absence from `first` to the day before `until`: about
    `spells_a_year` a person, half again as many in the winter months, more in some units
    than others, mostly a few days and now and then a long one. About 16 % are hired during
    the period (about two years), 16 % leave, and a quarter of those come back 1-4 months
    later (a substitute, say): a turnover of some 6-8 % a year.
    The demo's register has no former employees, so those who left for good are still in it
    (a register import would deactivate them)."""
    rng = random.Random(seed)
    unit_rate: dict[str, float] = {}
    employment = ["Medarbejdernummer;Fra;Til;Enhedskode;Ugentlige timer"]
    absence = ["Medarbejdernummer;Fra;Til;Fraværskode;Timer pr. dag"]
    codes, weights = [c for c, _w in CODES], [w for _c, w in CODES]
    peak = 1.5  # the winter's rate; other months are thinned to 0.8 of the base
    for number, unit in people:
        rate = unit_rate.setdefault(unit, rng.uniform(0.6, 1.6))
        hours = rng.choices([37, 32, 30, 25, 18.5], [70, 10, 10, 5, 5])[0]
        weekly = str(hours).replace(".", ",")
        started = first - timedelta(days=rng.randint(0, 3000))
        gap: tuple[date, date] | None = None
        draw = rng.random()
        if draw < 0.16:  # hired during the period
            started = first + timedelta(days=rng.randint(0, max(1, (until - first).days - 30)))
        elif draw < 0.32:  # left during the period; a quarter came back (a substitute, say)
            left = first + timedelta(days=rng.randint(0, max(1, (until - first).days - 120)))
            gap = (left + timedelta(days=1), left + timedelta(days=rng.randint(30, 110)))
            if draw < 0.28:
                gap = (gap[0], until + timedelta(days=1))
            employment.append(f"{number};{started.isoformat()};{left.isoformat()};{unit};{weekly}")
            started = gap[1] + timedelta(days=1)
        if started <= until:
            employment.append(f"{number};{started.isoformat()};;{unit};{weekly}")
        daily = rate * peak * spells_a_year / 365
        day = max(first, started if gap is None else first)
        day += timedelta(days=int(rng.expovariate(daily)))
        while day < until:
            in_gap = gap is not None and gap[0] - timedelta(days=75) <= day <= gap[1]
            if not in_gap and rng.random() < (1.0 if day.month in (12, 1, 2, 3) else 0.8 / peak):
                length = max(1, int(rng.expovariate(1 / 3.5)))
                if rng.random() < 0.03:
                    length = rng.randint(20, 70)  # a long spell now and then
                end = min(day + timedelta(days=length - 1), until - timedelta(days=1))
                code = rng.choices(codes, weights)[0]
                half = "3,7" if hours == 37 and length == 1 and rng.random() < 0.1 else ""
                absence.append(f"{number};{day.isoformat()};{end.isoformat()};{code};{half}")
                day = end + timedelta(days=1 + rng.randint(2, 10))
            day += timedelta(days=1 + int(rng.expovariate(daily)))
    return ("\n".join(employment) + "\n").encode(), ("\n".join(absence) + "\n").encode()


def seed_keyfigures(seed: int) -> int:
    """Load the demo's files and compute every month; skipped when employment exists."""
    if Employment.objects.exists():
        return 0
    today = timezone.localdate()
    employment, absence = files(seed, today)
    for reader, data, name in ((import_employment, employment, "ansatte.csv"),
                               (import_absence, absence, "fravær.csv")):  # fmt: skip
        result = reader(data, name)
        if result.problems:
            raise ValueError(f"the demo's {name}: {result.problems[:3]}")
    return rebuild().shown
