"""Who may do what with a unit's dialogue, on top of the one access check
(trivsel.organisation.access): the unit's own leader (from the register or a grant) and its
TRIO work on it; HR and the leaders above see it; the unit's employees see the actions of an
agreed plan that are meant for them. Everyone else gets 404 (from `get_unit_for`)."""

from trivsel.dialogue.models import Action, Dialogue
from trivsel.organisation.access import Access
from trivsel.organisation.models import Role, Unit

WORKERS = frozenset({Role.LEADER, Role.TRIO})


def works_on(access: Access, unit: Unit) -> bool:
    return any(s.unit_id == unit.pk and s.role in WORKERS for s in access.scopes)


def is_member(access: Access, unit: Unit) -> bool:
    return access.member is not None and access.member.unit_id == unit.pk


def visible_actions_of(access: Access, actions: list[Action]) -> list[Action]:
    """Of these actions (of one unit, from earlier dialogues), those this person may read."""
    return [a for a in actions if a in visible_actions(access, a.dialogue, a.unit)]


def visible_actions(access: Access, dialogue: Dialogue, unit: Unit | None = None) -> list[Action]:
    """The dialogue's actions this person may read: all for the unit's leader and TRIO;
    for HR and the line above those not kept to the TRIO; for the unit's employees those
    meant for them, once the plan is agreed."""
    unit = unit or dialogue.unit  # the unit the actions are for now (after a reorganisation)
    actions = list(dialogue.actions.prefetch_related("owners"))
    if works_on(access, unit):
        return actions
    if access.role_on(unit) is not None:
        return [a for a in actions if a.visibility != Action.Visibility.TRIO]
    if is_member(access, unit) and dialogue.agreed_at is not None:
        return [a for a in actions if a.visibility == Action.Visibility.UNIT]
    return []
