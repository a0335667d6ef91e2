"""A citizen books a seat in a real browser, finds it in "Le mie prenotazioni" and cancels it.

Runs in the harness's comune (Montiano) with committed rows: a seat added for
this test, the booking it makes; both removed at the end.
"""

from datetime import timedelta

import pytest

# The harness (tests/browser/conftest.py, harness.py) is another engineer's: skip cleanly without it.
pytest.importorskip("tests.browser.harness", reason="no browser harness in this checkout")

from tests.browser.conftest import committed  # noqa: E402
from tests.browser.harness import axe_violations, describe, screenshot  # noqa: E402

pytestmark = pytest.mark.browser

SEAT_LABEL = "Scrivania prova"


@pytest.fixture
def seat_day(browser_comune, django_db_blocker):
    """A seat in Montiano's hub and the next day the hub opens."""
    from src.bookings.models import Booking
    from src.common.time import local_today
    from src.hubs.models import Hub, Seat
    from src.hubs.selectors import hub_open_intervals

    with committed(django_db_blocker, browser_comune.municipality):
        hub = Hub.objects.get(slug=browser_comune.hub_slug)
        space = hub.spaces.get(name="Sala della scuola")
        seat = Seat.objects.create(space=space, label=SEAT_LABEL)
        day = next(
            local_today() + timedelta(days=n)
            for n in range(1, 8)
            if hub_open_intervals(hub, local_today() + timedelta(days=n))
        )
    yield seat, day
    from src.outbox.models import OutboxMessage

    with committed(django_db_blocker, browser_comune.municipality):
        booked = list(Booking.objects.filter(seat=seat).values_list("pk", flat=True))
        OutboxMessage.objects.filter(kind__startswith="bookings.", obj_id__in=booked).delete()  # its e-mails
        Booking.objects.filter(seat=seat).delete()  # its transitions go with it
        seat.delete()


def _accessible(page, name):
    path = screenshot(page, name)
    violations = axe_violations(page)
    assert not violations, f"axe on {page.url} ({path}):\n{describe(violations)}"
    assert page.external_requests == [], page.external_requests


def test_book_see_and_cancel_a_seat(
    browser_page, live_url, browser_comune, browser_user, browser_login, seat_day, django_db_blocker
):
    from src.bookings.models import Booking

    seat, day = seat_day
    page = browser_page
    user = browser_user(email="prenota.browser@example.org", first_name="Giulia")
    browser_login(page, user)

    page.goto(live_url(browser_comune.slug, f"/prenota/{browser_comune.hub_slug}/?giorno={day.isoformat()}"))
    assert browser_comune.hub_name in page.locator("h1").inner_text()
    _accessible(page, "booking-grid")
    page.get_by_role("link", name=f"Prenota {SEAT_LABEL} alle 09:00").click()

    assert page.locator("h1").inner_text() == "Conferma la prenotazione"
    _accessible(page, "booking-confirm")
    page.get_by_role("button", name="Conferma la prenotazione").click()

    with committed(django_db_blocker, browser_comune.municipality):
        booking = Booking.objects.get(person=user)
    assert booking.state == "confirmed" and booking.seat_id == seat.pk
    assert booking.code in page.locator("h1").inner_text()
    assert page.locator('[data-element="booking-qr"] svg').is_visible()
    _accessible(page, "booking-detail")

    page.goto(live_url(browser_comune.slug, "/prenotazioni/"))
    mine = page.locator('[data-element="my-bookings"]')
    assert booking.code in mine.inner_text() and SEAT_LABEL in mine.inner_text()
    _accessible(page, "my-bookings")
    page.get_by_role("button", name=f"Annulla la prenotazione {booking.code}").click()

    assert f"Prenotazione {booking.code} annullata." in page.locator("[role=alert]").first.inner_text()
    assert "Non hai prenotazioni in programma" in page.locator("main").inner_text()
    with committed(django_db_blocker, browser_comune.municipality):
        assert Booking.objects.get(pk=booking.pk).state == "cancelled"
