"""Twenty bookings by one employee at the same instant, on twenty days of one month, each on
its own thread and connection (real transactions), against an allowance of 3 days: exactly
3 go through under the agreement, the others get a 409 that says why.

Threads see committed rows only, so this module commits a comune of its own (Bagno di
Romagna), a firm, an agreement and an employee, and removes them at the end.
"""

import json
import threading
from datetime import date, timedelta

import pytest
from django.db import connection, connections
from django.test import Client

from src.bookings.models import Booking
from src.bookings.selectors import policy_get
from src.common.time import local_today
from tenants.comuni.models import Municipality
from tenants.firms.models import Agreement, AgreementUse, AllowanceMonth, Enrolment, Firm, WorkSite
from tests.bookings.conftest import at, build_hub
from tests.committed import comune_committed, people_committed

RACERS = 20
EMAIL = "corsa.convenzione@example.org"


@pytest.fixture(scope="module")
def race(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        municipality = comune_committed("bagno-di-romagna")
        [user] = people_committed(EMAIL, 1)
        firm = Firm.objects.create(name="Corsa S.r.l.", tax_code="01234567897", size_band="100-249")
        site = WorkSite.objects.create(firm=firm, name="Sede", address="Via 1", istat_code="040007")
        Enrolment.objects.create(firm=firm, user=user, site=site, state="active")
        agreement = Agreement.objects.create(
            firm=firm, title="Tre giorni", valid_from=date(2020, 1, 1), state="active", allowance_days=3
        )
        connection.set_tenant(municipality)
        hub = build_hub("corsa", seats=2)
        space = hub.spaces.get(name="Coworking")
        seat = space.seats.order_by("label").first()
        policy = policy_get()
        policy.max_active_per_person, policy.max_days_ahead = 100, 90
        policy.save()
        connection.set_schema_to_public()
        yield municipality, space, seat, user, agreement
        connections.close_all()
        connection.set_tenant(municipality)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM bookings_bookingtransition; DELETE FROM bookings_booking;")
        connection.set_schema_to_public()
        AgreementUse.objects.filter(agreement=agreement).delete()
        AllowanceMonth.objects.filter(agreement=agreement).delete()
        agreement.delete()
        Enrolment.objects.filter(firm=firm).delete()
        site.delete()
        firm.delete()
        Municipality.objects.get(pk=municipality.pk).delete(force_drop=True)
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM django_session")
            cursor.execute("DELETE FROM identity_user WHERE email = %s", [EMAIL])


def test_twenty_at_once_against_three_days_give_three(race, django_db_blocker):
    municipality, space, seat, user, agreement = race
    first = (local_today().replace(day=1) + timedelta(days=32)).replace(day=1)  # next month: all in one month
    days = [first + timedelta(days=n) for n in range(RACERS)]
    barrier = threading.Barrier(RACERS)
    results: list = [None] * RACERS

    def run(index):
        try:
            client = Client(HTTP_HOST=f"{municipality.slug}.localhost")
            client.force_login(user)  # a citizen: force_login is fine
            body = {
                "space": space.pk,
                "seat": seat.pk,
                "start": at(days[index], "10:00").isoformat(),
                "end": at(days[index], "11:00").isoformat(),
            }
            barrier.wait()
            response = client.post("/api/v1/bookings/", data=json.dumps(body), content_type="application/json")
            results[index] = (response.status_code, response.json())
        except Exception as exc:  # reported below, not lost in the thread
            results[index] = (0, {"detail": repr(exc)})
        finally:
            connection.close()

    with django_db_blocker.unblock():
        threads = [threading.Thread(target=run, args=(i,)) for i in range(RACERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        statuses = sorted(status for status, _body in results)
        assert statuses == [201] * 3 + [409] * (RACERS - 3), results
        assert all(body["agreement"] == agreement.pk for status, body in results if status == 201)
        refusals = [body for status, body in results if status == 409]
        assert {body["code"] for body in refusals} == {"allowance_exhausted"}
        assert "Hai già usato i 3 giorni" in refusals[0]["detail"]
        assert AllowanceMonth.objects.get(agreement=agreement).days_used == 3
        assert AgreementUse.objects.filter(agreement=agreement, counts_day=True, released_at=None).count() == 3
        connection.set_tenant(municipality)
        try:
            assert Booking.objects.filter(agreement_id=agreement.pk, state="confirmed").count() == 3
            assert Booking.objects.count() == 3
        finally:
            connection.set_schema_to_public()
