"""The booking steps: day, time, then the seat on the room's plan (paired with a list), and a room's week."""

import re
from decimal import Decimal
from urllib.parse import urlencode

from src.bookings.services import booking_create
from src.hubs.models import Layout, SeatPlacement
from tests.bookings.conftest import at, period
from tests.conftest import host_client, page_text


def plan_url(hub, day, start="10:00", end="11:00"):
    return f"/prenota/{hub.slug}/posto/?" + urlencode(
        {"start": at(day, start).isoformat(), "end": at(day, end).isoformat()}
    )


def test_the_day_page_offers_times_with_free_places(hub, tomorrow):
    response = host_client("cesena.localhost").get(f"/prenota/{hub.slug}/?giorno={tomorrow}")
    html = response.content.decode()
    assert 'data-element="time-choices"' in html and 'data-element="booking-steps"' in html
    # 9 slots; each with 4 seats, the coworking room whole and the meeting room: 6 places.
    assert html.count("Alle 09:00: 6 posti liberi") == 1
    assert html.count("/posto/?start=") == 9


def test_the_plan_shows_each_seat_free_taken_or_yours_where_the_layout_puts_it(
    hub, cowork, seats, tomorrow, citizen, make_user
):
    layout = Layout.objects.create(space=cowork, name="Isole")
    layout.seats.set(seats)
    SeatPlacement.objects.create(layout=layout, seat=seats[2], x=Decimal("2.40"), y=Decimal("1.10"), rotation=90)
    cowork.default_layout = layout
    cowork.save()
    booking_create(
        person=make_user(), space=cowork, seat=seats[0], period=period(tomorrow, "10:00", "11:00"), channel="web"
    )
    booking_create(
        person=citizen, space=cowork, seat=seats[1], period=period(tomorrow, "09:00", "12:00"), channel="web"
    )

    response = host_client("cesena.localhost", citizen).get(plan_url(hub, tomorrow))
    assert response.status_code == 200
    html = response.content.decode()
    text = page_text(response)
    assert "Postazione P1, occupata" in html and "Postazione P2, prenotata da te" in html
    assert "Postazione P3, libera" in html and "Postazione P4, libera" in html
    # The list: only free seats are buttons, the others say why.
    assert re.findall(r'aria-label="Prenota la postazione (P\d)"', html) == ["P3", "P4"]
    assert "Postazioni di Coworking: 2 libere" in text
    # P3 stands where the administrator put it (centimetres), turned by 90 degrees.
    p3 = re.search(
        rf'<g class="seat-plan__seat[^>]*translate\((\d+) (\d+)\)[^>]*data-seat-target="seat-{seats[2].pk}"', html
    )
    assert p3 and p3.groups() == ("240", "110")
    assert "rotate(90)" in html[p3.start() : p3.start() + 600]
    # The whole coworking room is not free (P1 and P2 are booked); the meeting room is.
    assert "La sala intera non è libera in questo orario." in text
    assert "Prenota la sala intera: Riunioni" in text


def test_choosing_a_seat_goes_to_the_confirmation(hub, cowork, seats, tomorrow, citizen):
    web = host_client("cesena.localhost", citizen)
    html = web.get(plan_url(hub, tomorrow)).content.decode()
    assert f'action="/prenota/{hub.slug}/nuova/"' in html and f'name="space" value="{cowork.pk}"' in html
    start, end = at(tomorrow, "10:00").isoformat(), at(tomorrow, "11:00").isoformat()
    confirm = web.get(
        f"/prenota/{hub.slug}/nuova/", {"space": cowork.pk, "seat": seats[3].pk, "start": start, "end": end}
    )
    assert confirm.status_code == 200 and "P4 · Coworking" in page_text(confirm)


def test_a_time_that_is_not_a_slot_goes_back_with_a_message(hub, tomorrow, citizen):
    web = host_client("cesena.localhost", citizen)
    for url in (plan_url(hub, tomorrow, "10:20", "11:20"), f"/prenota/{hub.slug}/posto/?start=ieri"):
        response = web.get(url, follow=True)
        assert response.redirect_chain and response.redirect_chain[-1][0].startswith(f"/prenota/{hub.slug}/")
        assert "orario" in page_text(response)


def test_the_week_view_counts_free_places_per_day_and_hour(hub, cowork, seats, tomorrow, make_user):
    booking_create(
        person=make_user(), space=cowork, seat=seats[0], period=period(tomorrow, "10:00", "12:00"), channel="web"
    )
    response = host_client("cesena.localhost").get(f"/prenota/{hub.slug}/settimana/?sala={cowork.pk}&dal={tomorrow}")
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "alle 10:00: 3 liberi su 4" in html
        and "alle 11:00: 3 liberi su 4" in html
        and "alle 09:00: 4 liberi su 4" in html
    )
    assert html.count('data-element="week-grid"') == 1


def test_the_plan_of_a_hub_of_cesena_is_not_found_from_another_comune(hub, tomorrow, sarsina):
    client = host_client("sarsina.localhost")
    assert client.get(plan_url(hub, tomorrow)).status_code == 404
    assert client.get(f"/prenota/{hub.slug}/settimana/").status_code == 404
