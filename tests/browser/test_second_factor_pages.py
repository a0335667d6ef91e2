"""A staff member's first sign-in on a 390 px phone: sent to set up the authenticator app, scans
(here: types) the key, confirms with a code, sees the recovery codes, reaches the admin. No
sideways scroll, no axe violation, nothing loaded from other sites, no console error."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from tests.browser.conftest import committed
from tests.browser.harness import axe_violations, describe, screenshot

pytestmark = pytest.mark.browser


def _check(page, name):
    path = screenshot(page, name)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 390px"
    violations = axe_violations(page)
    assert not violations, f"axe on {page.url} ({path}):\n{describe(violations)}"
    assert page.external_requests == [], page.external_requests
    assert page.console_errors == [], page.console_errors


def test_first_staff_sign_in_sets_up_the_app(browser_page, live_url, browser_user, django_db_blocker):
    from django.conf import settings
    from django.test import Client

    from tenants.identity.models import Role

    staff = browser_user(email="staff.secondo.fattore@example.org")
    with committed(django_db_blocker):
        Role.objects.create(user=staff, kind=Role.Kind.UNION_STAFF)
        client = Client()
        client.force_login(staff)  # the password, not the second factor yet
    name = settings.SESSION_COOKIE_NAME
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": live_url(None)}])

    page.goto(live_url(None, "/admin/"))
    assert "/account/secondo-fattore/attiva/" in page.url
    assert page.locator('[data-element="second-factor-qr"] svg').is_visible()
    _check(page, "second-factor-setup")

    key = page.locator('[data-element="second-factor-key"]').inner_text()
    app = TOTP(b32decode(re.sub(r"\s", "", key)))
    page.get_by_label("Codice mostrato dall'app").fill(f"{app.token():06d}")
    page.get_by_role("button", name="Attiva").click()
    codes = page.locator('[data-element="recovery-codes"] li')
    assert codes.count() == 10
    _check(page, "second-factor-recovery-codes")

    page.get_by_role("link", name="Ho salvato i codici, continua").click()
    assert page.url.endswith("/admin/") and "amministrazione" in page.title().lower()
