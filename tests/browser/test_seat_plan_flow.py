"""The seat plan in a real browser on a 390 × 844 phone: a citizen books a seat by choosing the day,
the time and the seat on the plan; an administrator drags seats into a new layout that a citizen
then books on the plan, where it was dragged.

Runs in the harness's comune (Montiano) with committed rows: a room of its own with three seats,
removed at the end with its layouts and bookings.
"""

from datetime import timedelta

import pytest

pytest.importorskip("tests.browser.harness", reason="no browser harness in this checkout")

from tests.browser.conftest import committed  # noqa: E402
from tests.browser.harness import axe_violations, describe, screenshot  # noqa: E402

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
ROOM = "Sala della pianta"


@pytest.fixture
def plan_room(browser_comune, django_db_blocker):
    """A room 5 × 4 m with seats P1–P3 in Montiano's hub, and the next day the hub opens."""
    from src.common.time import local_today
    from src.hubs.models import Hub, Seat, Space
    from src.hubs.selectors import hub_open_intervals

    with committed(django_db_blocker, browser_comune.municipality):
        hub = Hub.objects.get(slug=browser_comune.hub_slug)
        room = Space.objects.create(hub=hub, name=ROOM, kind="coworking", capacity=3, width_m=5, depth_m=4)
        seats = [Seat.objects.create(space=room, label=f"P{n}") for n in (1, 2, 3)]
        day = next(
            local_today() + timedelta(days=n)
            for n in range(1, 8)
            if hub_open_intervals(hub, local_today() + timedelta(days=n))
        )
    yield room, seats, day
    from src.bookings.models import Booking
    from src.outbox.models import OutboxMessage

    with committed(django_db_blocker, browser_comune.municipality):
        booked = list(Booking.objects.filter(space=room).values_list("pk", flat=True))
        OutboxMessage.objects.filter(kind__startswith="bookings.", obj_id__in=booked).delete()
        Booking.objects.filter(space=room).delete()
        room.delete()  # seats, layouts and placements go with it


def _phone_page_ok(page, name):
    """No sideways scroll, no serious or critical axe violation, nothing fetched from elsewhere."""
    path = screenshot(page, name)
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} is {width[0]}px wide on a {width[1]}px screen ({path})"
    violations = axe_violations(page)
    assert not violations, f"axe on {page.url} ({path}):\n{describe(violations)}"
    assert page.external_requests == [], page.external_requests


def _seat_on_plan(page, seat):
    return page.locator(f'[data-element="seat-plan-seat"][data-seat-target="seat-{seat.pk}"]')


def test_a_citizen_books_a_seat_on_the_plan_on_a_phone(
    browser_page, live_url, browser_comune, browser_user, browser_login, plan_room, django_db_blocker
):
    from src.bookings.models import Booking

    room, seats, day = plan_room
    page = browser_page
    page.set_viewport_size(PHONE)
    user = browser_user(email="pianta.telefono@example.org", first_name="Marta")
    browser_login(page, user)

    # Step 1: the day (the first open day, among the buttons).
    page.goto(live_url(browser_comune.slug, f"/prenota/{browser_comune.hub_slug}/"))
    _phone_page_ok(page, "plan-flow-1-day")
    page.locator('[data-element="day-choices"] a').filter(has_text=day.strftime("%-d ")).first.click()
    assert f"giorno={day.isoformat()}" in page.url

    # Step 2: the time.
    _phone_page_ok(page, "plan-flow-2-time")
    page.locator('[data-element="time-choices"]').get_by_role("link", name="Alle 09:00").click()

    # Step 3: the seat, on the plan; the same seats are buttons in the list below it.
    assert page.locator("h1").inner_text() == "3. Scegli il posto"
    _phone_page_ok(page, "plan-flow-3-seat")
    section = page.locator(f"#sala-{room.pk}")
    assert section.get_by_role("button", name="Prenota la postazione P2").is_visible()
    seat = _seat_on_plan(page, seats[1])
    assert seat.get_attribute("aria-label") == "Postazione P2, libera"
    box = seat.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44, box  # a finger's worth
    seat.focus()
    page.keyboard.press("Enter")  # the plan works from the keyboard too

    # Step 4: confirm.
    page.wait_for_url("**/nuova/**")
    assert page.locator("h1").inner_text() == "Conferma la prenotazione"
    assert f"P2 · {ROOM}" in page.locator("main").inner_text()
    _phone_page_ok(page, "plan-flow-4-confirm")
    page.get_by_role("button", name="Conferma la prenotazione").click()

    with committed(django_db_blocker, browser_comune.municipality):
        booking = Booking.objects.get(person=user)
    assert booking.state == "confirmed" and booking.seat_id == seats[1].pk
    assert booking.code in page.locator("h1").inner_text()
    _phone_page_ok(page, "plan-flow-5-done")

    # Back on the plan for that time, the seat is now the citizen's own.
    page.go_back()
    page.go_back()
    page.reload()
    assert _seat_on_plan(page, seats[1]).get_attribute("aria-label") == "Postazione P2, prenotata da te"


def test_an_administrator_drags_seats_into_a_layout_that_a_citizen_then_books(
    browser, browser_page, live_url, browser_comune, browser_user, browser_login, plan_room, django_db_blocker
):
    from src.bookings.models import Booking
    from src.hubs.models import Layout, SeatPlacement
    from tenants.identity.models import Role

    room, seats, day = plan_room
    admin = browser_user(email="admin.pianta@example.org", first_name="Paolo")
    with committed(django_db_blocker):
        Role.objects.create(user=admin, kind=Role.Kind.ADMINISTRATOR, municipality=browser_comune.municipality)
    page = browser_page
    browser_login(page, admin)
    page.goto(live_url(browser_comune.slug, f"/admin/hubs/space/{room.pk}/pianta/"))
    assert not page.console_errors, page.console_errors

    svg = page.locator("[data-plan-svg]")
    target = seats[2]
    seat = page.locator(f'[data-seat="{target.pk}"]')
    # Drag P3 to the point 4.00 m from the left and 1.00 m from the top of the room.
    room_box = page.locator("[data-plan-room]").bounding_box()
    scale = room_box["width"] / 500  # pixels per centimetre
    desk = seat.locator(".seat-plan__desk").bounding_box()  # centred on the seat's point
    page.mouse.move(desk["x"] + desk["width"] / 2, desk["y"] + desk["height"] / 2)
    page.mouse.down()
    goal = (room_box["x"] + 400 * scale, room_box["y"] + 100 * scale)
    page.mouse.move(*goal, steps=12)
    page.mouse.up()
    x = float(page.locator(f"#seat-{target.pk}-x").input_value())
    y = float(page.locator(f"#seat-{target.pk}-y").input_value())
    assert abs(x - 4.0) <= 0.1 and abs(y - 1.0) <= 0.1, (x, y)
    # Then one step right with the keyboard, and a quarter turn (six steps of 15 degrees).
    seat.focus()
    page.keyboard.press("ArrowRight")
    for _ in range(6):
        page.keyboard.press("r")
    assert float(page.locator(f"#seat-{target.pk}-x").input_value()) == pytest.approx(x + 0.1)
    assert page.locator(f"#seat-{target.pk}-rotation").input_value() == "90"
    # P1 stays out of this layout.
    page.locator(f"#seat-{seats[0].pk}-in").uncheck()
    assert "seat-plan__seat--out" in page.locator(f'[data-seat="{seats[0].pk}"]').get_attribute("class")
    assert svg.is_visible()
    screenshot(page, "plan-editor")

    page.get_by_label("Nome dell'allestimento").fill("Due alla finestra")
    page.get_by_label("Usalo come allestimento predefinito").check()
    page.get_by_role("button", name="Salva come nuovo allestimento").click()
    assert "Allestimento «Due alla finestra» salvato." in page.locator("body").inner_text()
    with committed(django_db_blocker, browser_comune.municipality):
        layout = Layout.objects.get(space=room, name="Due alla finestra")
        room.refresh_from_db()
        assert room.default_layout_id == layout.pk
        assert sorted(s.label for s in layout.seats.all()) == ["P2", "P3"]
        spot = SeatPlacement.objects.get(layout=layout, seat=target)
    assert float(spot.x) == pytest.approx(x + 0.1) and float(spot.y) == pytest.approx(y) and spot.rotation == 90

    # A citizen, on a phone, sees P3 where it was dragged (and no P1), and books it on the plan.
    context = browser.new_context(locale="it-IT", viewport=PHONE)
    try:
        citizen_page = context.new_page()
        citizen_page.external_requests = []
        citizen = browser_user(email="cittadino.pianta@example.org", first_name="Luca")
        browser_login(citizen_page, citizen)
        citizen_page.goto(live_url(browser_comune.slug, f"/prenota/{browser_comune.hub_slug}/?giorno={day}"))
        citizen_page.locator('[data-element="time-choices"]').get_by_role("link", name="Alle 09:00").click()
        placed = _seat_on_plan(citizen_page, target)
        assert (
            placed.get_attribute("transform") == f"translate({round(float(spot.x) * 100)} {round(float(spot.y) * 100)})"
        )
        assert _seat_on_plan(citizen_page, seats[0]).count() == 0
        _phone_page_ok(citizen_page, "plan-after-drag")
        placed.click()
        citizen_page.wait_for_url("**/nuova/**")
        citizen_page.get_by_role("button", name="Conferma la prenotazione").click()
        with committed(django_db_blocker, browser_comune.municipality):
            booking = Booking.objects.get(person=citizen)
        assert booking.seat_id == target.pk and booking.state == "confirmed"
    finally:
        context.close()
