"""The demo's HR key-figure files: employment for every active employee and 25 months of
absence spells, seasonal (more in the winter) and varying by unit, written as the payroll
export would be and loaded through the real import (trivsel.keyfigures.importing), then
every month computed."""

import random
from datetime import date, timedelta

from django.utils import timezone

from trivsel.keyfigures.compute import all_months
from trivsel.keyfigures.figures import add_months
from trivsel.keyfigures.importing import import_absence, import_employment
from trivsel.keyfigures.models import Employment
from trivsel.organisation.models import Employee

MONTHS = 25
CODES = [("S", 0.80), ("B", 0.08), ("A", 0.03), ("O", 0.09)]


def files(seed: int, today: date) -> tuple[bytes, bytes]:
    """The employment and absence files (semicolon CSV, as an HR export)."""
    rng = random.Random(seed)
    first = add_months(today.replace(day=1), -MONTHS)
    people = list(Employee.objects.filter(is_active=True).select_related("unit").order_by("number"))
    unit_rate: dict[int, float] = {}
    employment = ["Medarbejdernummer;Fra;Til;Enhedskode;Ugentlige timer"]
    absence = ["Medarbejdernummer;Fra;Til;Fraværskode;Timer pr. dag"]
    for person in people:
        rate = unit_rate.setdefault(person.unit_id, rng.uniform(0.6, 1.6))
        started = first - timedelta(days=rng.randint(0, 3000))
        hours = rng.choices([37, 32, 30, 25, 18.5], [70, 10, 10, 5, 5])[0]
        employment.append(f"{person.number};{started.isoformat()};;{person.unit.code};"
                          f"{str(hours).replace('.', ',')}")  # fmt: skip
        day = first
        while day < today:
            winter = 1.5 if day.month in (12, 1, 2, 3) else 0.8
            # about 14 days a year in ~6 spells, more in winter and in some units
            if rng.random() < rate * winter * 6 / 365:
                length = max(1, int(rng.expovariate(1 / 3.5)))
                if rng.random() < 0.03:
                    length = rng.randint(20, 70)  # a long spell now and then
                end = min(day + timedelta(days=length - 1), today - timedelta(days=1))
                code = rng.choices([c for c, _w in CODES], [w for _c, w in CODES])[0]
                half = "3,7" if hours == 37 and length == 1 and rng.random() < 0.1 else ""
                absence.append(f"{person.number};{day.isoformat()};{end.isoformat()};{code};{half}")
                day = end + timedelta(days=rng.randint(3, 40))
            else:
                day += timedelta(days=1)
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
    return all_months(add_months(today.replace(day=1), -MONTHS), today.replace(day=1))
