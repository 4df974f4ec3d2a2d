"""Every view, every persona: the right ones get in, the others get 403/404."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from trivsel.organisation.access import Access, Capability
from trivsel.organisation.models import ImportJob, Unit

pytestmark = pytest.mark.django_db

UNIT_PAGE_EXPECTED = {
    # unit code: status per persona (hr, area_chief, unit_leader, trio, outsider)
    "K": (200, 404, 404, 404, 404),
    "SO-N": (200, 200, 404, 404, 404),
    "U1": (200, 200, 200, 200, 404),
    "U1-T1": (200, 200, 200, 404, 404),
    "U2": (200, 200, 404, 404, 404),
    "U3": (200, 404, 404, 404, 404),
    "HR": (200, 404, 404, 404, 404),
}
PERSONAS = ("hr", "area_chief", "unit_leader", "trio", "outsider")


@pytest.mark.parametrize("code", UNIT_PAGE_EXPECTED)
def test_unit_page_answers_each_persona_by_scope(clients: dict[str, Client], code: str) -> None:
    url = reverse("organisation:unit", args=[code])
    got = tuple(clients[persona].get(url).status_code for persona in PERSONAS)
    assert got == UNIT_PAGE_EXPECTED[code]


def test_unknown_unit_is_404_even_for_hr(clients: dict[str, Client]) -> None:
    assert clients["hr"].get(reverse("organisation:unit", args=["NOPE"])).status_code == 404


def test_anonymous_is_sent_to_login_from_every_view(
    clients: dict[str, Client], org: dict[str, Unit]
) -> None:
    urls = [
        reverse("home"),
        reverse("organisation:tree"),
        reverse("organisation:unit", args=["U1"]),
        reverse("organisation:import"),
    ]
    for url in urls:
        response = clients["anonymous"].get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["area_chief", "unit_leader", "trio", "outsider"])
def test_only_org_wide_hr_may_import(clients: dict[str, Client], persona: str) -> None:
    job = ImportJob.objects.create(status=ImportJob.Status.READY, plan={})
    assert clients[persona].get(reverse("organisation:import")).status_code == 403
    assert (
        clients[persona].get(reverse("organisation:import_job", args=[job.pk])).status_code == 403
    )
    response = clients[persona].post(reverse("organisation:import_apply", args=[job.pk]))
    assert response.status_code == 403
    job.refresh_from_db()
    assert job.status == ImportJob.Status.READY


def test_hr_may_open_import(clients: dict[str, Client]) -> None:
    assert clients["hr"].get(reverse("organisation:import")).status_code == 200


def test_tree_shows_each_persona_only_their_units(clients: dict[str, Client]) -> None:
    def shown(persona: str) -> set[str]:
        html = clients[persona].get(reverse("organisation:tree")).content.decode()
        return {code for code in UNIT_PAGE_EXPECTED if f"/organisation/units/{code}/" in html}

    assert shown("hr") == set(UNIT_PAGE_EXPECTED)
    assert shown("area_chief") == {"SO-N", "U1", "U1-T1", "U2"}
    assert shown("unit_leader") == {"U1", "U1-T1"}
    assert shown("trio") == {"U1"}
    assert shown("outsider") == set()


def test_search_finds_only_visible_units(clients: dict[str, Client]) -> None:
    html = clients["unit_leader"].get(reverse("organisation:tree"), {"q": "Lokalcenter"}).content
    assert b"Egebakken" in html
    assert b"B\xc3\xb8gely" not in html  # the sibling


def test_trio_member_does_not_see_contact_details(clients: dict[str, Client]) -> None:
    url = reverse("organisation:unit", args=["U1"])
    assert b"lise@testby.dk" in clients["unit_leader"].get(url).content
    assert b"lise@testby.dk" not in clients["trio"].get(url).content


def test_sibling_leader_cannot_open_sibling_unit(
    clients: dict[str, Client], users: dict[str, object]
) -> None:
    # Lise leads U1; U2 is a sibling under the same area.
    assert clients["unit_leader"].get(reverse("organisation:unit", args=["U2"])).status_code == 404


def test_leader_loses_access_when_no_longer_leader(
    users: dict[str, Any], org: dict[str, Unit]
) -> None:
    from trivsel.organisation.models import Employee

    access = Access.for_user(users["unit_leader"])
    assert access.can(Capability.VIEW_UNIT, org["U1"])
    Employee.objects.filter(number="1003").update(is_leader=False)
    assert not Access.for_user(users["unit_leader"]).can(Capability.VIEW_UNIT, org["U1"])


def test_inactive_login_has_no_access(users: dict[str, Any], org: dict[str, Unit]) -> None:
    users["hr"].is_active = False
    assert Access.for_user(users["hr"]).role_on(org["U1"]) is None


def test_admin_site_is_for_superusers_only(clients: dict[str, Client]) -> None:
    assert clients["hr"].get("/admin/").status_code == 302  # to the admin login


def test_tree_query_count_does_not_grow_with_units(
    clients: dict[str, Client], django_assert_max_num_queries: object
) -> None:
    from tests.factories import import_csv

    with django_assert_max_num_queries(12):  # type: ignore[operator]
        clients["hr"].get(reverse("organisation:tree"))
    from tests.factories import UNITS_CSV

    import_csv(UNITS_CSV + "".join(f"X{i};K;Unit {i};enhed\n" for i in range(300)), None)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = clients["hr"].get(reverse("organisation:tree"))
    assert b"Unit 299" in response.content
    assert Unit.objects.filter(valid_to=None).count() == 310


def test_unit_page_query_count_does_not_grow_with_people_or_children(
    clients: dict[str, Client], django_assert_max_num_queries: Any
) -> None:
    from tests.factories import EMPLOYEES_CSV, UNITS_CSV, import_csv

    url = reverse("organisation:unit", args=["U1"])
    # 17: the page also lists the measurements with a report for the unit (one query), the
    # second factor's check asks whether the person is an HR administrator (one), and the
    # session's login is checked against the register (has the person left? one).
    with django_assert_max_num_queries(17):
        clients["unit_leader"].get(url)
    units = UNITS_CSV + "".join(f"C{i};U1;Child {i};team\n" for i in range(40))
    employees = EMPLOYEES_CSV + "".join(f"{5000 + i};Person {i};;;Job;U1;nej;\n" for i in range(80))
    import_csv(units, employees)
    with django_assert_max_num_queries(17):
        response = clients["unit_leader"].get(url)
    assert b"Child 39" in response.content and b"Person 79" in response.content
