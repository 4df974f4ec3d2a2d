"""HR reads a closed measurement's comments in the browser, finds one by a name and removes
it; the page is in Danish, and axe-core finds no WCAG 2.1 A/AA violations."""

from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.e2e.conftest import axe_violations, log_in, screenshot
from tests.results.test_redaction import closed, stored_texts  # noqa: F401  (the fixture)
from trivsel.measurements.models import Measurement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hr_finds_and_removes_an_identifying_comment(
    closed: Measurement,  # noqa: F811
    users: dict[str, User], live_server: Any, new_page: Any,
) -> None:  # fmt: skip
    page = new_page()
    log_in(page, live_server.url, "hr", "pw")
    page.goto(f"{live_server.url}/measurements/{closed.pk}/")
    page.get_by_role("link", name="Læs kommentarerne").click()
    page.get_by_role("heading", name="Kommentarer").wait_for()
    assert page.get_by_text("8 kommentarer.").is_visible()
    assert axe_violations(page) == []
    page.get_by_label("Find kommentarer, der indeholder").fill("jens")
    page.get_by_role("button", name="Find", exact=True).click()
    page.get_by_text("1 kommentar.").wait_for()
    screenshot(page, "hr-comment-redaction")
    page.get_by_role("button", name="Fjern kommentaren").click()
    page.get_by_text("Kommentaren er fjernet.").wait_for()
    assert axe_violations(page) == []
    assert not any("Jens" in text for text in stored_texts(closed))
