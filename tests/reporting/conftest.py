"""Fixed activity in three comuni, February 2026 (and one booking in January), with known answers.

Mercato Saraceno is created once per session (creating a comune commits);
everything else lives in the rolled-back test transaction, and the reporting
SQL runs on the same connection, so it sees it.

The hand-worked answers are in test_measures.py, next to the assertions.
"""

from datetime import date, datetime, time
from itertools import count

import pytest
from django.db import connection
from django_tenants.utils import tenant_context
from psycopg2.extras import DateTimeTZRange

from src.appointments.models import Appointment
from src.bookings.models import Booking
from src.common.time import ROME
from src.desks.models import ServiceDesk
from src.events.models import Event, EventRegistration
from src.hubs.models import Closure, Layout, LayoutSchedule, Seat, SpecialOpening
from tenants.comuni.models import Municipality
from tenants.comuni.services import UNION_COMUNI, municipality_create
from tenants.identity.models import Role
from tenants.reporting.models import CommuteProfile
from tests.fixtures import UserFactory
from tests.hubs.factories import make_hub, make_space

FEBRUARY = date(2026, 2, 1)
_codes = count(1)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The fixtures create a dozen accounts: the real hasher would cost seconds per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def _mercato_saraceno_schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        data = next(c for c in UNION_COMUNI if c["slug"] == "mercato-saraceno")
        municipality_create(**data)
        connection.set_schema_to_public()


@pytest.fixture
def mercato(_mercato_saraceno_schema, db):
    return Municipality.objects.get(slug="mercato-saraceno")


def at(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=ROME)


def feb(day: int) -> date:
    return date(2026, 2, day)


def book(person, space, day, start, end, state, seat=None):
    return Booking.objects.create(
        code=f"T{next(_codes):07d}",
        person=person,
        hub=space.hub,
        space=space,
        seat=seat,
        period=DateTimeTZRange(at(day, start), at(day, end)),
        state=state,
        hold_expires_at=at(day, start) if state == "held" else None,
    )


def appointment(desk, day, start, end, topic, state):
    return Appointment.objects.create(
        desk=desk,
        code=f"A{next(_codes):08d}",
        period=DateTimeTZRange(at(day, start), at(day, end)),
        topic=topic,
        applicant_name="Mario Bianchi",
        email="mario.bianchi@example.org",
        fiscal_code="BNCMRA80A01C573X",
        state=state,
    )


def every_day(*ranges, days=range(7)):
    return {weekday: list(ranges) for weekday in days}


@pytest.fixture
def people(cesena, sarsina, mercato):
    """Who they are, where they live and work (road km from tenants/reporting/data/distanze.csv)."""

    def person(name, home=None, workplace=None, km=None, public=False):
        user = UserFactory(email=f"{name}@example.org", first_name=name.title(), home_municipality=home)
        if workplace or km or public:
            CommuteProfile.objects.create(
                user=user,
                workplace_istat_code=workplace or "",
                commute_km=km,
                is_public_employee=public,
                consented_at=at(FEBRUARY, "08:00"),  # reports use a profile only with consent
            )
        return user

    return {
        "anna": person("anna", cesena, "037006"),  # lives in Cesena, works in Bologna (91 km)
        "bruno": person("bruno", sarsina),
        "carla": person("carla"),  # no home comune on file, no commute profile
        "elena": person("elena", sarsina, "040007", public=True),  # Sarsina -> Cesena 31 km, public employee
        "franco": person("franco", mercato, "040012"),  # Mercato Saraceno -> Forlì 38 km
        "giulia": person("giulia"),
        "hana": person("hana", mercato, "040007"),  # Mercato -> Cesena 23 km; Mercato -> Sarsina 9 km
    }


@pytest.fixture
def union_data(cesena, sarsina, mercato, people):
    p = people
    ids = {}
    with tenant_context(cesena):
        # Tuesday-Sunday 9-13 and 14-18; an overlapping Tuesday row must not count twice.
        hub = make_hub(
            "hub-cesena", "Hub Cesena", hours=every_day(("09:00", "13:00"), ("14:00", "18:00"), days=range(1, 7))
        )
        hub.opening_hours.create(weekday=1, opens=time(9), closes=time(10))
        Closure.objects.create(hub=hub, starts_on=feb(14), ends_on=feb(14), reason="Manutenzione")
        SpecialOpening.objects.create(hub=hub, date=feb(16), opens=time(9), closes=time(13))
        cowork = make_space(hub, "Coworking", seats=4, bookable_whole=True)
        Seat.objects.create(space=cowork, label="P9", is_active=False)
        meeting = make_space(hub, "Sala riunioni", seats=0, kind="meeting", bookable_whole=True)
        whole = Layout.objects.create(space=cowork, name="Riunione plenaria", whole_room_only=True)
        LayoutSchedule.objects.create(space=cowork, layout=whole, date=feb(17))
        s1, s2, s3, _s4 = cowork.seats.filter(is_active=True).order_by("label")
        book(p["anna"], cowork, date(2026, 1, 20), "09:00", "13:00", "completed", s1)
        book(p["anna"], cowork, feb(3), "09:00", "13:00", "completed", s1)
        book(p["anna"], cowork, feb(4), "14:00", "18:00", "checked_in", s1)
        book(p["bruno"], cowork, feb(3), "09:00", "13:00", "no_show", s2)
        book(p["bruno"], cowork, feb(5), "09:00", "11:00", "cancelled", s2)
        book(p["carla"], meeting, feb(10), "14:00", "16:00", "completed")
        book(p["carla"], cowork, feb(11), "09:00", "13:00", "confirmed")
        book(p["anna"], cowork, feb(12), "09:00", "12:00", "held", s3)
        desk = ServiceDesk.objects.create(
            hub=hub, kind="sportello_facile", name="Sportello Facile", topics=["ISEE", "SPID"]
        )
        appointment(desk, date(2026, 1, 13), "10:00", "10:30", "ISEE", "attended")
        appointment(desk, feb(3), "10:00", "10:30", "ISEE", "attended")
        appointment(desk, feb(3), "10:30", "11:00", "ISEE", "no_show")
        appointment(desk, feb(4), "10:00", "10:30", "SPID", "cancelled")
        appointment(desk, feb(5), "10:00", "10:30", "SPID", "booked")
        # Booked without an account and never confirmed by e-mail: no appointment, in no measure.
        appointment(desk, feb(5), "10:30", "11:00", "SPID", "held")
        appointment(desk, feb(5), "11:00", "11:30", "ISEE", "expired")
        ids["cesena_hub"] = hub.pk
        ids["cesena_desk"] = desk.pk
    with tenant_context(sarsina):
        hub = make_hub(
            "hub-sarsina", "Hub Sarsina", hours=every_day(("09:00", "13:00"), ("14:00", "16:00"), days=range(5))
        )
        cowork = make_space(hub, "Coworking", seats=2)
        s1, s2 = cowork.seats.order_by("label")
        book(p["elena"], cowork, feb(2), "09:00", "13:00", "checked_in", s1)
        book(p["elena"], cowork, feb(3), "09:00", "13:00", "completed", s1)
        book(p["anna"], cowork, feb(3), "14:00", "16:00", "completed", s2)
        book(p["hana"], cowork, feb(4), "09:00", "13:00", "completed", s2)
        event = Event.objects.create(
            hub=hub, title="Corso SPID", starts_at=at(feb(10), "17:00"), ends_at=at(feb(10), "19:00"), capacity=3
        )
        for name, state in (
            ("elena", "attended"),
            ("anna", "attended"),
            ("hana", "registered"),
            ("franco", "waitlisted"),
            ("bruno", "cancelled"),
        ):
            EventRegistration.objects.create(event=event, person=p[name], state=state)
        ids["sarsina_hub"] = hub.pk
    with tenant_context(mercato):
        hub = make_hub("hub-mercato", "Hub Mercato Saraceno", hours=every_day(("09:00", "17:00"), days=(1, 3)))
        cowork = make_space(hub, "Coworking", seats=3)
        s1, s2, _s3 = cowork.seats.order_by("label")
        book(p["franco"], cowork, feb(5), "09:00", "17:00", "completed", s1)
        book(p["franco"], cowork, feb(12), "09:00", "13:00", "no_show", s1)
        book(p["giulia"], cowork, feb(5), "09:00", "13:00", "completed", s2)
        ids["mercato_hub"] = hub.pk
    connection.set_schema_to_public()
    return ids


@pytest.fixture
def mercato_admin(mercato):
    user = UserFactory(email="admin.mercato@example.org")
    Role.objects.create(user=user, kind=Role.Kind.ADMINISTRATOR, municipality=mercato)
    return user
