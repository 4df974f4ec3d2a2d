"""A respondent answering the whole survey in Chromium: on a phone with JavaScript off, or
by keyboard alone. axe-core (which needs JavaScript) runs on every survey page of the
keyboard flow; screenshots go to test-artifacts."""

from typing import Any

from tests.e2e.conftest import axe_violations, screenshot


def answer_on_phone(browser: Any, url: str, name: str = "survey-phone") -> None:
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 844}, locale="da-DK",
        timezone_id="Europe/Copenhagen", is_mobile=True, has_touch=True,
    )  # fmt: skip
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(url)
    screenshot(page, f"{name}-page1")
    for number in range(10):
        if page.get_by_role("heading", name="Klar til at sende").count():
            break
        if number == 2:
            screenshot(page, f"{name}-apv")
        if number == 3:  # answered "Ja, dagligt" to every exposure: "from whom?" follows
            assert page.get_by_text("Side 4 af 5").is_visible()
            assert page.get_by_role("group", name="fra hvem?").count() == 4
            screenshot(page, f"{name}-apv-from-whom")
        for group in page.get_by_role("group").all():
            radios = group.get_by_role("radio")
            (radios if radios.count() else group.get_by_role("checkbox")).first.check()
        for box in page.get_by_role("textbox").all():
            box.fill("Vi har et godt sammenhold.")
        page.get_by_role("button", name="Gem og").click()
    else:
        raise AssertionError(f"never reached the submit page: {page.url}")
    screenshot(page, f"{name}-submit")
    page.get_by_role("button", name="Send mine svar").click()
    assert page.get_by_role("heading", name="Tak for dine svar").is_visible()
    screenshot(page, f"{name}-thanks")
    context.close()


def answer_by_keyboard(browser: Any, url: str) -> int:
    """Tab to every answer, choose with Space, type free text, press Enter on "next";
    returns the number of question pages."""
    context = browser.new_context(locale="da-DK", timezone_id="Europe/Copenhagen")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(url)
    pages_seen = 0
    while not page.get_by_role("heading", name="Klar til at sende").count():
        assert pages_seen < 10, f"still not at the submit page: {page.url}"
        assert axe_violations(page) == [], page.url
        pages_seen += 1
        for _ in range(400):
            page.keyboard.press("Tab")
            kind = page.evaluate(
                "() => { const e = document.activeElement; return e.tagName === 'BUTTON'"
                " ? 'button:' + e.name : (e.type || e.tagName).toLowerCase(); }"
            )
            if kind in ("radio", "checkbox"):
                page.keyboard.press("Space")
            elif kind == "textarea":
                page.keyboard.type("Tak for en god arbejdsplads.")
            elif kind == "button:next":
                with page.expect_navigation():
                    page.keyboard.press("Enter")
                break
        else:
            raise AssertionError(f"no way forward by keyboard on {page.url}")
    assert axe_violations(page) == []
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.textContent.trim()") == "Send mine svar":
            with page.expect_navigation():
                page.keyboard.press("Enter")
            break
    page.get_by_role("heading", name="Tak for dine svar").wait_for()
    assert axe_violations(page) == []
    context.close()
    return pages_seen
