"""An event with a room occupies it: bookings of the room (whole or any seat) over the event are
refused by the same exclusion constraint as bookings, and an event over booked places is refused.

The event holds its room with a row of the bookings table (src/common/occupancy.py): a
whole-room booking with the event's id, no person, confirmed, channel "system".
"""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction

from src.bookings.availability import hub_availability
from src.bookings.jobs import bookings_release_no_shows, reminders_send
from src.bookings.models import Booking
from src.bookings.selectors import bookings_for_person, front_desk_sheet, person_active_count
from src.bookings.services import booking_cancel, booking_check_in, booking_create, waitlist_join, waitlist_offers_run
from src.common.errors import Conflict, DomainError
from src.common.occupancy import SpaceOccupied
from src.common.time import local_today
from src.events.models import Event
from tests.bookings.conftest import at, build_hub, period, raw_booking
from tests.conftest import host_client, page_text

TITLE = "Corso di competenze digitali"


@pytest.fixture
def hub(cesena):
    connection.set_tenant(cesena)
    yield build_hub()
    connection.set_schema_to_public()


@pytest.fixture
def cowork(hub):
    return hub.spaces.get(name="Coworking")


@pytest.fixture
def seats(cowork):
    return list(cowork.seats.order_by("label"))


@pytest.fixture
def day():
    # Two days ahead: within the booking horizon, and far enough for the reminder job to look at it.
    return local_today() + timedelta(days=2)


def make_event(hub, space, day, start="15:00", end="17:00", **fields) -> Event:
    return Event.objects.create(
        hub=hub, space=space, title=TITLE, starts_at=at(day, start), ends_at=at(day, end), capacity=10, **fields
    )


def hold_of(event) -> Booking | None:
    return Booking.objects.filter(event_id=event.pk, state__in=["held", "confirmed", "checked_in"]).first()


def book(person, space, seat, day, start, end) -> Booking:
    return booking_create(person=person, space=space, seat=seat, period=period(day, start, end), channel="web")


def api_book(person, space, seat, day, start, end):
    body = {
        "space": space.pk,
        "seat": seat.pk if seat else None,
        "start": at(day, start).isoformat(),
        "end": at(day, end).isoformat(),
    }
    return host_client("cesena.localhost", person).post(
        "/api/v1/bookings/", json.dumps(body), content_type="application/json"
    )


def test_an_event_takes_the_whole_room_and_every_seat(hub, cowork, seats, day, citizen, cesena):
    event = make_event(hub, cowork, day)
    row = hold_of(event)
    assert row is not None
    assert (row.space_id, row.seat_id, row.person_id, row.state, row.channel, row.note) == (
        cowork.pk,
        None,
        None,
        "confirmed",
        "system",
        TITLE,
    )
    assert (row.start, row.end) == (event.starts_at, event.ends_at)

    whole = api_book(citizen, cowork, None, day, "15:00", "16:00")
    assert whole.status_code == 409, whole.content
    assert "già occupata" in whole.json()["detail"]
    seat = api_book(citizen, cowork, seats[2], day, "16:00", "17:00")
    assert seat.status_code == 409 and "P3" in seat.json()["detail"]
    # Half-open periods: right after the event the room is free again.
    assert api_book(citizen, cowork, seats[2], day, "17:00", "18:00").status_code == 201

    connection.set_tenant(cesena)
    assert Booking.objects.filter(space=cowork, event_id__isnull=True).count() == 1
    # The citizen's own lists and limits know nothing of the event's row.
    assert [b.event_id for b in bookings_for_person(citizen)] == [None]
    assert person_active_count(citizen, at(day, "09:00") - timedelta(days=2)) == 1


def test_the_grid_and_the_front_desk_show_the_room_taken_by_the_event(
    hub, cowork, seats, day, make_user, cesena, cesena_admin
):
    event = make_event(hub, cowork, day)
    person = make_user()
    book(person, cowork, seats[0], day, "09:00", "10:00")

    grid = hub_availability(hub, day)
    row = next(r for r in grid.spaces if r.space == cowork)
    taken = [not free for free in row.whole_room.free]
    during = [at(day, "15:00") <= s[0] < at(day, "17:00") for s in grid.slots]
    assert [t for t, d in zip(taken, during) if d] == [True, True]
    assert all(not seat_row.free[i] for seat_row in row.seats for i, d in enumerate(during) if d)
    assert [(e.label, e.start, e.end) for e in row.events] == [(f"Evento: {TITLE}", event.starts_at, event.ends_at)]
    page = page_text(host_client("cesena.localhost").get(f"/prenota/{hub.slug}/?giorno={day.isoformat()}"))
    assert f"Evento: {TITLE}, 15:00–17:00" in page

    connection.set_tenant(cesena)
    sheet = front_desk_sheet(hub, day)
    assert [b.holder_label for b in sheet.events] == [f"Evento: {TITLE}"]
    assert [b.person for b in sheet.expected] == [person]
    api = host_client("cesena.localhost", cesena_admin).get(
        f"/api/v1/front-desk/sheet/?hub={hub.pk}&date={day.isoformat()}"
    )
    assert api.status_code == 200, api.content
    assert [e["label"] for e in api.json()["events"]] == [f"Evento: {TITLE}"]
    assert len(api.json()["expected"]) == 1

    # Nobody checks in to, cancels or marks absent an event's room at the front desk.
    connection.set_tenant(cesena)
    code = hold_of(event).code
    with pytest.raises(DomainError, match="riservata per un evento"):
        booking_check_in(code=code, actor=cesena_admin, channel="front_desk", hub=hub, by_staff=True)
    with pytest.raises(DomainError, match="riservata per un evento"):
        booking_cancel(booking=hold_of(event), actor=cesena_admin, channel="front_desk", by_staff=True)
    assert hold_of(event).state == "confirmed"


def test_todays_front_desk_page_names_the_event(hub, cowork, cesena, cesena_admin):
    make_event(hub, cowork, local_today(), "23:00", "23:30")
    page = page_text(host_client("cesena.localhost", cesena_admin).get(f"/accoglienza/{hub.slug}/"))
    assert f"23:00–23:30 Coworking · Evento: {TITLE}" in page
    assert "Nessuno atteso." in page


def test_an_event_over_a_booked_room_is_refused_listing_the_bookings_and_saves_nothing(
    hub, cowork, seats, day, make_user
):
    seat_booking = book(make_user(), cowork, seats[2], day, "15:00", "16:00")
    whole_room = book(make_user(), cowork, None, day, "16:00", "17:00")
    with pytest.raises(SpaceOccupied) as refused:
        with transaction.atomic():
            make_event(hub, cowork, day)
    assert refused.value.messages == [
        f"Lo spazio è già prenotato: {seat_booking.code} (postazione P3, 15:00–16:00), "
        f"{whole_room.code} (sala intera, 16:00–17:00). Scegli un altro orario o un altro spazio, "
        "oppure annulla prima queste prenotazioni."
    ]
    assert not Event.objects.exists()
    assert not Booking.objects.filter(event_id__isnull=False).exists()


def _admin_form(hub, space, day, start="15:00", end="17:00", **fields):
    return {
        "hub": hub.pk,
        "space": space.pk if space else "",
        "title": TITLE,
        "description": "",
        "kind": "course",
        "starts_at_0": day.isoformat(),
        "starts_at_1": start,
        "ends_at_0": day.isoformat(),
        "ends_at_1": end,
        "capacity": 10,
        "registration_open": "on",
        "is_published": "on",
        "registrations-TOTAL_FORMS": "0",
        "registrations-INITIAL_FORMS": "0",
        "registrations-MIN_NUM_FORMS": "0",
        "registrations-MAX_NUM_FORMS": "1000",
        **fields,
    }


def test_the_admin_shows_the_refusal_as_a_form_error(hub, cowork, seats, day, make_user, cesena, cesena_admin):
    booking = book(make_user(), cowork, seats[2], day, "15:00", "16:00")
    admin = host_client("cesena.localhost", cesena_admin)

    response = admin.post("/admin/events/event/add/", _admin_form(hub, cowork, day))
    assert response.status_code == 200
    assert f"Lo spazio è già prenotato: {booking.code} (postazione P3, 15:00–16:00)" in page_text(response)
    connection.set_tenant(cesena)
    assert not Event.objects.exists() and not Booking.objects.filter(event_id__isnull=False).exists()

    # Elsewhere in the day the event is saved and takes the room; moving it over the booking is refused.
    response = admin.post("/admin/events/event/add/", _admin_form(hub, cowork, day, "17:00", "19:00"))
    assert response.status_code == 302, page_text(response)
    connection.set_tenant(cesena)
    event = Event.objects.get()
    assert (hold_of(event).start, hold_of(event).end) == (at(day, "17:00"), at(day, "19:00"))
    response = admin.post(f"/admin/events/event/{event.pk}/change/", _admin_form(hub, cowork, day, "14:00", "16:00"))
    assert response.status_code == 200 and booking.code in page_text(response)
    connection.set_tenant(cesena)
    event.refresh_from_db()
    assert event.starts_at == at(day, "17:00")
    assert (hold_of(event).start, hold_of(event).end) == (at(day, "17:00"), at(day, "19:00"))

    # Unpublishing the event (how an event is called off) frees the room.
    form = _admin_form(hub, cowork, day, "17:00", "19:00")
    del form["is_published"]
    assert admin.post(f"/admin/events/event/{event.pk}/change/", form).status_code == 302
    connection.set_tenant(cesena)
    assert hold_of(event) is None


def test_moving_the_event_frees_the_old_period_and_takes_the_new_one(hub, cowork, seats, day, make_user):
    event = make_event(hub, cowork, day)
    event.starts_at, event.ends_at = at(day, "10:00"), at(day, "12:00")
    event.save()
    assert Booking.objects.filter(event_id=event.pk).count() == 1  # the same row, moved
    assert (hold_of(event).start, hold_of(event).end) == (at(day, "10:00"), at(day, "12:00"))
    book(make_user(), cowork, None, day, "15:00", "17:00")  # the old period is free
    with pytest.raises(Conflict):
        book(make_user(), cowork, seats[0], day, "11:00", "12:00")

    # Another room: the first one is free, the new one taken.
    meeting = hub.spaces.get(name="Riunioni")
    event.space = meeting
    event.save(update_fields=["space"])
    book(make_user(), cowork, seats[0], day, "11:00", "12:00")
    with pytest.raises(Conflict):
        book(make_user(), meeting, None, day, "10:00", "11:00")


def test_removing_the_room_or_deleting_the_event_frees_it(hub, cowork, seats, day, make_user):
    event = make_event(hub, cowork, day)
    event.space = None
    event.save()
    assert hold_of(event) is None
    book(make_user(), cowork, seats[0], day, "15:00", "16:00")

    other = make_event(hub, cowork, day, "17:00", "19:00")
    assert hold_of(other) is not None
    pk = other.pk
    Event.objects.filter(pk=pk).delete()  # as the admin's bulk delete does
    assert not Booking.objects.filter(event_id=pk, state="confirmed").exists()
    book(make_user(), cowork, None, day, "17:00", "19:00")


def test_the_jobs_and_the_waitlist_leave_the_event_row_alone(hub, cowork, seats, day, citizen):
    event = make_event(hub, cowork, day)
    # A reminder round before the event, a no-show round well after its start.
    assert reminders_send(now=at(day, "13:00")) == 0
    assert mail.outbox == []
    assert bookings_release_no_shows(now=at(day, "16:30")) == 0
    row = hold_of(event)
    assert (row.state, row.reminder_sent_at) == ("confirmed", None)

    # Waiting for a seat during the event: the event's room is never offered.
    waitlist_join(person=citizen, space=cowork, seat=seats[0], period=period(day, "15:00", "16:00"))
    assert waitlist_offers_run() == 0
    assert list(Booking.objects.filter(person=citizen)) == []


def test_the_reporting_booking_count_leaves_the_event_out(hub, cowork, seats, day, citizen, cesena):
    from tenants.reporting.periods import Period
    from tenants.reporting.schemas import comune_schemas
    from tenants.reporting.selectors import ReportQuery, report_build
    from tenants.reporting.sql.facts import FACTS

    make_event(hub, cowork, day)
    book(citizen, cowork, seats[0], day, "09:00", "11:00")
    connection.set_schema_to_public()
    report = report_build(
        ReportQuery(comuni=comune_schemas(["cesena"]), period=Period.containing("day", day), mode="live")
    )
    current = report["summary"]["union"]["current"]
    assert (current["bookings"], current["booked_hours"], current["people"]) == (1, 2, 1)
    # Every fact that reads bookings leaves the events' rows out (the condition lives in the catalogue).
    booking_facts = [f for f in FACTS.values() if "{table.booking}" in f.template]
    assert booking_facts and all("{booking.of_people}" in f.template for f in booking_facts)


def test_an_event_over_a_booked_room_is_refused_by_the_database(hub, cowork, seats, day, citizen):
    """The rule holds without the services: PostgreSQL's exclusion constraint refuses the overlap."""
    make_event(hub, cowork, day)
    for seat in (None, seats[1]):
        with pytest.raises(IntegrityError) as refused, transaction.atomic():
            raw_booking(person=citizen, space=cowork, seat=seat, start=at(day, "16:00"), end=at(day, "18:00"))
        assert refused.value.__cause__.pgcode == "23P01"
    # And a row with neither a person nor an event is refused too.
    with pytest.raises(IntegrityError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bookings_booking (code, hub_id, space_id, period, state, channel, created_at, note)"
            " VALUES ('NOBODY00', %s, %s, tstzrange(%s, %s, '[)'), 'confirmed', 'system', now(), '')",
            [hub.pk, cowork.pk, at(day, "09:00"), at(day, "10:00")],
        )
    assert refused.value.__cause__.pgcode == "23514"
