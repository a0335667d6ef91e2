"""One person with a life in two comuni (and someone else beside her), to export and to erase.

Zoraide has, in Cesena: a seat booked two months ago (completed) and one tomorrow, an
appointment two months ago and one the day after tomorrow, a waitlist entry, an operator's
role on a hub, an admin-history entry quoting her name, a saved API answer; in Sarsina: a
seat booked two months ago, an event attended two months ago and a place at an event in
three days (with Ottavio waiting behind her). Ottavio has his own booking and appointment
in both. Everything lives in the rolled-back test transaction.
"""

import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context
from psycopg2.extras import DateTimeTZRange

from src.appointments.models import Appointment, AppointmentTransition
from src.appointments.services import appointment_book
from src.bookings.models import Booking, BookingTransition, WaitlistEntry
from src.bookings.services.booking import booking_create
from src.common.time import local_today
from src.events.models import Event, EventRegistration
from src.events.services import event_register
from src.hubs.models import HubOperator
from src.idempotency.models import IdempotencyRecord
from tenants.identity.fiscal_code import check_character
from tenants.identity.models import PersonalSettings, Role
from tenants.reporting.models import CommuteProfile
from tests.appointments.conftest import make_desk
from tests.bookings.conftest import at, build_hub, period
from tests.fixtures import UserFactory

ZORAIDE_CF = "QGLZRD85M41C573" + check_character("QGLZRD85M41C573")
OTTAVIO_CF = "PNNTTV70A01G702" + check_character("PNNTTV70A01G702")


def past_day():
    """A Tuesday about two months ago: the reports' month is over and stays put."""
    day = local_today() - timedelta(days=60)
    return day - timedelta(days=(day.weekday() - 1) % 7)


@dataclass
class Life:
    person: object
    other: object
    codes: dict  # what the person holds, by name
    other_codes: dict


def _appointment(desk, start, person, name, fiscal_code, phone, state="booked"):
    appointment = Appointment.objects.create(
        desk=desk,
        code=f"Z{Appointment.objects.count():08d}"[:9],
        period=DateTimeTZRange(start, start + timedelta(minutes=30)),
        topic="SPID e CIE",
        details=f"Mi chiamo {name}, telefono {phone}",
        applicant_name=name,
        email=person.email,
        phone=phone,
        fiscal_code=fiscal_code,
        person=person,
        state=state,
    )
    AppointmentTransition.objects.create(appointment=appointment, to_state=state, by=person, channel="web")
    return appointment


def _past_booking(person, space, seat, day, code, state="completed"):
    booking = Booking.objects.create(
        code=code,
        person=person,
        hub=space.hub,
        space=space,
        seat=seat,
        period=period(day, "09:00", "13:00"),
        state=state,
        created_by=person,
        created_at=at(day, "08:00") - timedelta(days=3),
        checked_in_at=at(day, "09:05"),
    )
    BookingTransition.objects.create(
        booking=booking, to_state=state, actor=person, at=at(day, "09:05"), channel="web", note="arrivata puntuale"
    )
    return booking


@pytest.fixture
def life(cesena, sarsina, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    person = UserFactory(
        email="zoraide.quagliarella@example.org",
        first_name="Zoraide",
        last_name="Quagliarella",
        phone="+39 333 987 6543",
        fiscal_code=ZORAIDE_CF,
        home_municipality=cesena,
    )
    other = UserFactory(
        email="ottavio.pennacchi@example.org",
        first_name="Ottavio",
        last_name="Pennacchi",
        phone="+39 347 111 2233",
        fiscal_code=OTTAVIO_CF,
        home_municipality=sarsina,
    )
    Role.objects.create(user=person, kind=Role.Kind.OPERATOR, municipality=cesena)
    CommuteProfile.objects.create(user=person, workplace_istat_code="037006", consented_at=timezone.now())
    PersonalSettings.objects.create(user=person, event_reminders=False)
    day = past_day()
    tomorrow = local_today() + timedelta(days=1)
    codes, other_codes = {}, {}
    with tenant_context(cesena):
        hub = build_hub("hub-gdpr")
        cowork = hub.spaces.get(name="Coworking")
        p1, p2, p3, _p4 = cowork.seats.order_by("label")
        codes["cesena_past"] = _past_booking(person, cowork, p1, day, "ZCPAST01").code
        other_codes["cesena_past"] = _past_booking(other, cowork, p2, day, "OCPAST01").code
        codes["cesena_future"] = booking_create(
            person=person, space=cowork, seat=p1, period=period(tomorrow, "10:00", "12:00"), channel="web"
        ).code
        other_codes["cesena_future"] = booking_create(
            person=other, space=cowork, seat=p2, period=period(tomorrow, "10:00", "12:00"), channel="web"
        ).code
        codes["waitlist"] = WaitlistEntry.objects.create(
            person=person, space=cowork, seat=p3, period=period(tomorrow, "14:00", "16:00")
        ).pk
        HubOperator.objects.create(hub=hub, user=person)
        desk = make_desk(cesena, name="Sportello GDPR")
        codes["appointment_past"] = _appointment(
            desk, at(day, "09:30"), person, "Zoraide Quagliarella", ZORAIDE_CF, "+39 333 987 6543", "attended"
        ).code
        other_codes["appointment_past"] = _appointment(
            desk, at(day, "10:00"), other, "Ottavio Pennacchi", OTTAVIO_CF, "+39 347 111 2233", "attended"
        ).code
        codes["appointment_future"] = appointment_book(
            desk=desk,
            start=at(local_today() + timedelta(days=2), "09:00"),
            topic="SPID e CIE",
            details="Porto la carta d'identità di Zoraide Quagliarella",
            applicant_name="Zoraide Quagliarella",
            email=person.email,
            phone="+39 333 987 6543",
            fiscal_code=ZORAIDE_CF,
            person=person,
        ).code
        entry = WaitlistEntry.objects.get(pk=codes["waitlist"])
        LogEntry.objects.create(
            user_id=other.pk,
            content_type=ContentType.objects.get(app_label="bookings", model="waitlistentry"),
            object_id=str(entry.pk),
            object_repr=str(entry)[:200],
            action_flag=CHANGE,
            change_message=json.dumps([{"changed": {"fields": ["state"]}, "note": "chiesto da Zoraide Quagliarella"}]),
        )
        IdempotencyRecord.objects.create(
            scope=f"user:{person.pk}",
            key="chiave-1",
            fingerprint="0" * 64,
            status_code=201,
            body={"code": codes["cesena_future"], "email": person.email},
        )
    with tenant_context(sarsina):
        hub = build_hub("hub-gdpr-sarsina")
        cowork = hub.spaces.get(name="Coworking")
        p1, p2, *_ = cowork.seats.order_by("label")
        codes["sarsina_past"] = _past_booking(person, cowork, p1, day, "ZSPAST01").code
        other_codes["sarsina_past"] = _past_booking(other, cowork, p2, day, "OSPAST01").code
        past_event = Event.objects.create(
            hub=hub, title="Serata passata", starts_at=at(day, "18:00"), ends_at=at(day, "20:00"), capacity=5
        )
        EventRegistration.objects.create(event=past_event, person=person, state="attended")
        EventRegistration.objects.create(event=past_event, person=other, state="attended")
        soon = Event.objects.create(
            hub=hub,
            title="Corso in arrivo",
            starts_at=timezone.now() + timedelta(days=3),
            ends_at=timezone.now() + timedelta(days=3, hours=2),
            capacity=1,
        )
        codes["event"] = event_register(event=soon, person=person).pk
        other_codes["event"] = event_register(event=soon, person=other).pk  # waitlisted behind her
    connection.set_schema_to_public()
    # In the union admin's history too: Ottavio (union staff) edited her account once.
    LogEntry.objects.create(
        user_id=other.pk,
        content_type=ContentType.objects.get(app_label="identity", model="user"),
        object_id=str(person.pk),
        object_repr=str(person),
        action_flag=CHANGE,
        change_message=json.dumps([{"changed": {"fields": ["phone"]}}]),
    )
    return Life(person=person, other=other, codes=codes, other_codes=other_codes)


PERSONAL = ("Zoraide", "Quagliarella", "zoraide.quagliarella@example.org", "333 987 6543", ZORAIDE_CF)
OTHERS = ("Ottavio", "Pennacchi", "ottavio.pennacchi@example.org", "347 111 2233", OTTAVIO_CF)


def text_columns(cursor, schemas):
    """Every text-like column (text, varchar, json) of every table in `schemas`."""
    cursor.execute(
        """
        SELECT c.table_schema, c.table_name, c.column_name, c.data_type
        FROM information_schema.columns c
        JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = ANY(%s) AND t.table_type = 'BASE TABLE'
          AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')
        ORDER BY 1, 2, 3
        """,
        [list(schemas)],
    )
    return cursor.fetchall()


def find_values(values, schemas) -> list[tuple]:
    """(schema, table, column, value) for every cell of `schemas` that contains one of `values`."""
    found = []
    with connection.cursor() as cursor:
        for schema, table, column, _type in text_columns(cursor, schemas):
            for value in values:
                cursor.execute(
                    f'SELECT count(*) FROM "{schema}"."{table}" WHERE strpos(lower("{column}"::text), lower(%s)) > 0',
                    [value],
                )
                if cursor.fetchone()[0]:
                    found.append((schema, table, column, value))
    return found
