"""The demo's dialogues about last year's measurement: units in every step, plans with
actions in every status (some overdue), so the dialogue pages and the overview have
something to show. The persona leader's unit is left at the start, to try the steps."""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from trivsel.dialogue.models import Action, Change, Dialogue, FocusArea
from trivsel.dialogue.services import window_end
from trivsel.dialogue.suggestions import bundled
from trivsel.measurements.models import Measurement, Participant
from trivsel.organisation.models import Employee

STATES = [  # (state, share of the units)
    (None, 0.2), (Dialogue.State.READ, 0.1), (Dialogue.State.PLANNED, 0.1),
    (Dialogue.State.HELD, 0.1), (Dialogue.State.AGREED, 0.3), (Dialogue.State.FOLLOWED_UP, 0.2),
]  # fmt: skip
FOCUS = ["demands", "recognition", "influence", "role_clarity", "social_support",
         "leadership_quality", "sc_bonding", "meaning", "justice", "burnout"]  # fmt: skip
MINUTES = [
    "Vi gennemgik resultaterne og talte mest om travlheden om morgenen.",
    "Godt møde med stor deltagelse. Vi vil arbejde med anerkendelse og sparring.",
    "Mange kendte sig i resultaterne. Vi aftalte at starte med få, konkrete ting.",
]  # fmt: skip
EVALUATIONS = ["Det virker: færre sene vagtbytter og mere ro.", "Delvist: vi fortsætter i foråret."]


def seed_dialogues(measurement: Measurement, seed: int, leave_alone: set[int]) -> int:
    """Dialogues for the units with people in `measurement` (except `leave_alone`);
    returns the number of actions. Skipped when the measurement has dialogues."""
    if Dialogue.objects.filter(measurement=measurement).exists():
        return 0
    rng = random.Random(seed)
    unit_ids = sorted(
        set(Participant.objects.filter(measurement=measurement).values_list("unit_id", flat=True))
        - leave_alone
    )
    staff: dict[int, list[int]] = {}
    for pk, unit_id, _leader in (
        Employee.objects.filter(unit_id__in=unit_ids, is_active=True)
        .values_list("pk", "unit_id", "is_leader")
        .order_by("-is_leader", "number")
    ):
        staff.setdefault(unit_id, []).append(pk)
    suggestions: dict[str, list[tuple[str, str, str]]] = {}
    for s in bundled():
        suggestions.setdefault(s.dimension, []).append(
            (s.key, s.titles["da"], s.descriptions["da"])
        )
    released = timezone.localdate(measurement.results_release_at)
    ends = window_end(measurement)
    today = timezone.localdate()
    dialogues, planned = [], []
    for unit_id in unit_ids:
        state = rng.choices([s for s, _ in STATES], [w for _, w in STATES])[0]
        if state is None:
            continue
        order = list(Dialogue.State).index(state)
        held = order >= 3
        meeting = released + timedelta(days=rng.randint(5, 30))
        dialogue = Dialogue(
            measurement=measurement, unit_id=unit_id, state=state, window_ends=ends,
            read_at=_at(released + timedelta(days=rng.randint(1, 4))),
            meeting_on=meeting if order >= 2 else None, held_on=meeting if held else None,
            participants=rng.randint(4, 25) if held else None,
            amr_present=rng.random() < 0.85 if held else None,
            tr_present=rng.random() < 0.6 if held else None,
            minutes=rng.choice(MINUTES) if held else "",
            agreed_at=_at(meeting + timedelta(days=3)) if order >= 4 else None,
            followed_up_at=_at(meeting + timedelta(days=120)) if order >= 5 else None,
        )  # fmt: skip
        dialogues.append(dialogue)
        planned.append((dialogue, held, order))
    with transaction.atomic():
        Dialogue.objects.bulk_create(dialogues, batch_size=1000)
        areas, actions, owners, changes = [], [], [], []
        for dialogue, held, order in planned:
            changes.append(Change(dialogue=dialogue, who="Demo", what="Read the report"))
            if not held:
                continue
            chosen = rng.sample(FOCUS, rng.randint(1, 3))
            areas += [FocusArea(dialogue=dialogue, metric=m, works="Godt sammenhold.",
                                change="Mere ro og klare aftaler.") for m in chosen]  # fmt: skip
            for metric in chosen:
                for key, title, description in rng.sample(suggestions[metric], rng.randint(2, 3)):
                    due = today + timedelta(days=rng.randint(-120, 150))
                    status = _status(rng, order, due, today)
                    action = Action(
                        dialogue=dialogue, unit_id=dialogue.unit_id, metric=metric, title=title,
                        description=description, due=due, status=status, suggestion=key,
                        evaluation=rng.choice(EVALUATIONS) if status == "done" else "",
                        done_on=min(due, today) if status == "done" else None,
                        visibility=rng.choice(["unit", "unit", "unit", "line", "trio"]),
                    )  # fmt: skip
                    actions.append(action)
                    owners.append((action, staff.get(dialogue.unit_id, [])[:2]))
        FocusArea.objects.bulk_create(areas, batch_size=2000)
        Action.objects.bulk_create(actions, batch_size=2000)
        through = Action.owners.through
        through.objects.bulk_create(
            (through(action_id=a.pk, employee_id=e) for a, people in owners for e in people),
            batch_size=5000,
        )
        Change.objects.bulk_create(changes, batch_size=2000)
    return len(actions)


def _status(rng: random.Random, order: int, due: date, today: date) -> str:
    if order >= 5 and due < today:
        return rng.choice(["done", "done", "done", "cancelled", "in_progress"])
    return rng.choice(["not_started", "in_progress", "in_progress", "on_hold", "done"])


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))
