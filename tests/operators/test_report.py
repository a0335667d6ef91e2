"""The monthly activity report of a contract: figures, CSV safe for spreadsheets, who may read it."""

import csv
import io
from datetime import date, time, timedelta

from django.db import connection
from django_tenants.utils import tenant_context
from psycopg2.extras import DateTimeTZRange

from src.appointments.models import Appointment
from src.bookings.models import Booking
from src.common.time import local_datetime
from src.events.models import Event, EventRegistration
from src.hubs.models import Hub
from tenants.operators.models import ServiceContract
from tenants.operators.report import contract_report
from tests.conftest import page_text
from tests.fixtures import UserFactory
from tests.operators.test_power import client_on

MONTH = date(2026, 3, 1)  # a whole month before "today" is irrelevant: the contract covers it


def _month_of_activity(side, people):
    """In March 2026: 3 bookings (1 checked in, 1 no-show, 1 cancelled), 2 appointments (1 attended),
    1 event with 2 registrations (1 attended); the same in the hub the cooperative does not run."""
    with tenant_context(side.municipality):
        for hub, desk, event, prefix in (
            (side.run, side.run_desk, side.run_event, "RP"),
            (side.other, side.other_desk, side.other_event, "RO"),
        ):
            space = hub.spaces.get(name="Coworking")
            seat = space.seats.order_by("label").first()
            for n, state in enumerate(("completed", "no_show", "cancelled")):
                day = MONTH + timedelta(days=2 + n)
                Booking.objects.create(
                    code=f"{prefix}{side.municipality.slug[:2].upper()}{n:04d}",
                    person=people[n],
                    hub=hub,
                    space=space,
                    seat=seat,
                    period=DateTimeTZRange(local_datetime(day, time(9)), local_datetime(day, time(11))),
                    state=state,
                )
            for n, state in enumerate(("attended", "no_show")):
                begins = local_datetime(MONTH + timedelta(days=5), time(9 + n))
                Appointment.objects.create(
                    desk=desk,
                    code=f"{prefix}{side.municipality.slug[:1].upper()}A{n:04d}",
                    period=DateTimeTZRange(begins, begins + timedelta(minutes=30)),
                    topic="SPID",
                    applicant_name="Richiedente",
                    email="r@example.org",
                    state=state,
                )
            starts = local_datetime(MONTH + timedelta(days=10), time(18))
            Event.objects.filter(pk=event.pk).update(starts_at=starts, ends_at=starts + timedelta(hours=2))
            for person, state in zip(people, ("attended", "registered")):
                EventRegistration.objects.create(event=event, person=person, state=state)
    connection.set_schema_to_public()


def test_the_monthly_report_counts_the_contracts_hubs(world):
    people = [UserFactory() for _ in range(3)]
    _month_of_activity(world.sarsina, people)
    contract = world.contracts["sarsina"]
    ServiceContract.objects.filter(pk=contract.pk).update(valid_from=date(2026, 1, 1))
    contract.refresh_from_db()

    report = contract_report(contract, MONTH)
    assert [row.name for row in report.rows] == [world.sarsina.run.name]  # only the hub it runs
    figures = report.rows[0].figures
    assert figures == {
        "hours_open": 31 * 12,  # open 08-20 every day of March
        "bookings": 3,
        "cancelled": 1,
        "checked_in": 1,
        "no_show": 1,
        "appointments": 2,
        "appointments_attended": 1,
        "events": 1,
        "registrations": 2,
        "attendance": 1,
    }
    # A contract that began on the 16th counts from the 16th: nothing of the first half.
    ServiceContract.objects.filter(pk=contract.pk).update(valid_from=date(2026, 3, 16))
    contract.refresh_from_db()
    half = contract_report(contract, MONTH)
    assert half.days == 16 and half.rows[0].figures["bookings"] == 0 and half.rows[0].figures["hours_open"] == 16 * 12


def test_report_page_and_csv_for_the_cooperative_and_the_comune(world, sarsina_admin, cesena_admin, other_organisation):
    contract = world.contracts["sarsina"]
    ServiceContract.objects.filter(pk=contract.pk).update(valid_from=date(2026, 1, 1))
    with tenant_context(world.sarsina.municipality):
        Hub.objects.filter(pk=world.sarsina.run.pk).update(name='=HYPERLINK("http://x.example")')
    connection.set_schema_to_public()

    staff = client_on("localhost", world.staff)
    page = staff.get(f"/cooperativa/contratti/{contract.pk}/attivita/?mese=2026-03")
    assert page.status_code == 200
    assert "Rapporto mensile di attività" in page_text(page) and "marzo 2026" in page_text(page).lower()
    assert "<svg" in page.content.decode()  # the chart, drawn on the server
    response = staff.get(f"/cooperativa/contratti/{contract.pk}/attivita/2026-03.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Comune", "Cooperativa", "Mese", "Hub"] and "Check-in" in rows[0]
    assert rows[1][3] == '\'=HYPERLINK("http://x.example")'  # neutralised for spreadsheets
    assert rows[1][4] == "372" and rows[-1][3] == "Totale"

    # The comune's administrator, on the comune's host.
    comune = client_on("sarsina.localhost", sarsina_admin)
    assert comune.get(f"/gestione/contratti/{contract.pk}/attivita/?mese=2026-03").status_code == 200
    assert comune.get(f"/gestione/contratti/{contract.pk}/attivita/2026-03.csv").status_code == 200

    # Nobody else: another cooperative, another comune's administrator, ids guessed on the union site.
    _organisation, stranger = other_organisation
    for person in (stranger, cesena_admin):
        client = client_on("localhost", person)
        assert client.get(f"/cooperativa/contratti/{contract.pk}/attivita/").status_code == 404
        assert client.get(f"/cooperativa/contratti/{contract.pk}/attivita/2026-03.csv").status_code == 404
    # A month that is no month: a clear 404, not a crash.
    assert staff.get(f"/cooperativa/contratti/{contract.pk}/attivita/2026-13.csv").status_code == 404
    assert staff.get(f"/cooperativa/contratti/{contract.pk}/attivita/?mese=marzo").status_code == 404


def test_the_staff_see_their_organisations_contracts(world, other_organisation):
    response = client_on("localhost", world.staff).get("/cooperativa/contratti/")
    assert response.status_code == 200
    assert {c.pk for c, _names in response.context["contracts"]} == {c.pk for c in world.contracts.values()}
    _organisation, stranger = other_organisation
    response = client_on("localhost", stranger).get("/cooperativa/contratti/")
    assert response.status_code == 200 and list(response.context["contracts"]) == []
