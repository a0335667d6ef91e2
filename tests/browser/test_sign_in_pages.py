"""The sign-in page with "Entra con SPID" / "Entra con CIE", and the notice of an unconfirmed
address, in a real browser: axe-core finds no serious or critical violation, the logos are
our own static files, nothing is loaded from other sites."""

import pytest

from tests.browser.harness import axe_violations, describe, screenshot

pytestmark = pytest.mark.browser


def _check(page, name):
    path = screenshot(page, name)
    violations = axe_violations(page)
    assert not violations, f"axe on {page.url} ({path}):\n{describe(violations)}"
    assert page.external_requests == [], page.external_requests
    assert page.console_errors == [], page.console_errors


def test_sign_in_page_with_spid_and_cie(browser_page, live_url, browser_comune, settings):
    settings.OIDC_DISCOVERY_URL = "https://login.example.org/.well-known/openid-configuration"
    settings.OIDC_CLIENT_ID = "hub-valle-savio"
    page = browser_page
    page.goto(live_url(browser_comune.slug, "/account/accedi/"))
    spid = page.get_by_role("link", name="Entra con SPID")
    cie = page.get_by_role("link", name="Entra con CIE")
    assert spid.is_visible() and cie.is_visible()
    assert spid.evaluate("a => getComputedStyle(a).backgroundColor") == "rgb(0, 102, 204)"  # #0066CC
    assert spid.evaluate("a => getComputedStyle(a).color") == "rgb(255, 255, 255)"
    for logo in page.locator(".btn-spid-cie img").all():
        assert logo.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.get_by_role("link", name="Ricevi un link per accedere, senza password").is_visible()
    _check(page, "sign-in-spid-cie")


def test_unconfirmed_address_notice(browser_page, live_url, browser_comune, browser_user, browser_login):
    person = browser_user(email="da.confermare@example.org", email_verified_address="", email_verified_at=None)
    browser_login(browser_page, person)
    page = browser_page
    page.goto(live_url(browser_comune.slug, "/"))
    notice = page.locator('[data-element="email-unverified"]')
    assert "Conferma il tuo indirizzo e-mail" in notice.inner_text()
    assert notice.get_by_role("button", name="Reinvia il link").is_visible()
    _check(page, "email-unverified-notice")
