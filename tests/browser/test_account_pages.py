"""The personal area in a real browser, on a 390 px phone: no sideways scroll, no axe violation."""

import pytest

from tests.browser.harness import axe_violations, describe, screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/account/", "/account/profilo/", "/account/notifiche/", "/account/i-miei-dati/"])
def test_personal_area_on_a_phone(path, browser_page, live_url, browser_comune, browser_user, browser_login):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    user = browser_user(email="area.personale@example.org", first_name="Giulia")
    browser_login(page, user)
    page.goto(live_url(browser_comune.slug, path))
    assert page.locator('[data-element="personal-area-menu"]').is_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 390px"
    shot = screenshot(page, "account" + path.replace("/", "-").rstrip("-"))
    violations = axe_violations(page)
    assert not violations, f"axe on {page.url} ({shot}):\n{describe(violations)}"
    assert page.external_requests == [], page.external_requests
    assert page.console_errors == [], page.console_errors
