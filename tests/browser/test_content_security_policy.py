"""The main pages under the real Content-Security-Policy in Chromium: not one violation.

Every page is opened and used as a person would (menus, the seat grid, the charts, the admin's
forms); a violation shows as a `securitypolicyviolation` event in the page and as a console
error, and either fails the test. Each page's own JavaScript must also have run (a script the
policy blocked would leave its page half-working without any violation being missed).
"""

from datetime import timedelta

import pytest

from tests.browser.conftest import committed

pytestmark = pytest.mark.browser

# Registered before any of the page's scripts (Playwright injects it outside the page's policy).
LISTEN = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation(
    [location.pathname, event.violatedDirective, event.blockedURI, event.sourceFile, event.lineNumber, event.sample].join(" ")
  );
});
"""


@pytest.fixture
def csp_page(browser_page):
    page = browser_page
    page.csp_violations = []
    page.expose_function("__cspViolation", lambda text: page.csp_violations.append(text))
    page.add_init_script(LISTEN)
    page.csp_console = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and page.csp_console.append(message.text),
    )
    return page


def _visit(page, url, *, ready=None):
    response = page.goto(url)
    assert response.status < 500, (url, response.status)
    policy = response.headers["content-security-policy"]
    assert "'nonce-" in policy and "unsafe-inline" not in policy
    if ready:
        page.wait_for_selector(ready, state="attached")
    page.wait_for_load_state("networkidle")
    return response


def _no_violations(page):
    assert page.csp_violations == [], "\n".join(page.csp_violations)
    assert page.csp_console == [], "\n".join(page.csp_console)
    assert page.console_errors == [], page.console_errors
    assert page.external_requests == [], page.external_requests


@pytest.fixture
def montiano_admin(browser_user, browser_comune, django_db_blocker):
    from tenants.identity.models import Role

    admin = browser_user(email="admin.csp@example.org", first_name="Marta", last_name="Amministra")
    with committed(django_db_blocker):
        Role.objects.create(user=admin, kind=Role.Kind.ADMINISTRATOR, municipality=browser_comune.municipality)
    return admin


def test_citizen_pages_have_no_violation(csp_page, live_url, browser_comune, browser_user, browser_login):
    page = csp_page
    comune = browser_comune.slug
    _visit(page, live_url(comune, "/"))
    # Bootstrap Italia's JavaScript runs (the phone menu opens) and its fonts load from our files.
    page.set_viewport_size({"width": 390, "height": 800})
    page.locator(".custom-navbar-toggler").click()
    page.wait_for_selector("#main-nav.expanded, #main-nav.show", state="attached")
    assert page.evaluate("document.fonts.check('16px \"Titillium Web\"')")
    page.set_viewport_size({"width": 1280, "height": 900})
    hub = _visit(page, live_url(comune, f"/hub/{browser_comune.hub_slug}/"))
    # The hub's photo is ours, uploaded to the platform, and has loaded.
    photo = page.locator("#foto img").first
    assert photo.get_attribute("src").startswith(f"/media/{browser_comune.municipality.schema_name}/hubs/")
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0")
    assert hub.status == 200
    _visit(page, live_url(comune, "/eventi/"))
    _visit(page, live_url(comune, "/appuntamenti/prenota/1-luogo/"))
    _visit(page, live_url(None, "/"))
    _visit(page, live_url(None, "/hub/"))
    _visit(page, live_url(None, "/account/accedi/"))
    _visit(page, live_url(None, "/statistiche/open-data/"))
    _visit(page, live_url(comune, "/non-esiste/"))  # the 404 page: its own status is the one error logged
    assert page.console_errors.pop() == "Failed to load resource: the server responded with a status of 404 (Not Found)"
    _no_violations(page)

    citizen = browser_user(email="csp.cittadina@example.org", first_name="Ada", last_name="Rossi")
    browser_login(page, citizen, None)
    browser_login(page, citizen, comune)
    _visit(page, live_url(None, "/account/"))
    _visit(page, live_url(None, "/account/profilo/"))
    _visit(page, live_url(None, "/le-mie-prenotazioni/"))
    _visit(page, live_url(comune, "/prenotazioni/"))
    _no_violations(page)


def test_the_booking_grid_works_under_the_policy(
    csp_page, live_url, browser_comune, browser_user, browser_login, django_db_blocker
):
    from src.common.time import local_today
    from src.hubs.models import Hub
    from src.hubs.selectors import hub_open_intervals

    page = csp_page
    with committed(django_db_blocker, browser_comune.municipality):
        hub = Hub.objects.get(slug=browser_comune.hub_slug)
        day = next(
            local_today() + timedelta(days=n)
            for n in range(1, 8)
            if hub_open_intervals(hub, local_today() + timedelta(days=n))
        )
    citizen = browser_user(email="csp.griglia@example.org", first_name="Bruno", last_name="Verdi")
    browser_login(page, citizen, browser_comune.slug)
    _visit(page, live_url(browser_comune.slug, f"/prenota/{browser_comune.hub_slug}/?giorno={day.isoformat()}"))
    assert page.locator("table, .availability").count() > 0
    _no_violations(page)


def test_admin_pages_have_no_violation(
    csp_page, live_url, browser_comune, montiano_admin, browser_login, django_db_blocker
):
    from src.hubs.models import Hub

    page = csp_page
    browser_login(page, montiano_admin, browser_comune.slug)
    with committed(django_db_blocker, browser_comune.municipality):
        hub = Hub.objects.get(slug=browser_comune.hub_slug)
    _visit(page, live_url(browser_comune.slug, "/admin/"))
    _visit(page, live_url(browser_comune.slug, "/admin/hubs/hub/"))
    # The hub's form: inlines with "add another" (the admin's JavaScript), the photo upload,
    # the slug filled from the name as one types (prepopulate).
    _visit(page, live_url(browser_comune.slug, f"/admin/hubs/hub/{hub.pk}/change/"), ready="#photos-group")
    page.locator("#photos-group .add-row a").click()
    assert page.locator('#photos-group input[type="file"]').count() >= 2
    _visit(page, live_url(browser_comune.slug, "/admin/hubs/hub/add/"))
    page.fill("#id_name", "Hub della prova")
    page.locator("#id_address").click()
    assert page.input_value("#id_slug") == "hub-della-prova"
    _visit(page, live_url(browser_comune.slug, "/statistiche/"))
    _visit(page, live_url(browser_comune.slug, "/api/docs/"), ready=".swagger-ui .info")
    _no_violations(page)
