"""A unit's dialogue and action plan: the steps in order with their checks, the actions'
rules, who may work on it, see it or nothing (six personas and a sibling unit's leader),
the employees' view of the agreed plan, a unit whose results are hidden working from the
unit above, actions following their unit through a merge, and the history of every change."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import signed_in
from trivsel.dialogue import services
from trivsel.dialogue.models import Action, Dialogue
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Employee, Unit
from trivsel.results.models import UnitMapping

pytestmark = pytest.mark.django_db


@pytest.fixture
def more(users: dict[str, User], clients: dict[str, Client]) -> dict[str, Client]:
    """Also the leader of U1's sibling U2, and an employee of U1 (Karl) with a login."""
    for number, name in (("1007", "sibling_leader"), ("1005", "employee")):
        user = User.objects.create_user(name, password="pw")
        Employee.objects.filter(number=number).update(user=user)
        clients[name] = signed_in(Client(), user)
    return clients


def url(measurement: Measurement, code: str = "U1", name: str = "dialogue:dialogue") -> str:
    return reverse(name, args=[measurement.pk, code])


def post(client: Client, measurement: Measurement, **data: Any) -> Any:
    return client.post(url(measurement), data)


def owners() -> list[Employee]:
    return list(Employee.objects.filter(number__in=["1003", "1004"]))


def add(dialogue: Dialogue, **fields: Any) -> Action:
    values = {"title": "Fast prioritering hver uge", "metric": "sc_short",
              "due": date(2026, 3, 1), "visibility": Action.Visibility.UNIT} | fields  # fmt: skip
    return services.add_action(dialogue, None, owners(), **values)


def test_the_leader_takes_the_dialogue_through_its_steps(
    released: Measurement, more: dict[str, Client]
) -> None:
    leader = more["unit_leader"]
    page = leader.get(url(released))
    assert page.status_code == 200
    html = page.content.decode()
    # U1's own results are hidden (too few): the dialogue works from Sundhed og Omsorg's.
    assert "works from the results of Sundhed og Omsorg" in html
    assert post(leader, released, step="read").status_code == 302
    assert post(leader, released, step="plan", meeting_on="2026-12-01").status_code == 302
    today = timezone.localdate()
    refused = post(leader, released, step="held", held_on=str(today + timedelta(days=1)),
                   participants="9", amr_present="on")  # fmt: skip
    assert refused.status_code == 400 and "has not come" in refused.content.decode()
    assert post(leader, released, step="held", held_on=str(today), participants="9",
                amr_present="on", minutes="Vi talte om travlhed.").status_code == 302  # fmt: skip
    assert post(leader, released, step="focus", metrics=["sc_short"]).status_code == 302
    too_many = post(leader, released, step="focus", metrics=[])
    assert "Choose one, two or three" in too_many.content.decode()
    no_plan = post(leader, released, step="agree")
    assert "at least one action" in no_plan.content.decode()
    dialogue = Dialogue.objects.get(measurement=released, unit__code="U1")
    assert dialogue.state == Dialogue.State.HELD and dialogue.amr_present is True
    assert dialogue.tr_present is False and dialogue.participants == 9
    new = leader.post(url(released, name="dialogue:action_new"), {
        "title": "Fast prioritering hver uge", "metric": "sc_short",
        "owners": [e.pk for e in owners()], "due": "2027-03-01", "status": "not_started",
        "visibility": "unit",
    })  # fmt: skip
    assert new.status_code == 302, new.content.decode()[:3000]
    assert post(leader, released, step="agree").status_code == 302
    dialogue.refresh_from_db()
    assert dialogue.state == Dialogue.State.AGREED
    history = [c.what for c in dialogue.changes.order_by("pk")]
    assert history[0] == "Read the report" and history[-1] == "Agreed the plan"
    assert len(history) == 6 and all(c.who for c in dialogue.changes.all())


def test_an_action_needs_a_title_owner_and_focus_and_an_evaluation_to_be_done(
    released: Measurement,
) -> None:
    dialogue = services.dialogue_for(released, Unit.objects.get(code="U1"))
    with pytest.raises(services.Refused, match="1 to 255"):
        add(dialogue, title="")
    with pytest.raises(services.Refused, match="1 to 255"):
        add(dialogue, title="x" * 256)
    with pytest.raises(services.Refused, match="focus area"):
        add(dialogue, metric="")
    with pytest.raises(services.Refused, match="owner"):
        services.add_action(dialogue, None, [], title="T", metric="sc_short",
                            due=date(2026, 3, 1))  # fmt: skip
    action = add(dialogue)
    with pytest.raises(services.Refused, match="evaluation"):
        services.update_action(action, None, owners(), status=Action.Status.DONE)
    changed = services.update_action(action, None, owners(), status=Action.Status.DONE,
                                     evaluation="Færre sene vagtbytter.")  # fmt: skip
    assert changed == ["status", "evaluation"]
    action.refresh_from_db()
    assert action.done_on == timezone.localdate()
    assert "(Done)" in action.changes.first().what  # type: ignore[union-attr]


def test_who_may_work_on_see_or_not_find_the_dialogue(
    released: Measurement, more: dict[str, Client]
) -> None:
    dialogue = services.dialogue_for(released, Unit.objects.get(code="U1"))
    add(dialogue, title="Kun for TRIO", visibility=Action.Visibility.TRIO)
    add(dialogue, title="For ledelseslinjen", visibility=Action.Visibility.LINE)
    add(dialogue, title="For alle i enheden", visibility=Action.Visibility.UNIT)
    page = url(released)
    for persona in ("unit_leader", "trio"):  # work on it: every action, may post
        html = more[persona].get(page).content.decode()
        assert "Kun for TRIO" in html and "For alle i enheden" in html, persona
        assert post(more[persona], released, step="read").status_code == 302, persona
    for persona in ("hr", "area_chief"):  # see it, without the TRIO's own actions
        html = more[persona].get(page).content.decode()
        assert "For ledelseslinjen" in html and "Kun for TRIO" not in html, persona
        assert post(more[persona], released, step="read").status_code == 403, persona
    for persona in ("sibling_leader", "outsider", "employee"):
        assert more[persona].get(page).status_code == 404, persona
        assert post(more[persona], released, step="read").status_code == 404, persona
        assert more[persona].get(url(released, name="dialogue:action_new")).status_code == 404
    action = Action.objects.get(title="Kun for TRIO")
    assert (
        more["sibling_leader"].get(reverse("dialogue:action", args=[action.pk])).status_code == 404
    )
    assert more["hr"].get(reverse("dialogue:action", args=[action.pk])).status_code == 404
    # HR and the area chief read an action that is not kept to the TRIO, without a form.
    line = Action.objects.get(title="For ledelseslinjen")
    for persona in ("hr", "area_chief"):
        shown = more[persona].get(reverse("dialogue:action", args=[line.pk]))
        assert shown.status_code == 200 and "For ledelseslinjen" in shown.content.decode()
        assert 'name="title"' not in shown.content.decode()
        refused = more[persona].post(reverse("dialogue:action", args=[line.pk]), {"title": "x"})
        assert refused.status_code == 200  # the same read-only page: nothing is changed
        assert Action.objects.get(pk=line.pk).title == "For ledelseslinjen"
    assert more["anonymous"].get(page)["Location"].startswith(reverse("login"))


def test_the_employees_see_the_agreed_plan_s_shared_actions(
    released: Measurement, more: dict[str, Client]
) -> None:
    dialogue = services.dialogue_for(released, Unit.objects.get(code="U1"))
    add(dialogue, title="Kun for TRIO", visibility=Action.Visibility.TRIO)
    add(dialogue, title="For alle i enheden", visibility=Action.Visibility.UNIT)
    plan = url(released, name="dialogue:plan")
    before = more["employee"].get(plan).content.decode()
    assert "not been agreed yet" in before and "For alle i enheden" not in before
    services.hold_meeting(dialogue, None, timezone.localdate(), 8, True, True, "")
    services.agree_plan(dialogue, None)
    after = more["employee"].get(plan).content.decode()
    assert "For alle i enheden" in after and "Kun for TRIO" not in after
    assert more["sibling_leader"].get(plan).status_code == 404
    assert more["outsider"].get(plan).status_code == 404


def test_an_action_follows_its_unit_through_a_merge(
    released: Measurement, org: dict[str, Unit], clients: dict[str, Client]
) -> None:
    """U1 and U2 become one new unit U12: U1's open action moves to U12 (with a line in its
    history), its done action stays with U1."""
    dialogue = services.dialogue_for(released, org["U1"])
    open_action = add(dialogue, title="Åben handling")
    done = add(dialogue, title="Færdig", status=Action.Status.DONE, evaluation="Virkede.")
    merged = Unit.objects.create(code="U12", name="Enhed 1 og 2", kind="unit",
                                 parent=org["SO-N"], path="", valid_from="2026-12-01")  # fmt: skip
    merged.path = f"{org['SO-N'].path}{merged.pk:08d}/"
    merged.save()
    Unit.objects.filter(code__in=["U1", "U2"]).update(valid_to=date(2026, 11, 30))
    UnitMapping.objects.create(unit=merged, previous_code="U1")
    UnitMapping.objects.create(unit=merged, previous_code="U2")
    open_action.refresh_from_db()
    done.refresh_from_db()
    assert open_action.unit == merged and done.unit == org["U1"]
    assert "from Lokalcenter Egebakken to Enhed 1 og 2" in open_action.changes.first().what  # type: ignore[union-attr]
    # The merged unit's page lists it among the open actions taken over.
    page = clients["hr"].get(url(released, "U12")).content.decode()
    assert "Open actions taken over from earlier units" in page and "Åben handling" in page
    assert "Færdig" not in page


def test_the_window_defaults_to_the_deadline_or_28_days_after_release(
    released: Measurement, org: dict[str, Unit]
) -> None:
    released.dialogue_deadline = None
    released.save()
    dialogue = services.dialogue_for(released, org["U1"])
    assert dialogue.window_ends == timezone.localdate(released.results_release_at) + timedelta(28)
    released.dialogue_deadline = date(2027, 2, 1)
    assert services.window_end(released) == date(2027, 2, 1)


def test_no_dialogue_before_release(measurement: Measurement, clients: dict[str, Client]) -> None:
    assert clients["unit_leader"].get(url(measurement)).status_code == 404


def test_the_leader_edits_an_action_through_its_page(
    released: Measurement, more: dict[str, Client]
) -> None:
    dialogue = services.dialogue_for(released, Unit.objects.get(code="U1"))
    action = add(dialogue)
    page = reverse("dialogue:action", args=[action.pk])
    form = more["unit_leader"].get(page).content.decode()
    assert 'value="2026-03-01"' in form  # the date picker's own format, whatever the language
    done = more["unit_leader"].post(page, {
        "title": "Fast prioritering hver mandag", "metric": "sc_short",
        "owners": [e.pk for e in owners()], "due": "2026-04-01", "status": "in_progress",
        "visibility": "unit",
    })  # fmt: skip
    assert done.status_code == 302
    action.refresh_from_db()
    assert (action.title, action.status, str(action.due)) == (
        "Fast prioritering hver mandag",
        "in_progress",
        "2026-04-01",
    )
    assert "title, due date, status" in action.changes.first().what  # type: ignore[union-attr]


def test_the_staff_room_plan_shows_only_what_is_meant_for_everyone_whoever_prints_it(
    released: Measurement, more: dict[str, Client]
) -> None:
    dialogue = services.dialogue_for(released, Unit.objects.get(code="U1"))
    add(dialogue, title="Kun for TRIO", visibility=Action.Visibility.TRIO)
    add(dialogue, title="For alle i enheden", visibility=Action.Visibility.UNIT)
    services.hold_meeting(dialogue, None, timezone.localdate(), 8, True, True, "")
    services.agree_plan(dialogue, None)
    printed = more["unit_leader"].get(url(released, name="dialogue:plan")).content.decode()
    assert "For alle i enheden" in printed and "Kun for TRIO" not in printed
