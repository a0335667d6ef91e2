"""On a phone (390×844): "le mie prenotazioni" and a booking's QR pass stay available at the hub's
door without network, through the service worker; a page never opened shows the offline page."""

from datetime import timedelta

import pytest

pytest.importorskip("tests.browser.harness", reason="no browser harness in this checkout")

from tests.browser.conftest import CHROMIUM_ARGS, committed  # noqa: E402
from tests.browser.harness import axe_violations, describe, screenshot  # noqa: E402

pytestmark = pytest.mark.browser

CODE = "PWAPASS2"


@pytest.fixture
def booking(browser_comune, browser_user, django_db_blocker):
    from psycopg2.extras import DateTimeTZRange

    from src.bookings.models import Booking
    from src.common.time import local_datetime, local_today
    from src.hubs.models import Hub, Seat
    from src.hubs.selectors import hub_open_intervals

    user = browser_user(email="pass.offline@example.org", first_name="Lucia")
    with committed(django_db_blocker, browser_comune.municipality):
        hub = Hub.objects.get(slug=browser_comune.hub_slug)
        space = hub.spaces.get(name="Sala della scuola")
        seat = Seat.objects.create(space=space, label="Scrivania offline")
        day = next(
            local_today() + timedelta(days=n)
            for n in range(2, 10)
            if hub_open_intervals(hub, local_today() + timedelta(days=n))
        )
        opens = hub_open_intervals(hub, day)[0][0]
        start = local_datetime(day, opens.time())
        row = Booking.objects.create(
            code=CODE,
            person=user,
            hub=hub,
            space=space,
            seat=seat,
            period=DateTimeTZRange(start, start + timedelta(hours=1)),
            state="confirmed",
            channel="web",
        )
    yield user, row
    with committed(django_db_blocker, browser_comune.municipality):
        Booking.objects.filter(pk=row.pk).delete()
        seat.delete()


@pytest.fixture
def phone(browser):
    # A context of its own, without the harness's request routing (routing and service workers do not mix).
    context = browser.new_context(
        locale="it-IT", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, service_workers="allow"
    )
    page = context.new_page()
    outside = []
    page.on(
        "request",
        lambda request: (
            "localhost" not in request.url and not request.url.startswith("data:") and outside.append(request.url)
        ),
    )
    page.outside_requests = outside
    yield page
    context.close()


def _fits_and_accessible(page, name):
    path = screenshot(page, name)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"wider than the phone: {path}"
    violations = axe_violations(page)
    assert not violations, f"axe on {page.url} ({path}):\n{describe(violations)}"


def test_my_bookings_and_the_qr_pass_open_offline(phone, live_url, browser_comune, browser_login, booking):
    assert "--headless" in CHROMIUM_ARGS
    user, row = booking
    page = phone
    browser_login(page, user)
    mine, detail = (
        live_url(browser_comune.slug, "/prenotazioni/"),
        live_url(browser_comune.slug, f"/prenotazioni/{CODE}/"),
    )

    page.goto(mine)
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.active.scriptURL)").endswith("/sw.js")
    page.reload()  # now controlled by the worker, which keeps a copy of what it serves
    assert page.evaluate("navigator.serviceWorker.controller !== null")
    assert CODE in page.locator('[data-element="my-bookings"]').inner_text()
    _fits_and_accessible(page, "pwa-mine")
    page.goto(detail)
    assert page.locator('[data-element="booking-qr"] svg').is_visible()
    _fits_and_accessible(page, "pwa-pass")

    page.context.set_offline(True)
    page.goto(mine)
    assert CODE in page.locator('[data-element="my-bookings"]').inner_text()
    assert page.locator("[data-offline-note]").is_visible()  # says it is the copy on the device
    page.goto(detail)
    assert page.locator('[data-element="booking-qr"] svg').is_visible()
    assert CODE in page.locator("h1").inner_text()
    _fits_and_accessible(page, "pwa-pass-offline")

    page.goto(live_url(browser_comune.slug, "/eventi/"))  # never opened: the offline page
    assert page.locator("h1").inner_text() == "Sei senza connessione"
    _fits_and_accessible(page, "pwa-offline-page")
    page.context.set_offline(False)
    assert page.outside_requests == []
