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
from collections.abc import Mapping, Set

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from trivsel.measurements.models import AnswersPerDay, Measurement, Participant, Turnout
from trivsel.organisation.models import Unit
from trivsel.survey.models import Answer, Invitation, Response, ResumeKey
from trivsel.survey.rates import kept_at_close

logger = logging.getLogger(__name__)

Atom = tuple[int, str]  # a unit's own people in one job group

# Every table that ever held a link between a person and a response, a token or a code.
SURVEY_TABLES = (Response, Answer, Invitation, ResumeKey)


def end_collection(measurement: Measurement) -> int:
    """At close (inside its transaction). Returns the number of unfinished drafts deleted."""
    drafts, _details = Response.objects.filter(measurement=measurement, submitted=False).delete()
    Turnout.objects.filter(measurement=measurement).delete()
    Turnout.objects.bulk_create(kept_at_close(measurement))
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
    atoms: Mapping[Atom, int], parents: Mapping[int, int | None], shown: Set[int], k: int
) -> dict[Atom, Atom]:
    """Where each atom's people are stored: (unit, job group) → (the deepest unit at or
    above theirs whose figure was published, ""). Pure; depends on the population and on
    what was published, never on who answered.

    `shown`: the units whose respondents figure with everything below was published. Each
    stored class is then the remainder of a published unit (its figure minus those of the
    published units below it): a class can be worked out from the published figures, so
    the stored responses add nothing that could be combined with them (the span of what is
    known is the same; the suppression's exact rules keep every remainder at 0 or at least
    k respondents, docs/anonymity.md). For the same reason no job group is stored: a class
    split by job group is not a published figure, and beside the organisation's figure for
    a group it can single a person out (tests/survey/test_storage.py shows one).

    A class that still has 1..k-1 people is lifted into the class above (at the top: into
    the largest top class, or the smallest class below joins it). With the suppression's
    own shown units that never happens to a class with responses (its remainder has 0 or at
    least k respondents); it guards any other input, at the price of that class's figure."""
    anchor: dict[int, int] = {}

    def anchored(unit: int) -> int:
        if unit not in anchor:
            parent = parents.get(unit)
            anchor[unit] = unit if unit in shown or parent is None else anchored(parent)
        return anchor[unit]

    def depth(unit: int) -> int:
        parent = parents.get(unit)
        return 0 if parent is None else depth(parent) + 1

    stored_unit = {unit: anchored(unit) for unit, _group in atoms}
    while True:
        size: Counter[int] = Counter()
        for (unit, _group), people in atoms.items():
            size[stored_unit[unit]] += people
        tops = [u for u in size if parents.get(u) is None]
        small = sorted((u for u, n in size.items() if 0 < n < k), key=lambda u: (-depth(u), u))
        if not small or len(size) == 1:
            break
        unit = small[0]
        parent = parents.get(unit)
        if parent is not None:
            target = anchored(parent)
        elif len(tops) > 1:
            target = max((t for t in tops if t != unit), key=lambda t: (size[t], -t))
        else:  # the only top is too small: the smallest class below it joins it
            below = [u for u in size if u != unit]
            unit, target = min(below, key=lambda u: (size[u], u)), unit
        logger.warning("sealing: a class of %d lifted from unit %d to %d", size[unit], unit, target)
        for origin, at in stored_unit.items():
            if at == unit:
                stored_unit[origin] = target
    return {(unit, group): (stored_unit[unit], "") for unit, group in atoms}


def language_kept(languages: Counter[str], k: int) -> bool:
    """A class's languages may be stored if each one used was used by at least k."""
    return all(count >= k for language, count in languages.items() if language)


def _parents() -> dict[int, int | None]:
    return dict(Unit.objects.values_list("pk", "parent_id"))


def seal(measurement: Measurement, shown: Set[int]) -> bool:
    """Generalise and re-key the responses of a closed measurement whose results are built
    (`shown`: the units whose respondents figure with everything below was published, see
    `generalise`); then have the database drop the old row versions. False if already
    sealed."""
    k = settings.RESULTS_MIN_GROUP
    with transaction.atomic():
        locked = Measurement.objects.select_for_update().get(pk=measurement.pk)
        if locked.sealed_at is not None or locked.state not in (
            Measurement.State.CLOSED, Measurement.State.RELEASED,
        ):  # fmt: skip
            return False
        if (
            Invitation.objects.filter(measurement=locked).exists()
            or ResumeKey.objects.filter(measurement=locked).exists()
        ):  # closed before this step existed (an upgrade): the closing step comes first
            end_collection(locked)
        atoms = Counter(
            Participant.objects.filter(measurement=locked).values_list("unit_id", "job_group")
        ) or Counter(  # an imported earlier measurement has responses but no population
            Response.objects.filter(measurement=locked).values_list("unit_id", "job_group")
        )
        stored = generalise(atoms, _parents(), shown, k)
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
            for start in range(0, len(pairs), 1000):  # many rows per statement
                chunk = pairs[start : start + 1000]
                cursor.execute(
                    "INSERT INTO trivsel_seal (old_id, new_id) VALUES "
                    + ", ".join(["(%s, %s)"] * len(chunk)),
                    [value for pair in chunk for value in pair],
                )
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
