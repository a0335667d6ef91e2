"""The console's sheet is the hubs' own front-desk sheets put together, in one query across comuni."""

from datetime import time, timedelta
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context
from psycopg2.extras import DateTimeTZRange

from src.appointments.models import Appointment
from src.appointments.selectors import desk_agenda
from src.bookings.models import Booking
from src.bookings.selectors import front_desk_sheet
from src.common.time import local_datetime
from src.events.models import Event, EventRegistration
from src.events.selectors import event_registrations
from src.hubs.models import Hub
from tenants.operators.access import hubs_run_by, local_today
from tenants.operators.console import console_sheet
from tests.conftest import page_text
from tests.fixtures import UserFactory
from tests.operators.test_power import client_on

_codes = count(1)


def _code(prefix="CN") -> str:
    return f"{prefix}{next(_codes):06d}"


def fill_day(municipality, hub, desk, day, people):
    """A day of a hub: bookings in every state, a walk-in, a room held for an event, appointments,
    an event with registrations; and rows of the day before and after, which the sheet leaves out."""
    with tenant_context(municipality):
        space = hub.spaces.get(name="Coworking")
        seats = list(space.seats.order_by("label"))
        hall = hub.spaces.get(name="Sala eventi")
        event = hub.events.get()

        def booking(seat, start, end, state, *, on=day, channel="web", person=people[0], **extra):
            return Booking.objects.create(
                code=_code(),
                person=person,
                hub=hub,
                space=space,
                seat=seat,
                period=DateTimeTZRange(local_datetime(on, time(start)), local_datetime(on, time(end))),
                state=state,
                channel=channel,
                hold_expires_at=local_datetime(on, time(end)) if state == "held" else None,
                **extra,
            )

        booking(seats[0], 9, 11, "confirmed")
        booking(seats[1], 9, 10, "held")
        booking(seats[2], 10, 12, "checked_in", person=people[1])
        booking(seats[3], 8, 9, "no_show", person=people[2])
        booking(seats[4], 14, 16, "cancelled")
        booking(seats[5], 8, 9, "completed", person=people[1])
        booking(seats[0], 15, 17, "checked_in", channel="front_desk", person=people[2])  # a walk-in
        booking(seats[1], 15, 16, "confirmed", channel="front_desk")  # a walk-in still expected
        booking(seats[0], 9, 11, "confirmed", on=day - timedelta(days=1))  # yesterday
        booking(seats[0], 9, 11, "confirmed", on=day + timedelta(days=1))  # tomorrow
        Booking.objects.create(
            code=_code(),
            person=None,
            hub=hub,
            space=hall,
            seat=None,
            period=DateTimeTZRange(local_datetime(day, time(17)), local_datetime(day, time(19))),
            state="confirmed",
            channel="system",
            event_id=event.pk,
            note=event.title,
        )

        def appointment(start, state, on=day):
            begins = local_datetime(on, time(9, 30) if start == 0 else time(9 + start // 2, 30 * (start % 2)))
            return Appointment.objects.create(
                desk=desk,
                code=_code("A")[:9],
                period=DateTimeTZRange(begins, begins + timedelta(minutes=30)),
                topic="SPID",
                applicant_name=f"Richiedente {start}",
                email="r@example.org",
                state=state,
                hold_expires_at=begins if state in ("held", "expired") else None,
            )

        appointment(1, "booked")
        appointment(2, "attended")
        appointment(3, "no_show")
        appointment(4, "cancelled")
        appointment(5, "expired")  # a hold nobody confirmed: not on the agenda
        appointment(1, "booked", on=day + timedelta(days=1))

        Event.objects.filter(pk=event.pk).update(
            starts_at=local_datetime(day, time(17)), ends_at=local_datetime(day, time(19))
        )
        for person, state in zip(people, ("registered", "attended", "cancelled")):
            EventRegistration.objects.create(event=event, person=person, state=state)
        Event.objects.create(
            hub=hub,
            title="Domani",
            kind="talk",
            capacity=5,
            starts_at=local_datetime(day + timedelta(days=1), time(10)),
            ends_at=local_datetime(day + timedelta(days=1), time(11)),
        )


@pytest.fixture
def busy_day(world):
    day = local_today() + timedelta(days=3)  # fixed data, away from "now"
    people = [UserFactory(first_name=name, last_name="Prova") for name in ("Anna", "Bruno", "Carla")]
    for side in (world.cesena, world.sarsina):
        fill_day(side.municipality, side.run, side.run_desk, day, people)
        fill_day(side.municipality, side.other, side.other_desk, day, people)  # not run: never in the console
    connection.set_schema_to_public()
    return day


def codes(rows) -> list[str]:
    return sorted(row.ref if hasattr(row, "ref") else row.code for row in rows)


def test_the_console_sheet_is_the_sum_of_the_hubs_front_desk_sheets(world, busy_day):
    with CaptureQueriesContext(connection) as queries:
        sheet = console_sheet(world.staff, day=busy_day)
    # One statement reads the comuni's schemas (the rest are the public tables: staff, contracts, comuni).
    across = [q["sql"] for q in queries.captured_queries if '"cesena".' in q["sql"] or '"sarsina".' in q["sql"]]
    assert len(across) == 1 and '"cesena".' in across[0] and '"sarsina".' in across[0]

    assert [(hub.municipality.slug, hub.hub_id) for hub in sheet.hubs] == [
        ("cesena", world.cesena.run.pk),
        ("sarsina", world.sarsina.run.pk),
    ]
    totals = dict.fromkeys(("expected", "checked_in", "closed", "no_shows", "walk_ins", "holds", "appts", "events"), 0)
    for console_hub in sheet.hubs:
        with tenant_context(console_hub.municipality):
            hub = Hub.objects.get(pk=console_hub.hub_id)
            desk_sheet = front_desk_sheet(hub, busy_day)
            people = desk_sheet.expected + desk_sheet.checked_in + desk_sheet.closed
            assert codes(console_hub.expected) == codes(desk_sheet.expected)
            assert codes(console_hub.checked_in) == codes(desk_sheet.checked_in)
            assert codes(console_hub.closed) == codes(desk_sheet.closed)
            assert codes(console_hub.no_shows) == codes(b for b in desk_sheet.closed if b.state == "no_show")
            assert codes(console_hub.walk_ins) == codes(b for b in people if b.channel == "front_desk")
            assert codes(console_hub.event_holds) == codes(desk_sheet.events)
            agenda = [a for desk in hub.desks.all() for a in desk_agenda(desk=desk, first_day=busy_day)]
            assert codes(console_hub.appointments) == codes(agenda)
            start, end = local_datetime(busy_day, time(0)), local_datetime(busy_day + timedelta(days=1), time(0))
            events = list(Event.objects.filter(hub=hub, starts_at__gte=start, starts_at__lt=end).order_by("starts_at"))
            assert [(int(e.ref), e.registered, e.attended) for e in console_hub.events] == [
                (
                    e.pk,
                    sum(1 for r in event_registrations(e) if r.state in EventRegistration.SEATED_STATES),
                    sum(1 for r in event_registrations(e) if r.state == "attended"),
                )
                for e in events
            ]
            # The person's name, as the front desk shows it.
            assert {row.holder for row in console_hub.checked_in} == {b.holder_label for b in desk_sheet.checked_in}
        totals["expected"] += len(desk_sheet.expected)
        totals["checked_in"] += len(desk_sheet.checked_in)
        totals["closed"] += len(desk_sheet.closed)
        totals["no_shows"] += sum(1 for b in desk_sheet.closed if b.state == "no_show")
        totals["walk_ins"] += sum(1 for b in people if b.channel == "front_desk")
        totals["holds"] += len(desk_sheet.events)
        totals["appts"] += len(agenda)
        totals["events"] += len(events)
    assert totals == {
        "expected": sheet.total("expected"),
        "checked_in": sheet.total("checked_in"),
        "closed": sheet.total("closed"),
        "no_shows": sheet.total("no_shows"),
        "walk_ins": sheet.total("walk_ins"),
        "holds": sheet.total("event_holds"),
        "appts": sheet.total("appointments"),
        "events": sheet.total("events"),
    }
    # The fixed data: per hub 3 expected, 2 checked in, 3 closed (1 no-show), 2 walk-ins, 4 appointments, 1 event.
    assert totals == {
        "expected": 6,
        "checked_in": 4,
        "closed": 6,
        "no_shows": 2,
        "walk_ins": 4,
        "holds": 2,
        "appts": 8,
        "events": 2,
    }


def test_the_console_page_links_into_each_hubs_front_desk(world):
    response = client_on("localhost", world.staff).get("/cooperativa/")
    assert response.status_code == 200
    text = page_text(response)
    assert world.cesena.run.name in text and world.sarsina.run.name in text
    assert world.cesena.other.name not in text and world.sarsina.other.name not in text
    body = response.content.decode()
    assert f'href="http://cesena.localhost/accoglienza/{world.cesena.run.slug}/"' in body
    assert f'href="http://sarsina.localhost/accoglienza/{world.sarsina.run.slug}/"' in body
    # Events and desks link to their attendance sheet and agenda on the comune's host.
    assert f"http://sarsina.localhost/eventi/{world.sarsina.run_event.pk}/presenze/" in body


def test_the_console_is_for_the_cooperatives_staff_only(world, cesena_admin, citizen, other_organisation):
    for person in (cesena_admin, citizen):
        response = client_on("localhost", person).get("/cooperativa/")
        assert response.status_code == 403 and "personale delle cooperative" in page_text(response)
    # Another cooperative's staff see no hub of this one.
    _organisation, stranger = other_organisation
    response = client_on("localhost", stranger).get("/cooperativa/")
    assert response.status_code == 200
    assert world.cesena.run.name not in page_text(response) and "non ha contratti" in page_text(response)
    assert hubs_run_by(stranger) == {}
    # Anonymous: sent to sign in.
    from django.test import Client

    assert Client(HTTP_HOST="localhost").get("/cooperativa/").status_code == 302


def test_an_ended_contract_leaves_the_console(world):
    from tenants.operators.services import contract_end

    contract_end(contract=world.contracts["sarsina"], by=None)
    sheet = console_sheet(world.staff)
    assert [hub.municipality.slug for hub in sheet.hubs] == ["cesena"]


def test_the_console_speaks_english_when_asked(world):
    client = client_on("localhost", world.staff)
    response = client.get("/cooperativa/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Cooperative console" in page_text(response) and "Open the front desk" in page_text(response)
