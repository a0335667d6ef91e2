"""The booking pages: grid, book, my bookings, detail with QR, cancel, waitlist, front desk."""

import re

import pytest
from django.utils import timezone

from src.bookings.models import Booking
from src.bookings.services import booking_create
from tests.bookings.conftest import at, period
from tests.conftest import host_client, page_text


@pytest.fixture
def web(citizen, hub):
    return host_client("cesena.localhost", citizen)


def test_grid_links_free_cells_and_waitlists_taken_ones(web, hub, seats, cowork, tomorrow, make_user):
    booking_create(
        person=make_user(), space=cowork, seat=seats[0], period=period(tomorrow, "10:00", "11:00"), channel="web"
    )
    response = web.get(f"/prenota/{hub.slug}/?giorno={tomorrow.isoformat()}")
    assert response.status_code == 200
    html = response.content.decode()
    text = page_text(response)
    assert "Prenota un posto: Hub hub-test" in text and "Coworking" in text and "Sala intera" in text
    assert "Prenota P2 alle 10:00" in html
    assert "Prenota P1 alle 10:00" not in html and "Occupato alle 10:00" in html
    assert html.count('data-element="booking-slot-free"') == 5 * 9 - 2 + 9  # 4 seats + whole cowork, meeting whole


def test_closed_day_says_so(web, hub, tomorrow):
    from src.hubs.models import Closure

    Closure.objects.create(hub=hub, starts_on=tomorrow, ends_on=tomorrow)
    assert "L'hub è chiuso in questo giorno." in page_text(web.get(f"/prenota/{hub.slug}/?giorno={tomorrow}"))


def test_unpublished_hub_is_404_for_citizens(web, hub):
    hub.is_published = False
    hub.save()
    assert web.get(f"/prenota/{hub.slug}/").status_code == 404


def test_book_from_the_grid_then_see_cancel(web, citizen, hub, cowork, seats, tomorrow):
    start, end = at(tomorrow, "10:00"), at(tomorrow, "11:00")
    query = {"space": cowork.pk, "seat": seats[1].pk, "start": start.isoformat(), "end": end.isoformat()}
    form = web.get(f"/prenota/{hub.slug}/nuova/", query)
    assert form.status_code == 200
    assert "Conferma la prenotazione" in page_text(form)
    # Ends offered: 11:00, 12:00, 13:00 (the morning opening closes at 13:00).
    assert len(re.findall(r'<option value="[^"]+T[^"]+"', form.content.decode())) == 3

    response = web.post(f"/prenota/{hub.slug}/nuova/", query | {"end": at(tomorrow, "12:00").isoformat()})
    booking = Booking.objects.get(person=citizen)
    assert response.status_code == 302 and response["Location"] == f"/prenotazioni/{booking.code}/"
    assert booking.period.upper == at(tomorrow, "12:00") and booking.channel == "web"

    detail = web.get(f"/prenotazioni/{booking.code}/")
    assert detail.status_code == 200
    assert "<svg" in detail.content.decode() and booking.code in page_text(detail)

    mine = page_text(web.get("/prenotazioni/"))
    assert "Le mie prenotazioni" in mine and booking.code in mine and "P2 · Coworking" in mine

    response = web.post(f"/prenotazioni/{booking.code}/annulla/", {"next": "mine"})
    assert response.status_code == 302 and response["Location"] == "/prenotazioni/"
    assert Booking.objects.get(pk=booking.pk).state == "cancelled"


def test_refusal_is_shown_on_the_form(web, hub, cowork, seats, tomorrow, make_user):
    booking_create(
        person=make_user(), space=cowork, seat=seats[0], period=period(tomorrow, "10:00", "11:00"), channel="web"
    )
    query = {
        "space": cowork.pk,
        "seat": seats[0].pk,
        "start": at(tomorrow, "10:00").isoformat(),
        "end": at(tomorrow, "11:00").isoformat(),
    }
    response = web.post(f"/prenota/{hub.slug}/nuova/", query)
    assert response.status_code == 200
    assert "La postazione P1 è già prenotata" in page_text(response)


def test_bad_form_input_goes_back_to_the_grid(web, hub):
    response = web.post(f"/prenota/{hub.slug}/nuova/", {"space": "x"})
    assert response.status_code == 302 and response["Location"] == f"/prenota/{hub.slug}/"


def test_booking_needs_sign_in(hub):
    response = host_client("cesena.localhost").get(f"/prenota/{hub.slug}/nuova/")
    assert response.status_code == 302 and "/account/accedi/" in response["Location"]


def test_someone_elses_booking_is_404(web, make_user, cowork, seats, tomorrow):
    other = booking_create(
        person=make_user(), space=cowork, seat=seats[0], period=period(tomorrow, "10:00", "11:00"), channel="web"
    )
    assert web.get(f"/prenotazioni/{other.code}/").status_code == 404
    assert web.post(f"/prenotazioni/{other.code}/annulla/").status_code == 404
    assert Booking.objects.get(pk=other.pk).state == "confirmed"


def test_waitlist_pages(web, citizen, hub, cowork, seats, tomorrow, make_user):
    booking_create(
        person=make_user(), space=cowork, seat=seats[0], period=period(tomorrow, "10:00", "11:00"), channel="web"
    )
    data = {
        "space": cowork.pk,
        "seat": seats[0].pk,
        "start": at(tomorrow, "10:00").isoformat(),
        "end": at(tomorrow, "11:00").isoformat(),
    }
    assert "Mettiti in lista d'attesa" in page_text(web.get("/lista-attesa/nuova/", data))
    response = web.post("/lista-attesa/", data, follow=True)
    assert "Sei in lista d'attesa" in page_text(response)
    entry = citizen_entry = response.context["entries"][0]
    assert citizen_entry.seat == seats[0]
    response = web.post(f"/lista-attesa/{entry.pk}/esci/", follow=True)
    assert "Sei uscito dalla lista d'attesa." in page_text(response)


def test_front_desk_sheet_walk_in_check_in_no_show(cesena_operator, citizen, hub, cowork, seats):
    now = timezone.now()
    desk = host_client("cesena.localhost", cesena_operator)
    response = desk.get(f"/accoglienza/{hub.slug}/")
    assert response.status_code == 200
    assert f"Accoglienza: {hub.name}" in page_text(response)
    assert desk.get("/accoglienza/").status_code == 302  # one hub: straight to it

    # Walk-in: the form offers today's remaining slots (none when the day is over: the test adapts).
    form = response.context["walk_in_form"]
    starts = form.fields["start"].choices
    if starts:
        data = {
            "email": "passante@example.org",
            "place": f"{cowork.pk}-{seats[2].pk}",
            "start": starts[0][0],
            "end": form.fields["end"].choices[0][0],
            "check_in_now": "on",
        }
        response = desk.post(f"/accoglienza/{hub.slug}/walk-in/", data, follow=True)
        assert "Prenotato P3 · Coworking per passante@example.org" in page_text(response)
        walk_in = Booking.objects.get(person__email="passante@example.org")
        assert walk_in.channel == "front_desk" and walk_in.created_by == cesena_operator
    response = desk.post(f"/accoglienza/{hub.slug}/walk-in/", {"email": "no"})
    assert response.status_code == 400 and "Controlla i dati" in page_text(response)

    # Check-in by typed code (a booking in progress, made earlier by the citizen).
    booking = Booking.objects.create(
        code="TESTCODE",
        person=citizen,
        hub=hub,
        space=cowork,
        seat=seats[0],
        period=(now - timezone.timedelta(minutes=5), now + timezone.timedelta(hours=1)),
        created_at=now - timezone.timedelta(hours=1),
    )
    response = desk.post(f"/accoglienza/{hub.slug}/check-in/", {"code": "test-code"}, follow=True)
    assert f"Check-in fatto: {citizen}" in page_text(response)
    assert Booking.objects.get(pk=booking.pk).state == "checked_in"
    response = desk.post(f"/accoglienza/{hub.slug}/check-in/", {"code": "NOPE1234"}, follow=True)
    assert "Nessuna prenotazione con il codice NOPE1234." in page_text(response)

    other = Booking.objects.create(
        code="NOSHOW00",
        person=citizen,
        hub=hub,
        space=cowork,
        seat=seats[1],
        period=(now - timezone.timedelta(minutes=5), now + timezone.timedelta(hours=1)),
    )
    desk.post(f"/accoglienza/{hub.slug}/NOSHOW00/assente/")
    assert Booking.objects.get(pk=other.pk).state == "no_show"


def test_front_desk_is_for_assigned_operators_and_administrators(hub, citizen, cesena_admin, make_user, cesena):
    from tenants.identity.models import Role

    assert host_client("cesena.localhost", citizen).get(f"/accoglienza/{hub.slug}/").status_code == 403
    unassigned = make_user()
    Role.objects.create(user=unassigned, kind=Role.Kind.OPERATOR, municipality=cesena)
    assert host_client("cesena.localhost", unassigned).get(f"/accoglienza/{hub.slug}/").status_code == 403
    assert host_client("cesena.localhost", unassigned).get("/accoglienza/").status_code == 403
    assert host_client("cesena.localhost", cesena_admin).get(f"/accoglienza/{hub.slug}/").status_code == 200


def test_admin_shows_policy_and_bookings(cesena_admin, hub, citizen, cowork, seats, tomorrow):
    booking_create(
        person=citizen, space=cowork, seat=seats[0], period=period(tomorrow, "10:00", "11:00"), channel="web"
    )
    admin = host_client("cesena.localhost", cesena_admin)
    response = admin.get("/admin/bookings/bookingpolicy/", follow=True)
    assert response.status_code == 200 and "slot_minutes" in response.content.decode()
    assert admin.get("/admin/bookings/booking/").status_code == 200
    assert admin.get("/admin/bookings/waitlistentry/").status_code == 200
