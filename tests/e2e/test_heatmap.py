"""HR's heatmap in Chromium: no WCAG 2.1 A/AA violations (axe-core), the header row and the
unit column stay in view when the table is scrolled inside its container (bounding boxes
after scrolling), and a unit's toggle hides and shows its descendants, keeping a collapsed
descendant's own rows hidden. The new controls are found by their markup, not their words
(their Danish translations are added separately)."""

from typing import Any

import pytest
from django.contrib.auth.models import User

from tests.e2e.conftest import axe_violations, log_in, screenshot
from tests.e2e.test_unit_report import release
from tests.reports.test_overview import store
from trivsel.instruments.models import Dimension
from trivsel.measurements.models import Measurement
from trivsel.results.models import Kind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def row(page: Any, name: str) -> Any:
    return page.locator("table.heatmap tbody tr").filter(has=page.locator("a", has_text=name))


def more_columns(measurement: Measurement) -> None:
    """Every bundled dimension stored for the organisation and Sundhed og Omsorg, so that
    the table is wider than the screen as at a municipality."""
    keys = list(Dimension.objects.values_list("key", flat=True))
    store(measurement, None, Kind.DIMENSION, **{key: (50.0, {}) for key in keys})
    differences = {key: (50.0 + at, {"organisation": (at, at > 5)}) for at, key in enumerate(keys)}
    store(measurement, "SO", Kind.DIMENSION, **differences)


def box(locator: Any) -> dict[str, float]:
    found: dict[str, float] = locator.bounding_box()
    return found


def test_hr_heatmap_is_accessible_sticky_and_collapsible(
    live_server: Any, new_page: Any, measurement: Measurement, users: dict[str, User],
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    release(measurement, django_capture_on_commit_callbacks)
    more_columns(measurement)
    base = live_server.url
    page = new_page({"width": 760, "height": 460})  # small: the table scrolls both ways
    log_in(page, base, "hr", "pw")
    page.goto(f"{base}/reports/{measurement.pk}/?levels=8")
    table = page.get_by_role("table", name="Resultater pr. enhed")
    table.wait_for()
    assert axe_violations(page) == []
    screenshot(page, "hr-heatmap-tree")

    scroller = page.locator(".heatmap-scroll")
    header = page.locator("table.heatmap thead tr").first.locator("th").nth(3)
    unit = row(page, "Team Dag").locator("th")
    before = box(scroller)
    page.evaluate(
        """() => { const s = document.querySelector('.heatmap-scroll');
                   s.scrollTop = s.scrollHeight; s.scrollLeft = s.scrollWidth; }"""
    )
    scrolled = page.evaluate(
        "() => [document.querySelector('.heatmap-scroll').scrollTop,"
        " document.querySelector('.heatmap-scroll').scrollLeft]"
    )
    assert scrolled[0] > 0 and scrolled[1] > 0  # it did scroll both ways
    assert box(scroller) == before  # only the container scrolled, not the page
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    # The header row stays at the top of the container, the unit column at its left.
    assert abs(box(header)["y"] - before["y"]) <= 2
    assert abs(box(unit)["x"] - before["x"]) <= 2
    assert box(unit)["y"] >= box(header)["y"] + box(header)["height"] - 2  # not under it

    page.evaluate("() => { document.querySelector('.heatmap-scroll').scrollTo(0, 0); }")
    nord, egebakken = row(page, "Område Nord"), row(page, "Lokalcenter Egebakken")
    below_nord = ("Lokalcenter Egebakken", "Team Dag", "Lokalcenter Bøgely")
    egebakken.locator("button.toggle").click()
    assert egebakken.locator("button.toggle").get_attribute("aria-expanded") == "false"
    assert not row(page, "Team Dag").is_visible()
    nord.locator("button.toggle").click()
    assert nord.locator("button.toggle").get_attribute("aria-expanded") == "false"
    for name in below_nord:
        assert not row(page, name).is_visible()
    assert row(page, "Område Syd").is_visible()
    nord.locator("button.toggle").click()
    assert row(page, "Lokalcenter Egebakken").is_visible()
    assert row(page, "Lokalcenter Bøgely").is_visible()
    assert not row(page, "Team Dag").is_visible()  # Egebakken is still collapsed
    egebakken.locator("button.toggle").click()
    assert row(page, "Team Dag").is_visible()
    assert axe_violations(page) == []


def test_heatmap_works_without_javascript(
    live_server: Any, browser: Any, measurement: Measurement, users: dict[str, User],
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    release(measurement, django_capture_on_commit_callbacks)
    base = live_server.url
    context = browser.new_context(
        locale="da-DK", timezone_id="Europe/Copenhagen", java_script_enabled=False
    )
    try:
        page = context.new_page()
        log_in(page, base, "hr", "pw")
        page.goto(f"{base}/reports/{measurement.pk}/?levels=8")
        assert page.locator("table.heatmap tbody tr").count() == 9  # every unit but the root
        assert page.locator("button.toggle").count() == 0
        page.locator("#unit").fill("Område Nord (SO-N)")
        page.get_by_role("button", name="Vis", exact=True).click()
        page.wait_for_url("**unit=*")
        names = page.locator("table.heatmap tbody th").all_inner_texts()
        assert names == ["Område Nord", "Lokalcenter Egebakken", "Team Dag", "Lokalcenter Bøgely"]
    finally:
        context.close()
