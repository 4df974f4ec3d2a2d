"""Writes to a unit's APV, each one transaction: make it (from a released measurement), fill
its four elements, link or add the actions of its problems (the dialogue's actions), sign,
approve (refused with the reasons, trivsel.apv.rules.approval_refusals), and mark the units
an organisation change touched as needing a revision."""

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from trivsel.apv import checklist
from trivsel.apv.models import Apv, Check, Factor, Problem, Signoff
from trivsel.apv.rules import ApvFacts, approval_refusals
from trivsel.core.audit import record
from trivsel.dialogue.models import Action, Dialogue
from trivsel.dialogue.services import add_action, window_end
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Employee, Unit


class Refused(Exception):
    def __init__(self, reasons: list[str]):
        super().__init__(", ".join(reasons))
        self.reasons = reasons


def current(unit: Unit) -> Apv | None:
    """The unit's APV being worked on, else its latest approved one."""
    return (
        Apv.objects.filter(unit=unit, state=Apv.State.DRAFT).first()
        or Apv.objects.filter(unit=unit, state=Apv.State.APPROVED).order_by("-approved_on").first()
    )


@transaction.atomic
def create(unit: Unit, measurement: Measurement | None, user: Any) -> Apv:
    """A new APV of the unit (with the units below it), with the five psychosocial risks
    and the physical checklist to go through; the open problems of its last approved APV
    are carried over."""
    existing = Apv.objects.filter(unit=unit, state=Apv.State.DRAFT).first()
    if existing is not None:
        return existing
    apv = Apv.objects.create(unit=unit, measurement=measurement, created_by=_user(user))
    Factor.objects.bulk_create(Factor(apv=apv, key=key) for key in Factor.Key.values)
    Check.objects.bulk_create(Check(apv=apv, item=item) for item in checklist.items())
    last = Apv.objects.filter(unit=unit, state=Apv.State.APPROVED).order_by("-approved_on").first()
    if last is not None:
        for problem in last.problems.all():
            if problem.solved_at_once or (
                problem.actions.exists()
                and not problem.actions.exclude(status=Action.Status.DONE).exists()
            ):
                continue
            actions = list(problem.actions.all())
            problem.pk = None
            problem.apv = apv
            problem.save()
            problem.actions.set(actions)
    record("APV started", f"APV {apv.pk}", f"unit {unit.code}")
    return apv


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _editable(apv: Apv) -> Apv:
    locked = Apv.objects.select_for_update().get(pk=apv.pk)
    if locked.state != Apv.State.DRAFT:
        raise Refused(["approved"])
    return locked


@transaction.atomic
def update(apv: Apv, **fields: Any) -> Apv:
    locked = _editable(apv)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(fields))
    return locked


@transaction.atomic
def mark_factor(apv: Apv, key: str, relevant: bool | None, reason: str) -> None:
    _editable(apv)
    Factor.objects.filter(apv=apv, key=key).update(relevant=relevant, reason=reason.strip())


@transaction.atomic
def mark_check(apv: Apv, check_pk: int, status: str, note: str) -> None:
    _editable(apv)
    Check.objects.filter(apv=apv, pk=check_pk).update(status=status, note=note.strip())


@transaction.atomic
def add_problem(apv: Apv, **fields: Any) -> Problem:
    _editable(apv)
    return Problem.objects.create(apv=apv, **fields)


def _dialogue_of(apv: Apv) -> Dialogue:
    """The dialogue an APV's new action belongs to: the unit's dialogue of the APV's
    measurement, made if the unit has none yet."""
    if apv.measurement is None:
        raise Refused(["measurement"])
    dialogue, _created = Dialogue.objects.get_or_create(
        measurement=apv.measurement, unit=apv.unit,
        defaults={"window_ends": window_end(apv.measurement)},
    )  # fmt: skip
    return dialogue


@transaction.atomic
def add_problem_action(
    problem: Problem, user: Any, owners: list[Employee], title: str, due: date, metric: str
) -> Action:
    """A new action for the problem, which is also an action of the unit's dialogue (seen
    in its action plan, followed up and evaluated there)."""
    _editable(problem.apv)
    action = add_action(
        _dialogue_of(problem.apv), _user(user), owners, title=title, due=due, metric=metric,
        visibility=Action.Visibility.UNIT,
    )  # fmt: skip
    problem.actions.add(action)
    return action


@transaction.atomic
def link_action(problem: Problem, action: Action) -> None:
    _editable(problem.apv)
    if action.unit_id != problem.apv.unit_id:
        raise Refused(["other unit"])
    problem.actions.add(action)


def facts(apv: Apv) -> ApvFacts:
    problems = list(apv.problems.prefetch_related("actions__owners"))
    unplanned = [
        p.title for p in problems
        if not p.solved_at_once and not any(a.owners.all() and a.due for a in p.actions.all())
    ]  # fmt: skip
    return ApvFacts(
        surveyed=apv.measurement_id is not None or apv.checks.exclude(status="").exists(),
        walkthrough=apv.walkthrough_on is not None,
        factors_unmarked=[
            f.key for f in apv.factors.all() if f.relevant is None or not f.reason.strip()
        ],
        absence_assessed=bool(apv.absence_assessment.strip()),
        problems_without_plan=unplanned,
        signed_by=set(apv.signoffs.values_list("role", flat=True)),
        no_amo=apv.no_amo,
    )


@transaction.atomic
def sign(apv: Apv, user: Any, role: str, on: date | None = None) -> Signoff:
    locked = _editable(apv)
    name = (user.get_full_name() or user.get_username()) if user else ""
    signoff, _created = Signoff.objects.update_or_create(
        apv=locked, role=role,
        defaults={"user": _user(user), "name": name, "signed_on": on or timezone.localdate()},
    )  # fmt: skip
    record("APV signed", f"APV {apv.pk}", role)
    return signoff


@transaction.atomic
def approve(apv: Apv) -> Apv:
    """Approved once every element is there and both have signed; else refused with the
    reasons. The approval date is the later sign-off's; the unit's earlier APV is kept as
    it was."""
    locked = _editable(apv)
    reasons = approval_refusals(facts(locked))
    if reasons:
        raise Refused(reasons)
    locked.state = Apv.State.APPROVED
    locked.approved_on = max(locked.signoffs.values_list("signed_on", flat=True))
    locked.revision_needed = False
    locked.save(update_fields=["state", "approved_on", "revision_needed"])
    record("APV approved", f"APV {locked.pk}", f"unit {locked.unit.code}")
    return locked


def needs_revision(units: list[Unit], reason: str) -> int:
    """An organisation change (a unit moved, merged or new) opens "revision needed" on the
    approved APVs of these units and of those above that include them."""
    if not units:
        return 0
    above = {ancestor for unit in units for ancestor in unit.ancestor_ids()}
    where = Q(unit_id__in=[unit.pk for unit in units]) | Q(unit_id__in=above,
                                                           include_subtree=True)  # fmt: skip
    return Apv.objects.filter(where, state=Apv.State.APPROVED).update(
        revision_needed=True, revision_reason=reason[:300]
    )
