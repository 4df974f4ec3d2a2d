"""Survey fatigue: how many measurements a person has been asked to answer lately, across
every kind (main, follow-up, pulse), counted from the frozen populations (the invitations
themselves are deleted at close). A pulse does not invite someone who has already been asked
the cap's number of times within its days (HR sets both, `FatigueCap`)."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Count

from trivsel.measurements.models import FatigueCap, Measurement, Participant


def at_cap(counts: dict[int, int], most: int) -> set[int]:
    """The people (ids) already asked `most` times: one more would exceed the cap."""
    return {person for person, asked in counts.items() if asked >= most}


def recent_counts(people: Iterable[int], now: datetime, days: int) -> dict[int, int]:
    """How many measurements each person was asked to answer that opened in the last `days`."""
    since = now - timedelta(days=days)
    rows = (
        Participant.objects.filter(
            employee_id__in=list(people), measurement__opens_at__gte=since,
            measurement__opens_at__lte=now,
        )
        .values("employee_id")
        .annotate(asked=Count("measurement_id", distinct=True))
    )  # fmt: skip
    return {row["employee_id"]: row["asked"] for row in rows}


def excluded(people: Iterable[int], now: datetime) -> set[int]:
    """Of these people, those a pulse opening now would not invite."""
    cap = FatigueCap.current()
    people = list(people)
    return at_cap(recent_counts(people, now, cap.days), cap.most)


def applies_to(measurement: Measurement) -> bool:
    return measurement.kind == Measurement.Kind.PULSE


def free_from(dates: list[datetime], most: int, days: int) -> datetime:
    """When a person asked at these times (measurements' openings, any order) may be asked
    again: once fewer than `most` of them lie within the last `days` — the latest opening
    but `most − 1` plus `days` (already, if fewer than `most`: the earliest time given)."""
    ordered = sorted(dates)
    if len(ordered) < most:
        return ordered[0] if ordered else datetime.min
    return ordered[len(ordered) - most] + timedelta(days=days)


def earliest(people: Iterable[int], now: datetime, needed: int) -> datetime | None:
    """The first time from now at which at least `needed` of these people could be asked
    (None: there are fewer people than that)."""
    people = list(people)
    if len(people) < needed:
        return None
    cap = FatigueCap.current()
    since = now - timedelta(days=cap.days)
    asked: dict[int, list[datetime]] = {}
    for person, opened in Participant.objects.filter(
        employee_id__in=people, measurement__opens_at__gte=since, measurement__opens_at__lte=now
    ).values_list("employee_id", "measurement__opens_at"):
        asked.setdefault(person, []).append(opened)
    times = sorted(
        max(now, free_from(asked.get(person, []), cap.most, cap.days)) for person in people
    )
    return times[needed - 1]
