"""After close, nothing stored links a response to a person (docs/anonymity.md, "What is
stored"). Played as an attacker holding the whole database: the stored attributes, the ids
and their order, every remaining row, the published results — and, on PostgreSQL, the old
row versions (pageinspect); on SQLite, the bytes of the database file and its WAL."""

import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.conf import settings
from django.db import connection

from tests.anonymity import assert_no_link_from_responses_to_people
from tests.survey.storage_scenario import Scenario, collect
from trivsel.cycle.lifecycle import advance_by_clock, close_measurement
from trivsel.engine.audit import audit
from trivsel.measurements.models import AnswersPerDay, Measurement, Participant, Turnout
from trivsel.organisation.models import Unit
from trivsel.results.build import build_results
from trivsel.results.read import every_figure, units_shown
from trivsel.survey.models import Answer, Invitation, Response, ResumeKey
from trivsel.survey.sealing import generalise

pytestmark = pytest.mark.django_db
BASE = Path(__file__).resolve().parents[2]


@pytest.fixture(params=[Measurement.Kind.MAIN, Measurement.Kind.PULSE])
def sealed(
    request: pytest.FixtureRequest, django_capture_on_commit_callbacks: Any
) -> tuple[Measurement, Scenario]:
    """A main measurement of the whole organisation, and a leader's pulse for one area."""
    measurement, scenario = collect(kind=request.param)
    with django_capture_on_commit_callbacks(execute=True):
        close_measurement(measurement)  # then the build and the seal, as in production
    measurement.refresh_from_db()
    assert measurement.sealed_at is not None
    return measurement, scenario


def stored_people(measurement: Measurement, scenario: Scenario) -> dict[int, dict[str, object]]:
    """Which person each stored response is — known to the test only (each person's answers
    are unique), never to the attacker."""
    by_vector: dict[tuple[object, ...], dict[str, object]] = {
        tuple(person["vector"]): person  # type: ignore[arg-type]
        for person in scenario.answered
    }
    found = {}
    for response in Response.objects.filter(measurement=measurement).prefetch_related("answers"):
        answers = sorted(response.answers.all(), key=lambda a: a.item_version.item.key)
        found[response.pk] = by_vector[tuple(a.value for a in answers)]
    return found


def test_every_stored_combination_matches_at_least_k_participants(
    sealed: tuple[Measurement, Scenario],
) -> None:
    measurement, scenario = sealed
    k = settings.RESULTS_MIN_GROUP
    codes = dict(Unit.objects.values_list("pk", "code"))
    atoms = Counter(
        Participant.objects.filter(measurement=measurement).values_list("unit_id", "job_group")
    )
    # The attacker knows the code: where each atom's people are stored (the population and
    # the published results are in the database).
    where = generalise(atoms, dict(Unit.objects.values_list("pk", "parent_id")),
                       units_shown(measurement), k)  # fmt: skip
    participants: Counter[tuple[int, str]] = Counter()
    for atom, people in atoms.items():
        participants[where[atom]] += people
    combinations = Counter(
        Response.objects.filter(measurement=measurement).values_list(
            "unit_id", "job_group", "language"
        )
    )
    assert sum(combinations.values()) == len(scenario.answered)
    languages: dict[tuple[int, str], Counter[str]] = defaultdict(Counter)
    for (unit, group, language), count in combinations.items():
        assert participants[(unit, group)] >= k, (codes[unit], group, language)
        languages[(unit, group)][language] += count
    for used in languages.values():  # a language is kept only where each has k or more
        assert all(count >= k for language, count in used.items() if language)
        assert "" not in used or set(used) == {""}
    # Each stored response sits where its person's atom is stored (the test knows who).
    units = {code: pk for pk, code in codes.items()}
    for pk, person in stored_people(measurement, scenario).items():
        response = Response.objects.get(pk=pk)
        atom = (units[str(person["unit"])], str(person["group"]))
        assert (response.unit_id, response.job_group) == where[atom]
    # The leaders (one per unit) are nowhere stored as leaders; the answers were given on
    # several days and in two languages, yet no response keeps a day.
    assert {group for _unit, group, _language in combinations} == {""}
    assert len({person["day"] for person in scenario.answered}) > 3
    assert not Response.objects.filter(submitted_on__isnull=False).exists()
    assert sum(AnswersPerDay.objects.filter(measurement=measurement).values_list(
        "count", flat=True)) == len(scenario.answered)  # fmt: skip


def test_stored_classes_and_published_figures_cannot_be_combined(
    sealed: tuple[Measurement, Scenario],
) -> None:
    """The independent oracle: the exact audit over every published count of respondents
    together with every stored class (whose responses the attacker holds in full) finds no
    set of 1..k-1 respondents."""
    measurement, scenario = sealed
    k = settings.RESULTS_MIN_GROUP
    units = dict(Unit.objects.values_list("code", "pk"))
    paths = dict(Unit.objects.values_list("pk", "path"))
    atoms = sorted({(units[str(p["unit"])], str(p["group"])) for p in scenario.answered})
    at = {atom: number for number, atom in enumerate(atoms)}
    counts = [0] * len(atoms)
    for person in scenario.answered:
        counts[at[(units[str(person["unit"])], str(person["group"]))]] += 1
    cells: list[frozenset[int]] = []
    published = list(every_figure(measurement, kinds=["respondents"]))
    for unit_id, group in ((figure.unit_id, figure.group) for figure in published):
        cells.append(frozenset(
            number for number, (unit, atom_group) in enumerate(atoms)
            if (unit_id is None or paths[unit].startswith(paths[unit_id]))
            and group in ("", atom_group)
        ))  # fmt: skip
    population = Counter(
        Participant.objects.filter(measurement=measurement).values_list("unit_id", "job_group")
    )
    where = generalise(population, dict(Unit.objects.values_list("pk", "parent_id")),
                       units_shown(measurement), k)  # fmt: skip
    classes: dict[tuple[int, str], set[int]] = defaultdict(set)
    for atom in atoms:
        classes[where[atom]].add(at[atom])
    cells += [frozenset(members) for members in classes.values()]
    pulse = measurement.kind == Measurement.Kind.PULSE  # one area, no job groups: few classes
    assert len(published) >= (2 if pulse else 4) and len(classes) >= (1 if pulse else 3)
    assert audit(cells, counts, k) is None
    # The oracle has teeth: the same figures beside the responses stored with their own
    # unit and job group give a group of fewer than k away.
    raw = [frozenset([at[atom]]) for atom in atoms]
    found = audit(cells[: len(published)] + raw, counts, k)
    assert found is not None and found.respondents < k


def test_no_id_order_remaining_row_or_stored_value_links_a_response_to_a_person(
    sealed: tuple[Measurement, Scenario],
) -> None:
    measurement, scenario = sealed
    assert_no_link_from_responses_to_people()
    assert not Invitation.objects.filter(measurement=measurement).exists()
    assert not ResumeKey.objects.filter(measurement=measurement).exists()
    # Every response was written again with a new id, in an order unrelated to when its
    # person answered (or was invited, or reminded).
    ids = list(Response.objects.filter(measurement=measurement).values_list("pk", flat=True))
    assert not set(ids) & set(scenario.response_ids)
    people = stored_people(measurement, scenario)
    order = {str(person["number"]): n for n, person in enumerate(scenario.answered)}
    id_rank = np.argsort(np.argsort(list(people)))
    answered_rank = np.array([order[str(people[pk]["number"])] for pk in people])
    rho = np.corrcoef(id_rank, answered_rank)[0, 1]
    assert abs(rho) < 0.6  # a random order: |rho| this large by chance is ~1e-6
    first_answer = {
        response: min(ids)
        for response, ids in _group(Answer.objects.filter(response__measurement=measurement)
                                    .values_list("response_id", "pk"))
    }  # fmt: skip
    assert sorted(first_answer, key=first_answer.__getitem__) == sorted(first_answer)
    # The per-person facts are gone: reminded, answered, invited; the rates keep only
    # counts that may be shown.
    assert scenario.reminded
    assert not Turnout.objects.filter(measurement=measurement, answered_below__lt=5).exists()
    assert not Turnout.objects.filter(measurement=measurement, answered__lt=5).exists()
    assert not Response.objects.exclude(page=0).exists()
    assert not Response.objects.exclude(revision=0).exists()
    # No token, short code, resume hash or key anywhere in the database.
    secrets = scenario.tokens + scenario.codes + scenario.resume_hashes + [scenario.key]
    text = _every_value()
    assert not [secret for secret in secrets if secret in text]


def test_a_rebuild_after_the_seal_shows_exactly_what_was_shown(
    sealed: tuple[Measurement, Scenario],
) -> None:
    measurement, _scenario = sealed
    fields = ("unit_id", "scope", "group", "kind", "metric", "n", "score", "sd", "options")

    def shown() -> list[tuple[object, ...]]:
        figures = every_figure(measurement)
        return sorted((tuple(getattr(f, name) for name in fields) for f in figures), key=str)

    before = shown()
    build_results(measurement)  # e.g. after a change of the unit mapping
    after = shown()
    assert after == before


def test_a_measurement_closed_before_the_seal_existed_is_sealed_by_the_clock() -> None:
    """An upgrade: a measurement closed and built by an older version still has its
    invitations (tokens, codes, who answered). The clock's next run closes and seals it."""
    measurement, scenario = collect()
    Measurement.objects.filter(pk=measurement.pk).update(state=Measurement.State.CLOSED)
    build_results(measurement)  # as the older version did; nothing deleted at close
    assert Invitation.objects.filter(measurement=measurement).exists()
    moved = advance_by_clock()
    assert (measurement.pk, "sealed") in [(m.pk, what) for m, what in moved]
    assert not Invitation.objects.filter(measurement=measurement).exists()
    assert not ResumeKey.objects.filter(measurement=measurement).exists()
    assert not Response.objects.filter(measurement=measurement, submitted=False).exists()
    assert not [s for s in scenario.tokens + scenario.codes if s in _every_value()]
    assert_no_link_from_responses_to_people()


def _group(pairs: Any) -> list[tuple[int, list[int]]]:
    grouped: dict[int, list[int]] = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(value)
    return list(grouped.items())


def _every_value() -> str:
    """Every value of every row of every table, as one text."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            parts += [repr(row) for row in cursor.fetchall()]
    return "\n".join(parts)


@pytest.mark.django_db(transaction=True)
def test_postgresql_keeps_no_old_row_version_of_a_link() -> None:
    """pageinspect on every survey table and its indexes after close: no old tuple holds a
    token, a short code, a resume hash or the resume key."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's old row versions (CI runs this on PostgreSQL)")
    measurement, scenario = collect()
    close_measurement(measurement)  # commits; the build, the seal and VACUUM follow
    measurement.refresh_from_db()
    assert measurement.sealed_at is not None
    secrets = [s.encode() for s in scenario.tokens + scenario.codes + scenario.resume_hashes]
    secrets.append(scenario.key.encode())
    found = []
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        cursor.execute(
            "SELECT c.relname, c.relkind, am.amname FROM pg_class c "
            "LEFT JOIN pg_am am ON am.oid = c.relam "
            "WHERE c.relname LIKE 'survey\\_%%' AND c.relkind IN ('r', 'i')"
        )
        relations = cursor.fetchall()
        assert {"survey_response", "survey_invitation", "survey_resumekey"} <= {
            name for name, _kind, _am in relations
        }
        for name, kind, method in relations:
            if kind == "i" and method != "btree":
                continue
            cursor.execute("SELECT pg_relation_size(%s) / current_setting('block_size')::int",
                           [name])  # fmt: skip
            blocks = cursor.fetchone()[0]
            for block in range(1 if kind == "i" else 0, blocks):  # an index's block 0: meta
                if kind == "r":
                    cursor.execute(
                        "SELECT t_data FROM heap_page_items(get_raw_page(%s, %s))", [name, block]
                    )
                    data = [bytes(row[0]) for row in cursor.fetchall() if row[0] is not None]
                else:
                    cursor.execute(
                        "SELECT data FROM bt_page_items(get_raw_page(%s, %s))", [name, block]
                    )
                    data = [bytes.fromhex(row[0].replace(" ", "")) for row in cursor.fetchall()
                            if row[0]]  # fmt: skip
                for tuple_data in data:
                    found += [(name, s) for s in secrets if s in tuple_data]
    assert not found


def test_sqlite_file_and_wal_hold_no_token_code_or_link(tmp_path: Path) -> None:
    """The same measurement in a fresh process with a database file: after close, neither
    the file nor its WAL contains any of its tokens, codes, resume hashes or the key."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's file (the PostgreSQL run checks the old row versions)")
    out = tmp_path / "scenario.json"
    env = {
        key: value for key, value in os.environ.items()
        if key not in ("DATABASE_URL",) and not key.startswith("PYTEST")
    } | {
        "TRIVSEL_DATA_DIR": str(tmp_path), "TRIVSEL_TASKS_IMMEDIATE": "1",
        "DJANGO_SETTINGS_MODULE": "trivsel.settings", "PYTHONPATH": str(BASE),
    }  # fmt: skip
    script = "import django; django.setup(); from tests.survey.storage_scenario import main; "
    subprocess.run(
        [sys.executable, "-c", script + f"main({str(out)!r})"],
        cwd=BASE, env=env, check=True, timeout=300,
    )  # fmt: skip
    scenario = json.loads(out.read_text())
    secrets = [s.encode() for s in scenario["tokens"] + scenario["codes"]]
    secrets += [s.encode() for s in scenario["resume_hashes"]] + [scenario["key"].encode()]
    open_files = [tmp_path / "open", tmp_path / "open-wal"]  # while the connection was open
    assert all(path.exists() for path in open_files)
    files = [*open_files, tmp_path / "trivsel.sqlite3", tmp_path / "trivsel.sqlite3-wal"]
    content = b"".join(path.read_bytes() for path in files if path.exists())
    assert len(content) > 100_000
    assert len(scenario["answered"]) > 50
    assert not [secret for secret in secrets if secret in content]
