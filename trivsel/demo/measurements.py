"""The demo's measurements: last year's, closed and released, and this year's, open now,
with answers that look real — each unit has its own level, so results differ between
units and from last year. Answers go through the survey's own service functions (save, then
submit), in random order; the states are reached through the real lifecycle (validation,
snapshot, invitations, close, the build and the seal).

Generation, per answered question: a person's wellbeing p (0-100) is their unit's level plus
personal spread; the answer is the scale option whose score lies nearest to p plus noise,
mirrored where the item is reversed or the dimension is one where lower is better. Exposure
to offensive behaviour is rarer, and more common where wellbeing is low.
"""

import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from trivsel.cycle import lifecycle
from trivsel.instruments.builder import questionnaire_pages
from trivsel.instruments.models import ItemVersion, Questionnaire
from trivsel.measurements.models import Measurement, UnitValidation
from trivsel.organisation.models import Unit
from trivsel.survey.answering import PageAnswers, save_page, submit
from trivsel.survey.models import Invitation, SendJob
from trivsel.survey.sending import run_send_job

# A comment is an observation and, mostly, a wish: any pairing reads naturally, so the demo's
# comments vary as real ones do (a handful of fixed texts made a page of the same sentence).
OBSERVATIONS = [
    "Vi har et godt sammenhold i teamet.",
    "Travlheden går ud over pauserne.",
    "Vi mangler hænder, især i weekenderne.",
    "Der er for mange systemer, vi skal dokumentere i.",
    "Lederen lytter, når vi siger noget.",
    "Støjen i fællesrummet gør det svært at koncentrere sig.",
    "Nye kolleger bliver taget godt imod.",
    "Vagtplanen kommer ofte for sent.",
]
WISHES = [
    "Faste møder om planlægningen ville hjælpe.",
    "Vi trænger til mere tid til faglig sparring.",
    "Vi savner mere anerkendelse fra den øverste ledelse.",
    "Tak for en god arbejdsplads.",
    "Flere faste medarbejdere i stedet for vikarer, tak.",
    "Bedre hjælpemidler til forflytninger.",
    "Et par rolige timer om ugen til dokumentation ville gøre en forskel.",
    "",
]


@dataclass(frozen=True)
class DemoPlan:
    name: str
    questionnaire: Questionnaire
    opens: datetime
    days_open: int
    answer_share: tuple[float, float]  # response rate range across units
    level_shift: float  # change in wellbeing against the unit's base level
    close: bool


def unit_levels(seed: int) -> dict[int, float]:
    rng = random.Random(seed)
    units = Unit.objects.filter(valid_to=None).order_by("path").values_list("pk", flat=True)
    return {pk: min(88.0, max(38.0, rng.gauss(68, 9))) for pk in units}


def _desired(version: ItemVersion, wellbeing: float) -> float:
    higher_is_better = version.dimension.higher_is_better if version.dimension else True
    dimension_score = wellbeing if higher_is_better else 100 - wellbeing
    return 100 - dimension_score if version.reverse else dimension_score


def _answer(
    version: ItemVersion, wellbeing: float, rng: random.Random, state: dict[str, bool]
) -> dict[str, object] | None:
    if version.kind == ItemVersion.Kind.FREE_TEXT:
        if rng.random() >= 0.12:
            return None
        return {"text": f"{rng.choice(OBSERVATIONS)} {rng.choice(WISHES)}".strip()}
    if rng.random() < 0.02:
        return None  # skipped: answering is voluntary
    if version.not_relevant and rng.random() < 0.04:
        return {"not_relevant": True}
    assert version.scale is not None
    options = version.scale.options
    if version.scale.multiple:  # "from whom": only after an exposure
        if not state.get("exposed"):
            return None
        return {"values": sorted({rng.choice(options)["value"]})}
    if version.scale.key == "exposure5":
        exposed = rng.random() < max(0.01, (80 - wellbeing) / 250)
        state["exposed"] = exposed
        return {"value": rng.choice(options[:4])["value"] if exposed else options[4]["value"]}
    target = _desired(version, wellbeing) + rng.gauss(0, 12)
    best = min(options, key=lambda option: abs(float(option["score"]) - target))
    return {"value": best["value"]}


def collect(
    measurement: Measurement,
    plan: DemoPlan,
    levels: dict[int, float],
    rng: random.Random,
    keep_open: set[int],
) -> int:
    """Answer for a share of each unit's invitations, through the survey's own service
    functions (a draft saved, then submitted), in random order — as people answer."""
    versions = [v for _page, page in questionnaire_pages(plan.questionnaire) for v in page]
    invitations = list(
        Invitation.objects.filter(measurement=measurement)
        .select_related("participant")
        .order_by("pk")
    )
    share = {pk: rng.uniform(*plan.answer_share) for pk in levels}
    chosen = [
        i
        for i in invitations
        if i.participant.employee_id not in keep_open
        and rng.random() < share.get(i.participant.unit_id, 0.5)
    ]
    last_day = min(timezone.localdate(), (plan.opens + timedelta(days=plan.days_open)).date())
    span = max(0, (last_day - plan.opens.date()).days)
    planned = []
    for invitation in chosen:  # generated in a fixed order, so the demo is the same each time
        wellbeing = levels.get(invitation.participant.unit_id, 68) + plan.level_shift
        wellbeing = min(100.0, max(0.0, wellbeing + rng.gauss(0, 12)))
        state: dict[str, bool] = {}
        answers = PageAnswers()
        for version in versions:
            fields = _answer(version, wellbeing, rng, state)
            if fields is not None:
                answers.values[version.pk] = fields
        language = "da" if rng.random() < 0.93 else "en"
        day = plan.opens.date() + timedelta(days=min(span, int(rng.expovariate(0.25))))
        planned.append((invitation, answers, language, day))
    secrets.SystemRandom().shuffle(planned)  # ...and stored in an order nobody can replay
    for invitation, answers, language, day in planned:
        draft = save_page(invitation, versions, answers, 0, len(versions), language)
        submit(invitation, draft.revision, language, day)
    return len(chosen)


def _validate(measurement: Measurement, rng: random.Random) -> None:
    """Most leaders confirm their list; a few report corrections, which HR has handled."""
    lifecycle.start_validation(measurement)
    now = timezone.now()
    for validation in UnitValidation.objects.filter(measurement=measurement):
        if rng.random() < 0.06:
            validation.status = UnitValidation.Status.CORRECTIONS
            validation.corrections = "En medarbejder er flyttet til en anden enhed."
        elif rng.random() < 0.92:
            validation.status = UnitValidation.Status.CONFIRMED
        validation.handled = validation.status != UnitValidation.Status.PENDING
        validation.answered_at = now if validation.status != UnitValidation.Status.PENDING else None
        validation.save()


def _create(plan: DemoPlan, units: list[Unit], first_reminder: int | None = None) -> Measurement:
    opens = plan.opens
    return lifecycle.create_measurement(
        units=units,
        name=plan.name,
        kind=Measurement.Kind.MAIN,
        questionnaire=plan.questionnaire,
        validation_starts=opens - timedelta(days=14),
        opens_at=opens,
        first_reminder_at=opens + timedelta(days=first_reminder) if first_reminder else None,
        second_reminder_at=opens + timedelta(days=14) if first_reminder else None,
        closes_at=opens + timedelta(days=plan.days_open),
        results_release_at=opens + timedelta(days=plan.days_open + 7),
        dialogue_deadline=(opens + timedelta(days=plan.days_open + 60)).date(),
    )


@transaction.atomic
def seed_measurements(
    questionnaire: Questionnaire, today: date, seed: int, keep_open: set[int]
) -> list[Measurement]:
    """The two years before (released: the reports have a trend and changes since last
    time) and this year's (open, invitations sent, about half answered). Skipped when they
    exist. keep_open: employees who must not have answered (the demo's personas, so they
    can try the survey). Every year uses the same questionnaire, so every question
    compares."""
    names = tuple(f"Trivselsmåling {today.year - back}" for back in (2, 1, 0))
    if Measurement.objects.filter(name__in=names).exists():
        return list(Measurement.objects.filter(name__in=names))
    rng = random.Random(seed)
    levels = unit_levels(seed)
    root = list(Unit.objects.filter(parent=None, valid_to=None))
    tz = timezone.get_current_timezone()
    older = DemoPlan(
        names[0],
        questionnaire,
        datetime(today.year - 2, 9, 15, 8, tzinfo=tz),
        21,
        (0.6, 0.92),
        -8,
        close=True,
    )
    before = DemoPlan(
        names[1],
        questionnaire,
        datetime(today.year - 1, 9, 15, 8, tzinfo=tz),
        21,
        (0.62, 0.95),
        -4,
        close=True,
    )
    now = DemoPlan(
        names[2],
        questionnaire,
        timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0) - timedelta(days=6),
        21,
        (0.2, 0.7),
        0,
        close=False,
    )
    made = []
    for plan in (older, before, now):
        measurement = _create(plan, root, first_reminder=None if plan.close else 7)
        _validate(measurement, rng)
        lifecycle.open_measurement(measurement)
        if not plan.close:  # this year's invitations go out (to the demo's file backend)
            job = SendJob.objects.create(measurement=measurement, kind=SendJob.Kind.INVITATIONS)
            run_send_job(job)
        collect(measurement, plan, levels, rng, keep_open if not plan.close else set())
        if plan.close:
            lifecycle.close_measurement(measurement)
            lifecycle.release_results(measurement)
        made.append(measurement)
    return made
