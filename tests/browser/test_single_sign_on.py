"""One sign-in for the union in a real browser, where no cookie is shared: the union on
`localhost`, the comuni on `*.localhost` (browsers never share a cookie between the two)
and Cesena on an institutional hostname outside the union's domain. Signed in on Cesena,
the person is signed in on the union, on Sarsina and on the institutional hostname;
signing out on one signs out on all.

Writes only public-schema rows (a person, a domain of Cesena), removed at the end.
"""

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import INSTITUTIONAL_HOST, committed
from tests.browser.harness import axe_violations, describe, screenshot

pytestmark = pytest.mark.browser

PASSWORD = "una-password-lunga-1"


@pytest.fixture
def institutional_url(browser_server, django_db_blocker, settings):
    from tenants.comuni.middleware import forget_hosts
    from tenants.comuni.models import Domain, Municipality

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, INSTITUTIONAL_HOST]
    with committed(django_db_blocker):
        domain = Domain.objects.create(
            tenant=Municipality.objects.get(slug="cesena"), domain=INSTITUTIONAL_HOST, is_primary=False
        )
    forget_hosts()
    yield f"http://{INSTITUTIONAL_HOST}:{browser_server.port}/"
    with committed(django_db_blocker):
        domain.delete()
    forget_hosts()


def _header(page) -> str:
    return page.locator("header").inner_text()


def _accessible(page, name):
    path = screenshot(page, name)
    violations = axe_violations(page)
    assert not violations, f"axe on {page.url} ({path}):\n{describe(violations)}"


def test_signed_in_on_cesena_signed_in_everywhere_and_one_sign_out_ends_all(
    browser_page, live_url, browser_user, institutional_url
):
    person = browser_user(first_name="Ilaria")
    page = browser_page
    callbacks = []
    # On the context: with the app's service worker (static/site/sw.js) answering navigations,
    # the page's own request events no longer show every hop of a redirect chain.
    page.context.on(
        "request", lambda request: "/account/sso/callback/" in request.url and callbacks.append(request.url)
    )

    # Cesena: nobody signed in yet (its first page asked the union, silently, and came back).
    cesena = live_url("cesena", "/")
    page.goto(cesena)
    assert page.url == cesena
    assert "Accedi all'area personale" in _header(page)

    # "Accedi" on Cesena opens the union's sign-in page, then comes back to Cesena signed in.
    page.click('[data-element="personal-area-login"]')
    assert urlsplit(page.url).hostname == "localhost"
    _accessible(page, "sso-union-sign-in")
    page.fill("#id_username", person.email)
    page.fill("#id_password", PASSWORD)
    page.click('main button[type="submit"]')
    page.wait_for_url(cesena)
    assert "Ilaria" in _header(page)

    # The union, Sarsina and Cesena's institutional hostname: signed in, no password asked.
    everywhere = [live_url(None, "/"), live_url("sarsina", "/"), institutional_url, cesena]
    for url in everywhere[:3]:
        page.goto(url)
        assert page.url == url
        assert "Ilaria" in _header(page), url
        assert "Esci" in _header(page)

    # Each host holds a session cookie of its own: none was shared.
    sessions = {c["domain"]: c["value"] for c in page.context.cookies() if c["name"] == "sessionid"}
    assert set(sessions) == {"localhost", "cesena.localhost", "sarsina.localhost", INSTITUTIONAL_HOST}
    assert len(set(sessions.values())) == 4

    # A ticket already spent (the one of the sign-in on Cesena), opened again: refused with a
    # page that says why. (A silent check's spent ticket just goes on, signed out.)
    spent = next(url for url in callbacks if "token=" in url and "prompt=none" not in url)
    page.goto(spent)
    assert page.locator("h1").inner_text() == "Accesso non riuscito"
    assert "già stato usato" in page.locator("main").inner_text()
    _accessible(page, "sso-ticket-refused")

    # Signing out on Sarsina signs out on every host.
    page.goto(live_url("sarsina", "/"))
    page.locator("header").get_by_role("button", name="Esci").click()
    page.wait_for_load_state()
    for url in everywhere:
        page.goto(url)
        assert "Accedi all'area personale" in _header(page), url
        assert "Ilaria" not in _header(page), url
