"""Browser-test harness: a live server on 127.0.0.1 and headless Chromium driven by Playwright.

Reuse it from any test under tests/browser/:

    pytestmark = pytest.mark.browser

    def test_something(browser_page, live_url, browser_comune):
        browser_page.goto(live_url("montiano", "/hub/"))

Fixtures
- `browser_server` (session): a threaded WSGI server on 127.0.0.1 against the
  test database; `browser_server.port`. (Not named `live_server`: pytest-django
  turns any test that uses a fixture of that name into a `transactional_db`
  test, whose flush would empty the public schema.) Static files are served from the finders, so
  no collectstatic is needed.
- `live_url(host_slug, path="/")`: absolute URL on a comune's subdomain
  (`http://montiano.localhost:<port>/...`); `live_url(None)` is the union site.
- `browser_comune` (session): the comune Montiano, created and filled with
  COMMITTED data (a published hub with photo, hours, spaces, desks) so the
  server thread sees it. It is a comune of its own: the rolled-back tests use
  Cesena and Sarsina and never see it. Its hub is `browser_comune.hub_slug`.
- `browser` (session) / `browser_page` (per test): Chromium and a fresh page
  (Italian locale, 1280x900). Requests to any host other than 127.0.0.1 and
  *.localhost are blocked and listed in `browser_page.external_requests`.
- `browser_user(**fields)`: creates a COMMITTED account (deleted after the test).
- `browser_login(page, user, host_slug)`: signs `user` in on that host (a real
  session row and cookie, no login form).

Rules for browser tests
- Mark them `@pytest.mark.browser`; they are skipped, with the reason printed at
  the end of the run, when /usr/bin/chromium (or $CHROMIUM) is missing.
- Tests in this folder get a `django_db` marker automatically and run WITHOUT a
  transaction (see `_django_db_helper` below): the server thread runs on its own
  connections and only sees committed rows. Never request `transactional_db`
  (nor a fixture named `live_server`): its flush would empty the public schema
  and the session's comuni. Write data with the `committed` context manager
  below, in Montiano only, and clean up what you add.
- Browser tests run last in a session (see pytest_collection_modifyitems): their
  committed rows can never leak into the rolled-back tests.
"""

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# A comune's institutional hostname: outside the union's domain, so no cookie is ever shared
# with it. Resolved to this machine below; test_single_sign_on.py registers it for Cesena.
INSTITUTIONAL_HOST = "servizi.comune.cesena.fc.it"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Every comune's subdomain is this machine, whatever the system resolver thinks of *.localhost.
    f"--host-resolver-rules=MAP *.localhost 127.0.0.1, MAP localhost 127.0.0.1, MAP {INSTITUTIONAL_HOST} 127.0.0.1",
]
BROWSER_COMUNE = "montiano"


def _skip_reason() -> str | None:
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM}"
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as error:
        return f"Playwright or axe-playwright-python not installed ({error.name})"
    return None


SKIP_REASON = _skip_reason()
_skipped_here: list[str] = []


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if not browser_items:
        return
    # Last in the session: they commit rows (in Montiano) that rolled-back tests must never meet.
    others = [item for item in items if not item.get_closest_marker("browser")]
    items[:] = others + browser_items
    here = Path(__file__).parent
    for item in browser_items:
        if here in Path(item.path).parents:
            # Makes pytest-django create the test database; _django_db_helper below keeps
            # the test itself out of a transaction.
            item.add_marker(pytest.mark.django_db)
    if SKIP_REASON:
        for item in browser_items:
            item.add_marker(pytest.mark.skip(reason=f"Browser tests skipped: {SKIP_REASON}"))
            _skipped_here.append(item.nodeid)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _skipped_here:
        terminalreporter.write_sep("-", "browser tests", yellow=True)
        terminalreporter.write_line(f"Browser tests skipped: {SKIP_REASON} ({len(_skipped_here)} tests)", yellow=True)


# --- database: committed rows, visible to the server thread -------------------------------


@contextlib.contextmanager
def committed(django_db_blocker, municipality=None):
    """Run the block with database access, outside any test transaction (autocommit), in
    `municipality`'s schema when given; back to the public schema afterwards."""
    from django.db import connection
    from django_tenants.utils import tenant_context

    with django_db_blocker.unblock():
        try:
            if municipality is None:
                yield
            else:
                with tenant_context(municipality):
                    yield
        finally:
            connection.set_schema_to_public()


@dataclass
class BrowserComune:
    municipality: object
    slug: str
    name: str
    hub_slug: str
    hub_name: str


def _fill_browser_comune(municipality) -> BrowserComune:
    """One published hub with everything its page shows (idempotent: --reuse-db runs it again)."""
    from src.hubs.models import Hub, Space
    from tests.pages.builders import add_desk, add_photo, add_space, build_hub

    hub_slug, hub_name = "hub-montiano", "Hub di comunità di Montiano"
    if not Hub.objects.filter(slug=hub_slug).exists():
        weekdays = {day: [("09:00", "13:00"), ("14:30", "19:00")] for day in range(1, 6)} | {5: [("09:00", "13:00")]}
        hub = build_hub(
            hub_slug,
            hub_name,
            town="Montiano",
            address="Piazza Maggiore 3",
            postal_code="47020",
            latitude="44.083000",
            longitude="12.305000",
            hours=weekdays,
            description="Coworking e sportelli del comune nella vecchia scuola elementare.",
            accessibility_notes="Ingresso al piano terra senza gradini; bagno accessibile; posti auto riservati in piazza.",
            phone="0547 51032",
            email="hub@comune.montiano.fc.it",
        )
        add_photo(hub, "La sala coworking: quattro scrivanie, lampade e una parete di pannelli fonoassorbenti")
        add_space(
            hub,
            "Sala della scuola",
            capacity=6,
            amenities=[Space.Amenity.SOUND_ABSORBING_PANELS, Space.Amenity.WIFI, Space.Amenity.ACCESSIBLE],
            bookable_whole=True,
            description="Sei postazioni con presa elettrica, riconfigurabile come sala riunioni.",
        )
        add_space(hub, "Cabina telefonica", kind=Space.Kind.PHONE_BOOTH, capacity=1, amenities=[Space.Amenity.WIFI])
        add_desk(
            hub,
            "Sportello Facile",
            hours={1: [("09:00", "12:00")], 3: [("15:00", "18:00")]},
            topics=["servizi comunali", "SPID e CIE"],
            how_to_reach="Al piano terra, la prima porta a sinistra.",
            takes_appointments=True,
        )
    return BrowserComune(municipality, municipality.slug, municipality.name, hub_slug, hub_name)


@pytest.fixture(scope="session")
def browser_comune(django_db_setup, django_db_blocker):
    from tenants.comuni.middleware import forget_hosts
    from tenants.comuni.services import UNION_COMUNI, municipality_create

    data = next(c for c in UNION_COMUNI if c["slug"] == BROWSER_COMUNE)
    with committed(django_db_blocker):
        municipality = municipality_create(**data).municipality
    forget_hosts()  # a request may have cached "no such comune" for this host
    with committed(django_db_blocker, municipality):
        return _fill_browser_comune(municipality)


# --- the live server ------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_server(django_db_setup, django_db_blocker):
    if SKIP_REASON:
        pytest.skip(f"Browser tests skipped: {SKIP_REASON}")
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.db import connection
    from django.test.testcases import LiveServerThread

    # Committed writes follow: make sure they go to the throw-away test database.
    if not connection.settings_dict["NAME"].startswith("test_"):
        raise RuntimeError(f"Browser tests refuse to run on {connection.settings_dict['NAME']!r}: not a test database.")

    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    yield server
    server.terminate()
    # Request threads are daemons and may still hold a keep-alive connection to the test
    # database; end those sessions, or dropping the test database fails.
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def _django_db_helper(django_db_setup, django_db_blocker):
    """Browser tests get the test database without a transaction around them.

    This overrides pytest-django's private fixture of the same name for the tests in
    this folder only. Their `django_db` marker (added at collection) makes
    pytest-django create the test database; this version then leaves out the
    rolled-back transaction, because the server thread must see committed rows.
    pytest-django's blocker is process-wide, so it stays unblocked for the test:
    otherwise every request the server thread handles would be refused.
    """
    from django.db import connection

    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


@pytest.fixture
def live_url(browser_server):
    from django.conf import settings

    def build(host_slug: str | None, path: str = "/") -> str:
        host = f"{host_slug}.{settings.UNION_DOMAIN}" if host_slug else settings.UNION_DOMAIN
        return f"http://{host}:{browser_server.port}{path}"

    return build


# --- the browser ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser(browser_server):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop in the main thread, and Django then refuses
    # ORM calls there (SynchronousOnlyOperation). The tests' own ORM calls are plain sync
    # code, so allow them while the browser is up, and only then.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _is_local(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return (
        url.startswith(("data:", "blob:", "about:"))
        or host in ("127.0.0.1", "localhost", INSTITUTIONAL_HOST)
        or host.endswith(".localhost")
    )


@pytest.fixture
def browser_page(browser):
    # The service worker (the installable app) would serve navigations itself, out of the page's
    # sight: tests that watch requests see them only with it blocked; tests/browser/test_pwa_offline.py allows it.
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900}, service_workers="block")
    page = context.new_page()
    page.external_requests = []
    page.console_errors = []

    def guard(route):
        # No request leaves this machine: record it and refuse it.
        if _is_local(route.request.url):
            route.continue_()
        else:
            page.external_requests.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    yield page
    context.close()


@pytest.fixture
def browser_user(django_db_blocker, browser_comune):
    """Factory of committed accounts, removed after the test (with their rows in Montiano)."""
    from tests.fixtures import UserFactory

    made = []

    def make(**fields):
        with committed(django_db_blocker):
            user = UserFactory(**fields)
        made.append(user)
        return user

    yield make
    with committed(django_db_blocker, browser_comune.municipality):
        for user in made:
            user.delete()


@pytest.fixture
def browser_login(django_db_blocker, live_url):
    """Sign a user in on a host: a real session in the database, its cookie in the browser."""
    from django.conf import settings
    from django.test import Client

    from tests.signin import sign_in_staff

    def login(page, user, host_slug: str | None = BROWSER_COMUNE):
        with committed(django_db_blocker):
            client = Client()
            sign_in_staff(client, user)
        name = settings.SESSION_COOKIE_NAME
        page.context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": live_url(host_slug)}])

    return login
