"""After close, nothing stored links a response to a person (docs/anonymity.md, "What is
stored"). Two steps:

1. `end_collection`, in the closing transaction: unfinished drafts are deleted; the
   measurement's resume key is deleted (so no resume hash can be traced any more); each
   unit's turnout and the number of answers per day are kept as counts; the responses lose
   their day, page and revision; and the invitations — tokens, short codes, who answered,
   who was reminded — are deleted.
2. `seal`, once the results are built (they are computed from the full attributes): every
   response's attributes are generalised (`generalise`) so each stored combination matches
   at least k participants of the frozen population, and the responses and their answers
   are written again in random order with new identifiers, so neither an id nor a row's
   place in the table tells when it was given. Then `scrub` has the database drop the old
   row versions (PostgreSQL VACUUM; SQLite VACUUM and a truncated WAL, with secure_delete on).

A sealed measurement's figures are never computed again: a rebuild only recomputes the
comparison with an earlier measurement from the stored figures (results.build).
"""

import logging
import secrets
from collections import Counter, defaultdict
from collections.abc import Mapping

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from trivsel.measurements.models import AnswersPerDay, Measurement, Participant, Turnout
from trivsel.organisation.models import Unit
from trivsel.survey.models import Answer, Invitation, Response, ResumeKey

logger = logging.getLogger(__name__)

Atom = tuple[int, str]  # a unit's own people in one job group

# Every table that ever held a link between a person and a response, a token or a code.
SURVEY_TABLES = (Response, Answer, Invitation, ResumeKey)


def end_collection(measurement: Measurement) -> int:
    """At close (inside its transaction). Returns the number of unfinished drafts deleted."""
    drafts, _details = Response.objects.filter(measurement=measurement, submitted=False).delete()
    counts = (
        Participant.objects.filter(measurement=measurement)
        .values("unit_id")
        .annotate(invited=Count("pk"), answered=Count("pk", filter=Q(invitation__responded=True)))
    )
    Turnout.objects.filter(measurement=measurement).delete()
    Turnout.objects.bulk_create(
        Turnout(measurement=measurement, unit_id=row["unit_id"], invited=row["invited"],
                answered=row["answered"])
        for row in counts
    )  # fmt: skip
    days = (
        Response.objects.filter(measurement=measurement, submitted_on__isnull=False)
        .values("submitted_on")
        .annotate(count=Count("pk"))
    )
    AnswersPerDay.objects.filter(measurement=measurement).delete()
    AnswersPerDay.objects.bulk_create(
        AnswersPerDay(measurement=measurement, day=row["submitted_on"], count=row["count"])
        for row in days
    )
    Response.objects.filter(measurement=measurement).update(
        submitted_on=None, page=0, revision=0, resume=None
    )
    ResumeKey.objects.filter(measurement=measurement).delete()
    Invitation.objects.filter(measurement=measurement).delete()
    return drafts


def generalise(
    atoms: Mapping[Atom, int], parents: Mapping[int, int | None], k: int
) -> dict[Atom, Atom]:
    """Where each atom's people are stored: (unit, job group) → (unit or an ancestor, job
    group or ""), so that every stored combination holds at least k participants (unless
    the whole population is smaller). Pure; depends on the population only, never on who
    answered.

    Units, deepest first: a unit with fewer than k people (its own and those lifted into it)
    is lifted, with all of them, into its parent. Then within each stored unit: a job group
    with fewer than k people is blanked; while the blanked people (and those without a job
    group) are 1..k-1, the smallest remaining group is blanked too."""
    depth: dict[int, int] = {}

    def depth_of(unit: int) -> int:
        if unit not in depth:
            parent = parents.get(unit)
            depth[unit] = 0 if parent is None else depth_of(parent) + 1
        return depth[unit]

    count: Counter[int] = Counter()
    for (unit, _group), people in atoms.items():
        count[unit] += people
    members: dict[int, list[int]] = {unit: [unit] for unit in count}
    units = {unit for unit, _group in atoms}
    for unit in list(units):
        while (unit := parents.get(unit)) is not None:  # type: ignore[assignment]
            units.add(unit)
    for unit in sorted(units, key=lambda u: (-depth_of(u), u)):
        parent = parents.get(unit)
        if 0 < count[unit] < k and parent is not None:
            count[parent] += count.pop(unit)
            members.setdefault(parent, []).extend(members.pop(unit))
    stored_unit = {origin: unit for unit, origins in members.items() for origin in origins}
    classes: dict[int, Counter[str]] = defaultdict(Counter)
    for (unit, group), people in atoms.items():
        classes[stored_unit[unit]][group] += people
    blanked: dict[int, set[str]] = {}
    for unit, groups in classes.items():
        small = {group for group, people in groups.items() if group and people < k}
        total = groups[""] + sum(groups[group] for group in small)
        remaining = sorted((people, group) for group, people in groups.items()
                           if group and group not in small)  # fmt: skip
        while 0 < total < k and remaining:
            people, group = remaining.pop(0)
            small.add(group)
            total += people
        blanked[unit] = small
    return {
        (unit, group): (stored_unit[unit], "" if group in blanked[stored_unit[unit]] else group)
        for unit, group in atoms
    }


def language_kept(languages: Counter[str], k: int) -> bool:
    """A class's languages may be stored if each one used was used by at least k."""
    return all(count >= k for language, count in languages.items() if language)


def _parents() -> dict[int, int | None]:
    return dict(Unit.objects.values_list("pk", "parent_id"))


def seal(measurement: Measurement) -> bool:
    """Generalise and re-key the responses of a closed measurement whose results are built;
    then have the database drop the old row versions. False if already sealed."""
    k = settings.RESULTS_MIN_GROUP
    with transaction.atomic():
        locked = Measurement.objects.select_for_update().get(pk=measurement.pk)
        if locked.sealed_at is not None or locked.state not in (
            Measurement.State.CLOSED, Measurement.State.RELEASED,
        ):  # fmt: skip
            return False
        atoms = Counter(
            Participant.objects.filter(measurement=locked).values_list("unit_id", "job_group")
        ) or Counter(  # an imported earlier measurement has responses but no population
            Response.objects.filter(measurement=locked).values_list("unit_id", "job_group")
        )
        stored = generalise(atoms, _parents(), k)
        rows = list(
            Response.objects.filter(measurement=locked).values_list(
                "pk", "unit_id", "job_group", "language", "submitted"
            )
        )
        placed = [
            (pk, stored.get((unit, group), (unit, "")), language, submitted)
            for pk, unit, group, language, submitted in rows
        ]
        languages: dict[Atom, Counter[str]] = defaultdict(Counter)
        for _pk, where, language, _submitted in placed:
            languages[where][language] += 1
        secrets.SystemRandom().shuffle(placed)
        new = Response.objects.bulk_create(
            [
                Response(
                    measurement=locked, unit_id=unit, job_group=group, page=0, revision=0,
                    language=language if language_kept(languages[(unit, group)], k) else "",
                    submitted=submitted,
                )
                for _pk, (unit, group), language, submitted in placed
            ],
            batch_size=2000,
        )  # fmt: skip
        if any(response.pk is None for response in new):  # a backend without RETURNING
            raise RuntimeError("the database did not return the new responses' ids")
        _move_answers([(pk, response.pk) for (pk, *_r), response in zip(placed, new, strict=True)])
        locked.sealed_at = timezone.now()
        locked.save(update_fields=["sealed_at"])
    measurement.sealed_at = locked.sealed_at
    scrub()
    return True


def _move_answers(pairs: list[tuple[int, int]]) -> None:
    """Every answer of an old response is written again under its new response, in the new
    responses' (random) order; then the old answers and responses are deleted. In SQL, so
    millions of answers never pass through Python."""
    quote = connection.ops.quote_name
    answers, responses = quote(Answer._meta.db_table), quote(Response._meta.db_table)
    fields = [f.column for f in Answer._meta.concrete_fields if f.column not in ("id",)]
    copied = [quote(c) for c in fields if c != "response_id"]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE trivsel_seal (old_id bigint, new_id bigint)")
        try:
            cursor.executemany("INSERT INTO trivsel_seal (old_id, new_id) VALUES (%s, %s)", pairs)
            cursor.execute("CREATE INDEX trivsel_seal_old ON trivsel_seal (old_id)")
            cursor.execute(
                f"INSERT INTO {answers} (response_id, {', '.join(copied)}) "
                f"SELECT s.new_id, {', '.join('a.' + c for c in copied)} "
                f"FROM {answers} a JOIN trivsel_seal s ON s.old_id = a.response_id "
                f"ORDER BY s.new_id, a.item_version_id"
            )
            cursor.execute(
                f"DELETE FROM {answers} WHERE response_id IN (SELECT old_id FROM trivsel_seal)"
            )
            cursor.execute(f"DELETE FROM {responses} WHERE id IN (SELECT old_id FROM trivsel_seal)")
        finally:
            cursor.execute("DROP TABLE trivsel_seal")


def scrub() -> bool:
    """Have the database drop old row versions of the survey tables, so no deleted token,
    code, resume hash or link survives in them: PostgreSQL VACUUM (FULL for the small key
    table, so the keys leave the table's file as well); SQLite a VACUUM of the whole file
    and a truncated WAL (with secure_delete, deleted content is zeroed as it goes). Not
    possible inside a transaction or while another one holds the old versions: then False,
    logged, and the database's own autovacuum follows later."""
    if connection.in_atomic_block:
        logger.info("scrub skipped: inside a transaction")
        return False
    tables = [connection.ops.quote_name(model._meta.db_table) for model in SURVEY_TABLES]
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")
                cursor.execute(f"VACUUM FULL {connection.ops.quote_name(ResumeKey._meta.db_table)}")
            elif connection.vendor == "sqlite":
                cursor.execute("VACUUM")
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except Exception:  # best effort; the data is already sealed
        logger.warning("scrub failed; the old row versions go with the next vacuum", exc_info=True)
        return False
    return True
