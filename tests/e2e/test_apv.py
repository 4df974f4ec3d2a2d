"""The APV in Danish in a real browser: the leader and the AMR build it from the released
demo measurement and fill the four elements; approval is refused while a problem lacks an
owner; both sign and it is approved; an employee of the unit reads it; HR sees it in the
overview; after an HR import that moves the unit it shows "revision needed". axe-core finds
no WCAG 2.1 A/AA violations; screenshots go to test-artifacts/e2e/, the PDF is checked."""

import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from tests.e2e.conftest import axe_violations, log_in, screenshot
from trivsel.apv.models import Apv
from trivsel.organisation.importing.service import UploadedFile, apply_import, prepare_import
from trivsel.organisation.models import Employee, Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "trivsel-demo"


def test_leader_and_amr_make_the_apv_and_the_unit_reads_it(live_server: Any, new_page: Any) -> None:
    call_command("seed_demo", employees=300, password=PASSWORD, stdout=io.StringIO())
    base = live_server.url
    leader = Employee.objects.get(user__username="leder")
    unit = leader.unit
    colleague = (
        Employee.objects.filter(unit=unit, is_leader=False, user=None, trio_roles__isnull=True)
        .order_by("number")
        .first()
    )
    assert colleague is not None
    colleague.user = User.objects.create_user("kollega", password=PASSWORD)
    colleague.save(update_fields=["user"])

    page = new_page()
    log_in(page, base, "leder", PASSWORD)
    page.goto(f"{base}/organisation/units/{unit.code}/")
    page.get_by_role("link", name="Enhedens arbejdspladsvurdering (APV)").click()
    page.get_by_role("button", name="Start APV’en").click()
    page.get_by_role("heading", name="De fem psykosociale risikofaktorer").wait_for()
    for number, factor in enumerate(page.locator("fieldset.factor").all()):
        factor.get_by_label("Relevant" if number == 0 else "Ikke relevant", exact=True).check()
        factor.get_by_label("Hvorfor").fill("Travlt om morgenen." if number == 0 else "Ikke set.")
    for select in page.locator("select[name^=check_]").all():
        select.select_option(value="ok")
    page.get_by_label("Dato for rundgang").fill("2026-11-20")
    page.get_by_label("Hvem deltog").fill("Leder og AMR")
    page.get_by_role("button", name="Gem kortlægningen").click()
    page.get_by_label("Bidrager arbejdsforholdene til sygefravær? Hvordan?").fill(
        "Travlheden kan bidrage til fravær om vinteren."
    )
    page.get_by_role("button", name="Gem vurderingen").click()
    page.get_by_text("Registrér et problem").click()
    page.get_by_label("Problem", exact=True).fill("Travlhed om morgenen")
    page.get_by_label("Alvorlighed").select_option(value="2")
    page.get_by_label("Årsager").fill("For få hænder mellem 7 og 9.")
    page.get_by_role("button", name="Registrér problemet").click()
    page.get_by_role("button", name="Underskriv som Leder").click()
    page.get_by_role("button", name="Godkend og offentliggør APV’en").click()
    page.get_by_text("mangler en handling med en ansvarlig og en frist").first.wait_for()
    assert Apv.objects.get().state == "draft"
    page.get_by_text("Tilføj en handling").click()
    page.get_by_label("Hvad og hvordan").fill("Fast morgenmøde kl. 7.30")
    page.get_by_label("Ansvarlig").select_option(index=0)
    page.get_by_label("Frist").fill("2027-02-01")
    page.get_by_role("button", name="Tilføj handlingen").click()
    screenshot(page, "apv-leader")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Registrér drøftelsen for", exact=False).click()
    page.get_by_label("Holdt den").fill("2026-03-02")
    page.get_by_label("Hvordan samarbejdet om arbejdsmiljøet skal foregå det kommende år").fill(
        "Møde hver måned i arbejdsmiljøgruppen."
    )
    page.get_by_label("Blev sidste års mål nået?").fill("Delvist.")
    page.get_by_label("Målene for det kommende år").fill("Færre tunge løft.")
    page.get_by_label("Kompetenceplanen for arbejdsmiljøorganisationens medlemmer").fill(
        "Supplerende uddannelse i maj."
    )
    assert axe_violations(page) == []
    page.get_by_role("button", name="Gem drøftelsen").click()
    page.get_by_text("Den årlige arbejdsmiljødrøftelse er gemt.").wait_for()

    amr = new_page()
    log_in(amr, base, "amr", PASSWORD)
    amr.goto(f"{base}/apv/units/{unit.code}/")
    amr.get_by_role("button", name="Underskriv som Arbejdsmiljørepræsentant (AMR)").click()
    amr.get_by_role("button", name="Godkend og offentliggør APV’en").click()
    amr.get_by_text("APV’en er godkendt").wait_for()
    apv = Apv.objects.get()
    assert apv.state == "approved"

    staff = new_page()
    log_in(staff, base, "kollega", PASSWORD)
    staff.goto(f"{base}/apv/{apv.pk}/")
    staff.get_by_text("Fast morgenmøde kl. 7.30").wait_for()
    screenshot(staff, "apv-published")
    assert axe_violations(staff) == []
    pdf = staff.request.get(f"{base}/apv/{apv.pk}/apv.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    (screenshot.__globals__["ARTIFACTS"] / "apv.pdf").write_bytes(pdf.body())

    hr = new_page()
    log_in(hr, base, "hr", PASSWORD)
    hr.get_by_role("link", name="APV", exact=True).click()
    hr.get_by_label("Status", exact=True).select_option(value="approved")
    hr.get_by_role("button", name="Vis").click()
    hr.get_by_role("link", name=unit.name).wait_for()
    assert axe_violations(hr) == []

    # HR moves the unit under another area in an import: its APV needs a revision.
    assert unit.parent_id is not None
    other = Unit.objects.filter(depth=unit.depth - 1, valid_to=None).exclude(pk=unit.parent_id)[0]

    units = Unit.objects.filter(valid_to=None).order_by("path")
    lines = ["enhedskode;overordnet;navn;type"] + [
        f"{u.code};{other.code if u == unit else (u.parent.code if u.parent else '')};{u.name};"
        f"{u.kind}"
        for u in units
    ]
    apply_import(prepare_import(UploadedFile("units.csv", "\n".join(lines).encode()), None))
    hr.goto(f"{base}/apv/overview/?status=revision_needed")
    hr.get_by_role("link", name=unit.name).wait_for()
    screenshot(hr, "apv-overview")
