"""A unit's APV: its leader and AMR build it from the released measurement, approval is
refused while an element is missing or a problem lacks an owner and a due date, then they
both sign and it is approved and published to the unit's employees (page, PDF, CSV); HR's
overview shows every unit's status; moving the unit in an HR import opens "revision
needed"."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.apv.test_incidents import login_for
from tests.factories import UNITS_CSV, import_csv
from trivsel.apv.models import Apv, Factor
from trivsel.apv.rules import ApvFacts, approval_refusals
from trivsel.measurements.models import Measurement
from trivsel.organisation.models import Employee, Unit

pytestmark = pytest.mark.django_db


def test_the_approval_rule() -> None:
    complete = ApvFacts(True, True, [], True, [], {"leader", "amr"}, False)
    assert approval_refusals(complete) == []
    missing = ApvFacts(False, False, ["violence"], False, ["Støj"], {"leader"}, False)
    assert approval_refusals(missing) == [
        "survey", "walkthrough", "factor:violence", "absence", "plan:Støj", "signoff:amr",
    ]  # fmt: skip
    no_amo = ApvFacts(True, True, [], True, [], {"leader", "amr"}, True)
    assert approval_refusals(no_amo) == ["signoff:employee", "signoff:employer"]


def survey(client: Client, url: str, apv: Apv) -> None:
    data: dict[str, Any] = {"do": "survey", "walkthrough_on": "2026-11-20",
                            "walkthrough_participants": "Lise Leder, Anna AMR"}  # fmt: skip
    for key in Factor.Key.values:
        data[f"relevant_{key}"] = "yes" if key == "workload" else "no"
        data[f"reason_{key}"] = "Travlt om morgenen." if key == "workload" else "Ikke set her."
    for check in apv.checks.all():
        data[f"check_{check.pk}"] = "ok"
    client.post(url, data)


def test_leader_and_amr_build_sign_and_publish_the_apv(
    released: Measurement, clients: dict[str, Client], org: dict[str, Unit]
) -> None:
    leader, amr = clients["unit_leader"], clients["trio"]
    url = reverse("apv:unit", args=["U1"])
    assert "Start the APV" in leader.get(url).content.decode()
    leader.post(url, {"do": "start", "measurement": released.pk})
    apv = Apv.objects.get()
    assert apv.unit == org["U1"] and apv.measurement == released
    survey(amr, url, apv)  # the AMR works on it too
    problem_fields = {"title": "Travlhed om morgenen", "severity": "2", "nature": "Psykisk",
                      "extent": "Hele teamet", "causes": "Få hænder"}  # fmt: skip
    leader.post(url, {"do": "problem", **problem_fields})
    refused = leader.post(url, {"do": "approve"}, follow=True).content.decode()
    for reason in (
        "Assess whether the working conditions contribute to sickness absence.",
        "The problem “Travlhed om morgenen” needs an action with an owner and a due date.",
        "Leader has not signed.",
        "Work environment representative (AMR) has not signed.",
    ):
        assert reason in refused, reason
    assert Apv.objects.get().state == "draft"
    assessment = "Travlheden kan bidrage til fravær om vinteren."
    leader.post(url, {"do": "absence", "absence_assessment": assessment})
    problem = apv.problems.get()
    karl = Employee.objects.get(number="1005")
    leader.post(url, {"do": "action", "problem": problem.pk, "title": "Fast morgenmøde kl. 7.30",
                      "owners": [karl.pk], "due": "2027-02-01"})  # fmt: skip
    action = problem.actions.get()
    assert action.dialogue.measurement == released  # the same action is in the unit's plan
    leader.post(url, {"do": "sign", "role": "leader"})
    assert amr.post(url, {"do": "sign", "role": "leader"}).status_code == 403
    amr.post(url, {"do": "sign", "role": "amr"})
    leader.post(url, {"do": "approve"})
    apv.refresh_from_db()
    assert apv.state == "approved" and apv.approved_on is not None
    assert leader.post(url, {"do": "absence", "absence_assessment": "x"}).status_code == 302
    assert Apv.objects.get().absence_assessment.startswith("Travlheden")  # approved: unchanged

    # Published: every employee of the unit reads it; others do not.
    colleague = login_for("1005", "kollega")
    read = reverse("apv:read", args=[apv.pk])
    page = colleague.get(read)
    assert page.status_code == 200 and "Fast morgenmøde kl. 7.30" in page.content.decode()
    pdf = colleague.get(reverse("apv:pdf", args=[apv.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    csv = colleague.get(reverse("apv:csv", args=[apv.pk])).content.decode("utf-8-sig")
    assert "Travlhed om morgenen;2;" in csv and "Fast morgenmøde kl. 7.30" in csv
    for persona in ("outsider",):
        assert clients[persona].get(read).status_code == 404
    assert clients["outsider"].get(url).status_code == 404
    # HR's overview
    overview = clients["hr"].get(reverse("apv:overview"), {"status": "approved"})
    assert "Lokalcenter Egebakken" in overview.content.decode()
    # Leaders see their own part of the organisation; an employee without a role nothing.
    mine = clients["area_chief"].get(reverse("apv:overview")).content.decode()
    assert "Lokalcenter Egebakken" in mine and "Hjemmeplejen Syd" not in mine
    assert clients["outsider"].get(reverse("apv:overview")).status_code == 403
    exported = clients["hr"].get(reverse("apv:overview"), {"format": "csv"})
    assert "U1;Lokalcenter Egebakken;Approved;" in exported.content.decode("utf-8-sig")

    # HR moves the unit to Område Syd: its APV needs a revision.
    import_csv(UNITS_CSV.replace("U1;SO-N;Lokalcenter Egebakken", "U1;SO-S;Lokalcenter Egebakken"),
               None)  # fmt: skip
    apv.refresh_from_db()
    assert apv.revision_needed
    moved = clients["hr"].get(reverse("apv:overview"), {"status": "revision_needed"})
    assert "Lokalcenter Egebakken" in moved.content.decode()


def test_the_annual_discussion_is_recorded_by_the_unit(
    clients: dict[str, Client], org: dict[str, Unit]
) -> None:
    from trivsel.apv.models import AnnualDiscussion

    url = reverse("apv:discussion", args=["U1", 2026])
    empty = clients["unit_leader"].post(url, {"held_on": "2026-03-02"})
    assert empty.status_code == 400 and "This field is required." in empty.content.decode()
    assert not AnnualDiscussion.objects.exists()
    data = {"held_on": "2026-03-02", "participants": "Lise Leder, Anna AMR",
            "cooperation": "Møde hver måned i arbejdsmiljøgruppen.",
            "goals_met": "Delvist: støjen er mindre.", "new_goals": "Færre tunge løft.",
            "competence_plan": "Anna tager den supplerende uddannelse i maj."}  # fmt: skip
    assert clients["trio"].post(url, data).status_code == 302
    record = AnnualDiscussion.objects.get()
    assert (record.unit, record.year) == (org["U1"], 2026)
    page = clients["unit_leader"].get(reverse("apv:unit", args=["U1"])).content.decode()
    assert "2026: held" in page
    assert clients["outsider"].get(url).status_code == 404
    assert clients["hr"].get(url).status_code == 200


def test_the_apv_shows_the_units_sick_leave_beside_the_assessment(
    released: Measurement, clients: dict[str, Client], org: dict[str, Unit]
) -> None:
    from datetime import date

    from tests.keyfigures.test_import_and_months import ABSENCE, EMPLOYMENT
    from trivsel.keyfigures.compute import compute_months
    from trivsel.keyfigures.importing import import_absence, import_employment

    import_employment(EMPLOYMENT.encode(), "ansatte.csv")
    import_absence(ABSENCE.encode(), "fravær.csv")
    compute_months(date(2024, 1, 1), date(2025, 4, 1))
    leader = clients["area_chief"]
    url = reverse("apv:unit", args=["SO-N"])
    leader.post(url, {"do": "start", "measurement": released.pk})
    page = leader.get(url).content.decode()
    assert "The twelve months up to April 2025: sickness absence" in page


def test_a_first_import_of_thousands_of_units_can_mark_revisions(db: None) -> None:
    """The first import of a 3,000-unit municipality moves every unit: the query for the
    APVs to revise must not grow one OR per unit (SQLite refused it at 1,000)."""
    from trivsel.apv.apv_services import needs_revision

    units = [Unit(pk=number, path=f"1/{number}/") for number in range(2, 3200)]
    assert needs_revision(units, "organisation change") == 0
