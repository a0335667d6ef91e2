"""Appointments over JSON: slots, booking (409 when taken), check, cancel, attendance; bad input is a 4xx JSON."""

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from src.appointments.services import appointment_book
from src.hubs.models import HubOperator
from tenants.identity.models import Role
from tests.appointments.conftest import confirm_path
from tests.conftest import host_client, page_text


def _at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())


def _booking(the_desk, day, **overrides):
    return {
        "desk": the_desk.pk,
        "start": _at(day, 9).isoformat(),
        "topic": "SPID e CIE",
        "applicant_name": "Mario Verdi",
        "email": "mario@example.org",
        **overrides,
    }


def test_slots_book_conflict_lookup_cancel(cesena_desk, day_after_tomorrow, django_capture_on_commit_callbacks):
    api = host_client("cesena.localhost")
    slots = api.get(f"/api/v1/desks/{cesena_desk.pk}/slots/", {"date": day_after_tomorrow.isoformat()}).json()
    starts = [s["start"] for s in slots["days"][0]["slots"]]
    assert len(starts) == 4  # 09:00-11:00 in 30-minute slots

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/appointments/", _booking(cesena_desk, day_after_tomorrow), content_type="application/json"
        )
    assert response.status_code == 201, response.json()
    code = response.json()["code"]
    # Without an account: held until the link e-mailed confirms it.
    assert response.json()["state"] == "held" and response.json()["hold_expires_at"]
    (held,) = mail.outbox
    token = confirm_path(held).rstrip("/").rsplit("/", 1)[1]
    confirmed = api.post("/api/v1/appointments/confirm/", {"token": token}, content_type="application/json")
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "booked"
    assert confirmed.json()["hold_expires_at"] is None

    again = api.post(
        "/api/v1/appointments/",
        _booking(cesena_desk, day_after_tomorrow, email="x@example.org"),
        content_type="application/json",
    )
    assert again.status_code == 409
    assert "non è più disponibile" in again.json()["detail"]

    slots = api.get(f"/api/v1/desks/{cesena_desk.pk}/slots/", {"date": day_after_tomorrow.isoformat()}).json()
    assert len(slots["days"][0]["slots"]) == 3

    found = api.post(
        "/api/v1/appointments/lookup/", {"code": code, "email": "MARIO@example.org"}, content_type="application/json"
    )
    assert found.status_code == 200 and found.json()["topic"] == "SPID e CIE"
    refused = api.post(
        f"/api/v1/appointments/{code}/cancel/", {"email": "other@example.org"}, content_type="application/json"
    )
    assert refused.status_code == 404
    cancelled = api.post(
        f"/api/v1/appointments/{code}/cancel/", {"email": "mario@example.org"}, content_type="application/json"
    )
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    twice = api.post(
        f"/api/v1/appointments/{code}/cancel/", {"email": "mario@example.org"}, content_type="application/json"
    )
    assert twice.status_code == 400 and "non è più attivo" in str(twice.json())


def test_signed_in_person_lists_own_appointments(cesena_desk, day_after_tomorrow, make_user):
    person = make_user()
    api = host_client("cesena.localhost", user=person)
    api.post(
        "/api/v1/appointments/",
        _booking(cesena_desk, day_after_tomorrow, email=person.email),
        content_type="application/json",
    )
    connection.set_tenant(connection.tenant)
    appointment_book(
        desk=cesena_desk,
        start=_at(day_after_tomorrow, 10),
        topic="Altro",
        applicant_name="Altri",
        email="altri@example.org",
    )
    mine = api.get("/api/v1/appointments/").json()
    assert [a["applicant_name"] for a in mine] == ["Mario Verdi"]
    assert host_client("cesena.localhost").get("/api/v1/appointments/").status_code == 401


@pytest.mark.parametrize(
    "change",
    [
        {"desk": "uno"},
        {"desk": 999999},
        {"start": "domani"},
        {"topic": ""},
        {"email": "non-una-mail"},
        {"fiscal_code": "RSSMRA80A01C573X"},  # wrong check character
        {"phone": "chiamami"},
        {"start": "2001-01-01T09:00:00+01:00"},
    ],
)
def test_booking_bad_input_is_a_4xx_json(cesena_desk, day_after_tomorrow, change):
    api = host_client("cesena.localhost")
    response = api.post(
        "/api/v1/appointments/", _booking(cesena_desk, day_after_tomorrow, **change), content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    assert response["Content-Type"] == "application/json" and response.json()["detail"]


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/v1/appointments/", "not json"),
        ("/api/v1/appointments/lookup/", {"code": "X"}),
        ("/api/v1/appointments/lookup/", {"code": "ABCD-EFGH", "email": "x@example.org"}),
        ("/api/v1/appointments/ABCD-EFGH/cancel/", {"email": "bad"}),
        ("/api/v1/appointments/ABCD-EFGH/cancel/", {}),
        ("/api/v1/appointments/ABCD-EFGH/attendance/", {"state": "attended"}),
    ],
)
def test_every_write_endpoint_answers_bad_input_with_4xx_json(cesena_desk, path, body):
    api = host_client("cesena.localhost")
    response = api.post(path, body, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert response["Content-Type"] == "application/json" and response.json()["detail"]


def test_attendance_needs_an_operator_of_that_hub(cesena, cesena_desk, make_user):
    yesterday_slot = timezone.now() - timedelta(hours=1)
    connection.set_tenant(cesena)
    from psycopg2.extras import DateTimeTZRange

    from src.appointments.models import Appointment

    appointment = Appointment.objects.create(
        desk=cesena_desk,
        code="TEST-0001",
        period=DateTimeTZRange(yesterday_slot, yesterday_slot + timedelta(minutes=30)),
        topic="x",
        applicant_name="Anna",
        email="anna@example.org",
    )
    citizen, operator, elsewhere = make_user(), make_user(), make_user()
    for user in (operator, elsewhere):
        Role.objects.create(user=user, kind=Role.Kind.OPERATOR, municipality=cesena)
    HubOperator.objects.create(hub=cesena_desk.hub, user=operator)
    url = f"/api/v1/appointments/{appointment.code}/attendance/"
    for stranger in (citizen, elsewhere):
        assert (
            host_client("cesena.localhost", stranger)
            .post(url, {"state": "attended"}, content_type="application/json")
            .status_code
            == 403
        )
    api = host_client("cesena.localhost", operator)
    assert api.post(url, {"state": "maybe"}, content_type="application/json").status_code == 400
    response = api.post(url, {"state": "no_show"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "no_show"
    agenda = api.get(
        f"/api/v1/desks/{cesena_desk.pk}/appointments/", {"date": timezone.localdate(yesterday_slot).isoformat()}
    )
    assert [a["code"] for a in agenda.json()] == ["TEST-0001"]
    appointment.refresh_from_db()
    assert [(t.from_state, t.to_state, t.by_id, t.channel) for t in appointment.transitions.all()] == [
        ("booked", "no_show", operator.pk, "api")
    ]


def test_openapi_schema_lists_appointment_and_event_endpoints(cesena):
    paths = host_client("cesena.localhost").get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    for path in (
        "/api/v1/desks/{desk_pk}/slots/",
        "/api/v1/appointments/",
        "/api/v1/appointments/lookup/",
        "/api/v1/appointments/{code}/cancel/",
        "/api/v1/appointments/{code}/attendance/",
        "/api/v1/events/",
        "/api/v1/events/{id}/registration/",
        "/api/v1/events/{id}/registrations/{registration_pk}/attendance/",
    ):
        assert path in paths, path


def test_front_desk_agenda_page_marks_who_came(cesena, cesena_desk, cesena_admin, make_user):
    from psycopg2.extras import DateTimeTZRange

    from src.appointments.models import Appointment

    connection.set_tenant(cesena)
    started = timezone.now() - timedelta(minutes=20)
    Appointment.objects.create(
        desk=cesena_desk,
        code="AGND-0001",
        period=DateTimeTZRange(started, started + timedelta(minutes=30)),
        topic="Bonus energia",
        applicant_name="Rita Presente",
        email="rita@example.org",
    )
    url = f"/appuntamenti/agenda/{cesena_desk.pk}/"
    day = {"giorno": timezone.localdate(started).isoformat()}
    assert host_client("cesena.localhost", make_user()).get(url, day).status_code == 403
    desk_staff = host_client("cesena.localhost", cesena_admin)
    page = desk_staff.get(url, day)
    assert "Rita Presente" in page_text(page) and "Bonus energia" in page_text(page)
    response = desk_staff.post(f"{url}AGND-0001/", {"state": "attended"}, follow=True)
    assert "svolto" in page_text(response)
