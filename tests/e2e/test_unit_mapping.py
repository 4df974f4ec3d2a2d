"""HR keeps the unit mapping in the browser: adds a merge, sees a clear message for an
unknown code, removes a line; axe-core finds no WCAG 2.1 A/AA violations."""

from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.e2e.conftest import axe_violations, log_in, screenshot
from tests.factories import import_csv
from trivsel.organisation.models import Role, RoleGrant, Unit
from trivsel.results.models import UnitMapping

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hr_maps_a_merged_unit(live_server: Any, new_page: Any) -> None:
    import_csv()
    user = User.objects.create_user("hr", password="pw-hr-1234")
    RoleGrant.objects.create(user=user, unit=Unit.objects.get(code="K"), role=Role.HR_ADMIN)
    base = live_server.url
    page = new_page()
    log_in(page, base, "hr", "pw-hr-1234")
    page.get_by_role("link", name="Enhedskobling").click()
    assert axe_violations(page) == []
    for previous in ("SO-N", "SO-S"):
        page.get_by_label("Enhedskode i dag").fill("SO")
        page.get_by_label("Koden den havde, eller en den er lavet af").fill(previous)
        page.get_by_label("Bemærkning").fill("Områderne lagt sammen 2026")
        page.get_by_role("button", name="Tilføj", exact=True).click()
        page.get_by_role("button", name=f"Fjern SO ← {previous}").wait_for()
    page.get_by_label("Enhedskode i dag").fill("NOPE")
    page.get_by_label("Koden den havde, eller en den er lavet af").fill("SO-N")
    page.get_by_role("button", name="Tilføj", exact=True).click()
    page.get_by_text("Ingen enhed har koden “NOPE”.").wait_for()
    screenshot(page, "hr-unit-mapping")
    assert axe_violations(page) == []
    assert sorted(UnitMapping.objects.values_list("previous_code", flat=True)) == ["SO-N", "SO-S"]
    page.get_by_role("button", name="Fjern SO ← SO-S").click()
    page.get_by_role("button", name="Fjern SO ← SO-N").wait_for()
    assert list(UnitMapping.objects.values_list("previous_code", flat=True)) == ["SO-N"]
