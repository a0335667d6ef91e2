"""/api/v1/ for bookings: the happy path, and a 4xx JSON message for every kind of bad input."""

import json

import pytest

from src.bookings.models import Booking, BookingPolicy
from src.bookings.services import booking_create
from tests.bookings.conftest import at, period, raw_booking
from tests.conftest import host_client


def post(client, path, data=None, method="post"):
    return getattr(client, method)(
        path, data=json.dumps(data) if data is not None else None, content_type="application/json"
    )


@pytest.fixture
def api(citizen, hub):
    return host_client("cesena.localhost", citizen)


def place(cowork, seat, day, start="10:00", end="11:00"):
    return {
        "space": cowork.pk,
        "seat": seat.pk if seat else None,
        "start": at(day, start).isoformat(),
        "end": at(day, end).isoformat(),
    }


def test_book_list_detail_cancel(api, cowork, seats, tomorrow):
    response = post(api, "/api/v1/bookings/", place(cowork, seats[0], tomorrow))
    assert response.status_code == 201, response.content
    code = response.json()["code"]
    assert response.json()["state"] == "confirmed" and response.json()["seat_label"] == "P1"
    assert Booking.objects.get(code=code).channel == "api"
    assert [b["code"] for b in api.get("/api/v1/bookings/").json()] == [code]
    assert api.get(f"/api/v1/bookings/{code}/").json()["start"] == at(tomorrow, "10:00").isoformat()
    response = post(api, f"/api/v1/bookings/{code}/cancel/")
    assert response.status_code == 200 and response.json()["state"] == "cancelled"


def test_taken_seat_is_409_with_a_message(api, make_user, cowork, seats, tomorrow):
    booking_create(
        person=make_user(), space=cowork, seat=seats[0], period=period(tomorrow, "10:00", "11:00"), channel="web"
    )
    response = post(api, "/api/v1/bookings/", place(cowork, seats[0], tomorrow))
    assert response.status_code == 409
    assert response.json() == {
        "detail": "La postazione P1 è già prenotata in quell'orario: scegli un altro orario o un'altra postazione.",
        "code": "conflict",
        "fields": {},
    }


@pytest.mark.parametrize(
    "body, status, fragment",
    [
        (None, 400, "Dati non validi"),
        ({}, 400, "Dati non validi"),
        ({"space": "x", "start": "ieri", "end": 3}, 400, "Dati non validi"),
        (
            {"space": 999999, "start": "2030-01-01T10:00:00+01:00", "end": "2030-01-01T11:00:00+01:00"},
            400,
            "Dati non validi",
        ),
        ("rules:outside", 400, "fuori dall'orario di apertura"),
        ("rules:backwards", 400, "Dati non validi"),
        ("rules:too_long", 400, "al massimo 8 ore"),
        ("rules:not_on_slots", 400, "slot di 60 minuti"),
    ],
)
def test_bad_booking_input_is_a_4xx_json(api, cowork, seats, tomorrow, body, status, fragment):
    if body == "rules:outside":
        body = place(cowork, seats[0], tomorrow, "07:00", "08:00")
    elif body == "rules:backwards":
        body = place(cowork, seats[0], tomorrow, "11:00", "10:00")
    elif body == "rules:too_long":
        body = place(cowork, seats[0], tomorrow, "14:00", "19:00") | {"start": at(tomorrow, "09:00").isoformat()}
    elif body == "rules:not_on_slots":
        body = place(cowork, seats[0], tomorrow, "10:15", "11:00")
    response = post(api, "/api/v1/bookings/", body)
    assert response.status_code == status, response.content
    assert fragment in response.json()["detail"]


def test_malformed_json_is_400(api):
    response = api.post("/api/v1/bookings/", data="{not json", content_type="application/json")
    assert response.status_code == 400 and "detail" in response.json()


def test_anonymous_cannot_book(hub, cowork, seats, tomorrow):
    response = post(host_client("cesena.localhost"), "/api/v1/bookings/", place(cowork, seats[0], tomorrow))
    assert response.status_code == 401 and response.json()["detail"]


def test_unknown_or_foreign_code_is_404_json(api, make_user, cowork, seats, tomorrow):
    other = booking_create(
        person=make_user(), space=cowork, seat=seats[0], period=period(tomorrow, "10:00", "11:00"), channel="web"
    )
    for path in (
        f"/api/v1/bookings/{other.code}/cancel/",
        f"/api/v1/bookings/{other.code}/check-in/",
        "/api/v1/bookings/ZZZZZZZZ/cancel/",
    ):
        response = post(api, path)
        assert response.status_code == 404 and response.json()["detail"], path
    assert Booking.objects.get(pk=other.pk).state == "confirmed"


def test_check_in_outside_the_window_is_400(api, citizen, cowork, seats, tomorrow):
    booking = booking_create(
        person=citizen, space=cowork, seat=seats[0], period=period(tomorrow, "10:00", "11:00"), channel="web"
    )
    response = post(api, f"/api/v1/bookings/{booking.code}/check-in/")
    assert response.status_code == 400 and response.json()["code"] == "check_in_not_open"


def test_availability(api, hub, cowork, seats, meeting, tomorrow, make_user):
    booking_create(
        person=make_user(), space=cowork, seat=seats[0], period=period(tomorrow, "10:00", "12:00"), channel="web"
    )
    data = api.get(f"/api/v1/availability/?hub={hub.pk}&date={tomorrow.isoformat()}").json()
    assert data["slot_minutes"] == 60 and data["open"] is True
    assert len(data["slots"]) == 9  # 09–13 and 14–19
    cowork_row = next(s for s in data["spaces"] if s["id"] == cowork.pk)
    p1 = next(s for s in cowork_row["seats"] if s["label"] == "P1")
    assert p1["free"][:4] == [True, False, False, True]
    assert cowork_row["whole_room"]["free"][:4] == [True, False, False, True]
    meeting_row = next(s for s in data["spaces"] if s["id"] == meeting.pk)
    assert meeting_row["seats"] == [] and all(meeting_row["whole_room"]["free"])


@pytest.mark.parametrize("query", ["", "?hub=abc", "?hub=999999", "?hub={hub}&date=domani"])
def test_availability_bad_query_is_400(api, hub, query):
    response = api.get("/api/v1/availability/" + query.format(hub=hub.pk))
    assert response.status_code == 400 and response.json()["detail"]


def test_policy_read_by_all_written_by_the_administrator(api, cesena_admin, hub):
    assert api.get("/api/v1/booking-policy/").json()["slot_minutes"] == 60
    assert post(api, "/api/v1/booking-policy/", {"slot_minutes": 30}, "patch").status_code == 403
    admin = host_client("cesena.localhost", cesena_admin)
    response = post(admin, "/api/v1/booking-policy/", {"slot_minutes": 30, "max_hours": 4}, "patch")
    assert response.status_code == 200 and response.json()["slot_minutes"] == 30
    assert BookingPolicy.objects.get().max_hours == 4
    for bad in ({"slot_minutes": 1}, {"max_hours": "molte"}, {"slot_minutes": 600, "max_hours": 2}):
        response = post(admin, "/api/v1/booking-policy/", bad, "patch")
        assert response.status_code == 400 and response.json()["detail"], bad
    assert post(admin, "/api/v1/booking-policy/", {"slot_minutes": 60}, "put").status_code == 200


def test_waitlist_join_answer_leave(api, citizen, make_user, cowork, seats, tomorrow):
    body = place(cowork, seats[0], tomorrow)
    response = post(api, "/api/v1/waitlist/", body)
    assert response.status_code == 400 and response.json()["code"] == "not_full"
    taken = booking_create(
        person=make_user(), space=cowork, seat=seats[0], period=period(tomorrow, "10:00", "11:00"), channel="web"
    )
    response = post(api, "/api/v1/waitlist/", body)
    assert response.status_code == 201
    entry_id = response.json()["id"]
    assert post(api, "/api/v1/waitlist/", body).status_code == 409
    assert post(api, f"/api/v1/waitlist/{entry_id}/accept/").status_code == 400  # nothing offered yet
    from src.bookings.services import booking_cancel

    booking_cancel(booking=taken, actor=taken.person, channel="web")
    listed = api.get("/api/v1/waitlist/").json()
    assert listed[0]["state"] == "offered" and listed[0]["offered_booking"]
    response = post(api, f"/api/v1/waitlist/{entry_id}/accept/")
    assert response.status_code == 200 and response.json()["state"] == "confirmed"
    assert api.delete("/api/v1/waitlist/999999/").status_code == 404
    assert post(api, "/api/v1/waitlist/", {"space": cowork.pk}).status_code == 400


def test_front_desk_api(cesena_operator, citizen, hub, cowork, seats, tomorrow, make_user):
    desk = host_client("cesena.localhost", cesena_operator)
    booking = booking_create(
        person=citizen, space=cowork, seat=seats[0], period=period(tomorrow, "10:00", "11:00"), channel="web"
    )
    sheet = desk.get(f"/api/v1/front-desk/sheet/?hub={hub.pk}&date={tomorrow.isoformat()}").json()
    assert [b["code"] for b in sheet["expected"]] == [booking.code]
    assert sheet["expected"][0]["person_email"] == citizen.email

    # Walk-in for a new person: the account is created.
    response = post(
        desk,
        "/api/v1/front-desk/bookings/",
        {"email": "Nuovo@Example.org", "hub": hub.pk} | place(cowork, seats[1], tomorrow),
    )
    assert response.status_code == 201, response.content
    assert response.json()["person_email"] == "nuovo@example.org" and response.json()["channel"] == "front_desk"

    for bad in (
        {},
        {"email": "x", "hub": hub.pk},
        {"email": "a@b.it", "hub": hub.pk} | place(cowork, seats[1], tomorrow),
    ):
        response = post(desk, "/api/v1/front-desk/bookings/", bad)
        assert 400 <= response.status_code < 500 and response.json()["detail"], bad

    response = post(desk, "/api/v1/front-desk/check-in/", {"code": booking.code, "hub": hub.pk})
    assert response.status_code == 400 and response.json()["code"] == "check_in_not_open"
    assert post(desk, "/api/v1/front-desk/check-in/", {"hub": hub.pk}).status_code == 400
    assert post(desk, "/api/v1/front-desk/check-in/", {"code": "NONE0000", "hub": hub.pk}).status_code == 404
    assert post(desk, f"/api/v1/front-desk/bookings/{booking.code}/no-show/").status_code == 400  # not started

    # A citizen is not an operator.
    citizen_client = host_client("cesena.localhost", make_user())
    assert citizen_client.get(f"/api/v1/front-desk/sheet/?hub={hub.pk}").status_code == 403
    assert (
        post(citizen_client, "/api/v1/front-desk/check-in/", {"code": booking.code, "hub": hub.pk}).status_code == 403
    )


def test_operator_is_scoped_to_assigned_hubs(cesena_operator, hub):
    from tests.bookings.conftest import build_hub

    other = build_hub("altro")
    desk = host_client("cesena.localhost", cesena_operator)
    assert desk.get(f"/api/v1/front-desk/sheet/?hub={other.pk}").status_code == 403
    assert desk.get(f"/api/v1/front-desk/sheet/?hub={hub.pk}").status_code == 200


def test_schema_lists_the_booking_endpoints(api):
    schema = api.get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/bookings/",
        "/api/v1/availability/",
        "/api/v1/booking-policy/",
        "/api/v1/waitlist/",
        "/api/v1/front-desk/check-in/",
    ):
        assert path in schema["paths"], path


def test_calendar_feed_url(api, citizen, cowork, seats, tomorrow):
    booking_create(
        person=citizen, space=cowork, seat=seats[0], period=period(tomorrow, "10:00", "11:00"), channel="web"
    )
    url = api.get("/api/v1/bookings/calendar-feed/").json()["url"]
    assert url.startswith("http://cesena.localhost/prenotazioni/calendario/")
    response = host_client("cesena.localhost").get(url.replace("http://cesena.localhost", ""))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert (
        "BEGIN:VEVENT" in body
        and f"DTSTART:{at(tomorrow, '10:00').astimezone(__import__('datetime').timezone.utc):%Y%m%dT%H%M%SZ}" in body
    )
    assert host_client("cesena.localhost").get("/prenotazioni/calendario/5:falso.ics").status_code == 404


# --- The booking path's shortcuts answer as the long way would ---------------------------------


def test_booking_answer_is_what_its_fields_describe(make_user, cowork, seats, tomorrow):
    """BookingOut writes its answer by hand (speed): the same as the serializer's fields give."""
    from rest_framework import serializers

    from src.bookings.serializers import BookingOut
    from src.bookings.services import booking_check_in

    person = make_user()
    made = [
        booking_create(
            person=person, space=cowork, seat=seats[0], period=period(tomorrow, "10:00", "11:00"), channel="api"
        ),
        booking_create(
            person=person, space=cowork, seat=None, period=period(tomorrow, "15:00", "17:00"), channel="web"
        ),
        booking_create(
            person=person,
            space=cowork,
            seat=seats[1],
            period=period(tomorrow, "09:00", "10:00"),
            channel="web",
            hold=True,
        ),
    ]
    now = at(tomorrow, "10:05")
    made.append(booking_check_in(code=made[0].code, actor=person, channel="api", now=now))
    for booking in [*made, *Booking.objects.select_related("hub", "space", "seat")]:
        serializer = BookingOut(booking)
        assert serializer.data == serializers.ModelSerializer.to_representation(serializer, booking)
    assert BookingOut(made[2]).data["hold_expires_at"] is not None
    assert BookingOut(made[1]).data["seat_label"] is None


def test_taken_seat_is_refused_without_waiting_for_the_people_booking(api, make_user, cowork, seats, tomorrow):
    """A taken place is refused at once, even while other requests for that seat hold its lock."""
    import time

    from django.db import connection, connections

    # Plain SQL: booking_create would hold the seat's lock in this test's transaction until its end.
    raw_booking(person=make_user(), space=cowork, seat=seats[0], start=at(tomorrow, "10:00"), end=at(tomorrow, "11:00"))
    other = connections.create_connection("default")  # another request, between its lock and its commit
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_lock(hashtextextended(%s, 0))",
                [f"{connection.schema_name}:booking-seat:{seats[0].pk}"],
            )
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")  # the test's transaction: undone at its end
        started = time.monotonic()
        response = post(api, "/api/v1/bookings/", place(cowork, seats[0], tomorrow))
        assert response.status_code == 409 and response.json()["code"] == "conflict"
        assert "P1 è già prenotata" in response.json()["detail"]
        assert time.monotonic() - started < 2
    finally:
        other.close()


def test_a_room_renamed_shows_in_the_next_booking(api, cesena_admin, cowork, seats, tomorrow):
    """The room and seat come from the catalogue cache, dropped when the catalogue changes."""
    first = post(api, "/api/v1/bookings/", place(cowork, seats[0], tomorrow))
    assert first.json()["space_name"] == "Coworking"
    cowork.name = "Sala studio"
    cowork.save()
    second = post(api, "/api/v1/bookings/", place(cowork, seats[1], tomorrow))
    assert second.status_code == 201 and second.json()["space_name"] == "Sala studio"


def test_a_seat_added_after_a_refusal_can_be_booked(api, cowork, seats, tomorrow):
    """An id nobody has yet is refused, and not remembered as missing: seats added in bulk
    (no signal reaches the cache) are bookable at once."""
    from src.hubs.models import Seat

    new_id = seats[-1].pk + 1000
    refused = post(api, "/api/v1/bookings/", {**place(cowork, seats[0], tomorrow), "seat": new_id})
    assert refused.status_code == 400 and "seat" in refused.json()["fields"]
    Seat.objects.bulk_create([Seat(pk=new_id, space=cowork, label="P99")])
    response = post(api, "/api/v1/bookings/", {**place(cowork, seats[0], tomorrow), "seat": new_id})
    assert response.status_code == 201, response.content
    assert response.json()["seat_label"] == "P99"


def test_my_bookings_list_costs_the_same_for_one_booking_or_many(api, citizen, cowork, seats, tomorrow):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def statements() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert len(api.get("/api/v1/bookings/").json()) == count
        return len(captured)

    count = 1
    raw_booking(person=citizen, space=cowork, seat=seats[0], start=at(tomorrow, "10:00"), end=at(tomorrow, "11:00"))
    statements()  # the session's first request writes what a sign-in stamps
    one = statements()
    for hour in range(11, 15):
        start, end = at(tomorrow, f"{hour}:00"), at(tomorrow, f"{hour + 1}:00")
        raw_booking(person=citizen, space=cowork, seat=seats[0], start=start, end=end, code=f"RAW{hour}")
    count = 5
    # The money of the list is read once for all its bookings, not per booking.
    assert statements() == one
