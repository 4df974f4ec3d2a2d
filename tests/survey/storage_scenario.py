"""A measurement as an attacker with a copy of the database would like it: small units,
one leader per unit (job group "Leder"), people answering on several days in two
languages, reminders sent to those who had not answered yet, one draft never submitted.
Everything the attacker is not supposed to be able to link afterwards is recorded here
(tokens, short codes, resume hashes, who answered what in which order).

Used in-process (tests/survey/test_storage.py) and, for SQLite's byte scan, in a fresh
process with a database file (`main`)."""

import itertools
import json
import random
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from tests.factories import import_csv
from trivsel.cycle.lifecycle import close_measurement, create_measurement, open_measurement
from trivsel.instruments.bank import load_bundled
from trivsel.instruments.builder import add_instrument, create_questionnaire
from trivsel.instruments.models import Instrument, ItemVersion
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Unit
from trivsel.survey.answering import PageAnswers, draft_of, pages_of, save_page, submit
from trivsel.survey.models import Invitation, Response, ResumeKey, SendJob
from trivsel.survey.sending import run_send_job

# (code, parent, own people: [(job group, how many)])
UNITS = [
    ("K", "", [("Direktør", 1), ("Konsulent", 5)]),
    ("D1", "K", [("Leder", 1), ("Konsulent", 9), ("Jurist", 2)]),
    ("A1", "D1", [("Leder", 1), ("Pædagog", 8), ("Medhjælper", 6)]),
    ("T1", "A1", [("Leder", 1), ("Pædagog", 3)]),
    ("T2", "A1", [("Leder", 1), ("Medhjælper", 7)]),
    ("A2", "D1", [("Leder", 1), ("Social- og sundhedsassistent", 9)]),
    ("T3", "A2", [("Social- og sundhedsassistent", 2)]),
    ("D2", "K", [("Leder", 1), ("Konsulent", 10), ("Jurist", 2)]),
]


@dataclass
class Scenario:
    measurement: int
    tokens: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    resume_hashes: list[str] = field(default_factory=list)
    key: str = ""
    # Per respondent, in the order they submitted: employee number, unit code, job group,
    # language, day, and the answer vector (unique per person) over the short form's items.
    answered: list[dict[str, object]] = field(default_factory=list)
    response_ids: list[int] = field(default_factory=list)  # before close
    reminded: list[str] = field(default_factory=list)  # employee numbers


def build_organisation() -> None:
    units = "code;parent;name;kind\n" + "".join(
        f"{code};{parent};Enhed {code};enhed\n" for code, parent, _people in UNITS
    )
    rows, number = [], 2000
    for code, _parent, people in UNITS:
        for group, count in people:
            for _ in range(count):
                number += 1
                leader = "ja" if group in ("Leder", "Direktør") else "nej"
                mail = f"p{number}@testby.dk" if number % 3 else ""
                mobile = f"3{number:07d}" if number % 4 else ""
                rows.append(f"{number};Person {number};{mail};{mobile};{group};{code};{leader};")
    header = "medarbejdernummer;navn;e-mail;mobil;stillingsgruppe;enhedskode;leder;trio\n"
    import_csv(units, header + "\n".join(rows) + "\n")


def collect(seed: int = 7, kind: str = Measurement.Kind.MAIN) -> tuple[Measurement, Scenario]:
    """Open, invite, answer (some before, some after a reminder), leave one draft. `kind`
    "pulse": a leader's pulse for A1 and its two teams (27 people), without job groups, as
    pulses start."""
    build_organisation()
    load_bundled()
    questionnaire = create_questionnaire("Trivsel", None)
    add_instrument(questionnaire.pages.get(), Instrument.objects.get(key="social_capital_short"))
    now = timezone.now()
    pulse = kind == Measurement.Kind.PULSE
    measurement = create_measurement(
        units=[Unit.objects.get(code="A1" if pulse else "K")], name="Trivselsmåling lagring",
        kind=kind, by_job_group=not pulse,
        questionnaire=questionnaire, validation_starts=now - timedelta(days=12),
        opens_at=now - timedelta(days=10), closes_at=now + timedelta(days=10),
        results_release_at=now + timedelta(days=12),
    )  # fmt: skip
    open_measurement(measurement)
    run_send_job(SendJob.objects.create(measurement=measurement, kind=SendJob.Kind.INVITATIONS))
    scenario = Scenario(measurement.pk)
    invitations = list(
        Invitation.objects.filter(measurement=measurement)
        .select_related("participant__employee", "participant__unit")
        .order_by("pk")
    )
    key = ResumeKey.objects.get(measurement=measurement)
    scenario.key = key.key
    scenario.tokens = [i.token for i in invitations]
    scenario.codes = [i.short_code for i in invitations]
    scenario.resume_hashes = [key.hash(i.pk) for i in invitations]
    versions = [v for page in pages_of(measurement) for v in page]
    scored = [v for v in versions if v.kind == ItemVersion.Kind.SCALE]
    values = [[option["value"] for option in v.scale.options] for v in scored if v.scale]
    vectors = list(itertools.product(*values))
    rng = random.Random(seed)
    rng.shuffle(vectors)
    people = invitations[:]
    rng.shuffle(people)
    answering = people[: int(len(people) * 0.8)]
    start: date = measurement.opens_at.date()

    def answer(invitation: Invitation, day: date, english: bool) -> None:
        vector = vectors[len(scenario.answered)]
        page = PageAnswers(
            {v.pk: {"value": value} for v, value in zip(scored, vector, strict=True)}
        )
        language = "en" if english else "da"
        draft = save_page(invitation, versions, page, 0, 2, language)
        scenario.response_ids.append(draft.pk)
        submit(invitation, draft.revision, language, day)
        participant = invitation.participant
        scenario.answered.append({
            "number": participant.employee.number, "unit": participant.unit.code,
            "group": participant.job_group, "language": language, "day": day.isoformat(),
            "vector": list(vector),
        })  # fmt: skip

    half = len(answering) // 2
    for n, invitation in enumerate(answering[:half]):
        answer(invitation, start + timedelta(days=n % 3), english=n % 9 == 4)
    run_send_job(SendJob.objects.create(measurement=measurement, kind=SendJob.Kind.REMINDERS))
    scenario.reminded = list(
        Invitation.objects.filter(measurement=measurement, reminders__gt=0).values_list(
            "participant__employee__number", flat=True
        )
    )
    for n, invitation in enumerate(answering[half:]):
        answer(invitation, start + timedelta(days=5 + n % 4), english=n % 11 == 3)
    # One person saves a page and never submits.
    unfinished = people[len(answering)]
    save_page(unfinished, versions, PageAnswers({scored[0].pk: {"value": values[0][0]}}), 0, 2)
    assert draft_of(unfinished) is not None
    assert Response.objects.filter(measurement=measurement, submitted=True).count() == len(
        answering
    )
    return measurement, scenario


def main(out: str) -> None:
    """In a fresh process with its own database file: migrate, collect, close (the build
    and the seal run at once with the immediate task backend), write the scenario, and copy
    the database file and its WAL as they are while the connection is still open (on exit
    SQLite checkpoints and removes the WAL)."""
    import shutil
    from pathlib import Path

    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    measurement, scenario = collect()
    close_measurement(measurement)
    measurement.refresh_from_db()
    assert measurement.sealed_at is not None
    with open(out, "w") as file:
        json.dump(asdict(scenario), file)
    database = Path(settings.DATABASES["default"]["NAME"])
    for suffix in ("", "-wal"):
        source = database.with_name(database.name + suffix)
        if source.exists():
            shutil.copyfile(source, Path(out).with_name("open" + suffix))
