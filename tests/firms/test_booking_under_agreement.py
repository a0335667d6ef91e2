"""Booking under a firm's agreement, in any comune: the booking records the agreement, the
allowance is days per month (two bookings on one day take one), a cancellation gives the day
back, and the citizen sees "coperto dalla convenzione <firm>"."""

from datetime import timedelta

import pytest
from django.db import connection

from src.bookings.models import Booking
from src.bookings.services import booking_cancel, booking_create
from src.common.errors import Conflict
from tenants.firms.models import AgreementHub, AgreementUse, AllowanceMonth
from tests.bookings.conftest import at, period
from tests.conftest import host_client, page_text

FAR = 30  # days ahead: tests book with a `now` well before


def _book(person, hub, day, start="10:00", end="12:00", seat=0, **kwargs):
    space = hub.spaces.get(name="Coworking")
    seats = list(space.seats.order_by("label"))
    return booking_create(
        person=person,
        space=space,
        seat=seats[seat],
        period=period(day, start, end),
        channel="web",
        now=at(day - timedelta(days=1), "08:00"),
        **kwargs,
    )


def _day(offset=0):
    from src.common.time import local_today

    first = (local_today().replace(day=1) + timedelta(days=40)).replace(day=1)  # next month but one, day 1
    return first + timedelta(days=offset)


def test_a_cesena_employee_books_in_sarsina_under_a_union_agreement(employee, agreement, firm, sarsina_hub, sarsina):
    booking = _book(employee, sarsina_hub, _day(2))
    assert booking.agreement_id == agreement.pk
    assert booking.agreement_terms["firm"] == "Savio Logistica S.p.A."
    assert booking.agreement_terms["payer"] == "firm" and booking.agreement_terms["amount_cents"] == 1000
    use = AgreementUse.objects.get(booking_code=booking.code)
    assert use.municipality == sarsina and use.counts_day and use.amount_cents == 1000
    connection.set_schema_to_public()

    client = host_client("sarsina.localhost", employee)
    detail = page_text(client.get(f"/prenotazioni/{booking.code}/"))
    assert "Coperto dalla convenzione Savio Logistica S.p.A." in detail
    mine = page_text(client.get("/prenotazioni/"))
    assert "Coperto dalla convenzione Savio Logistica S.p.A." in mine
    union = page_text(host_client("localhost", employee).get("/account/prenotazioni/"))
    assert "Coperto dalla convenzione Savio Logistica S.p.A." in union
    api = client.get("/api/v1/bookings/").json()
    assert api[0]["agreement"] == agreement.pk and api[0]["agreement_firm"] == "Savio Logistica S.p.A."


def test_a_person_not_enrolled_books_without_agreement(citizen, agreement, sarsina_hub):
    booking = _book(citizen, sarsina_hub, _day(2))
    assert booking.agreement_id is None and booking.agreement_terms is None


def test_a_comune_agreement_covers_only_its_comune_and_a_hub_list_only_its_hubs(
    employee, firm, cesena, sarsina, sarsina_hub
):
    from tests.firms.conftest import make_agreement

    make_agreement(firm, municipality=cesena, title="Solo Cesena")
    assert _book(employee, sarsina_hub, _day(2)).agreement_id is None
    listed = make_agreement(firm, title="Solo un altro hub", all_hubs=False)
    AgreementHub.objects.create(agreement=listed, municipality=sarsina, hub_id=sarsina_hub.pk + 1000)
    assert _book(employee, sarsina_hub, _day(3)).agreement_id is None
    AgreementHub.objects.create(agreement=listed, municipality=sarsina, hub_id=sarsina_hub.pk)
    assert _book(employee, sarsina_hub, _day(4)).agreement_id == listed.pk


def test_days_not_bookings_and_a_cancellation_returns_the_day(employee, agreement, sarsina_hub):
    agreement.allowance_days = 2
    agreement.save()
    morning = _book(employee, sarsina_hub, _day(1), "09:00", "11:00")
    afternoon = _book(employee, sarsina_hub, _day(1), "15:00", "17:00")  # same day: no second day taken
    assert afternoon.agreement_id == agreement.pk and afternoon.agreement_terms["counts_day"] is False
    assert afternoon.agreement_terms["amount_cents"] == 0
    second_day = _book(employee, sarsina_hub, _day(2))
    assert AllowanceMonth.objects.get(agreement=agreement).days_used == 2

    with pytest.raises(Conflict) as refused:
        _book(employee, sarsina_hub, _day(3))
    assert refused.value.code == "allowance_exhausted"
    assert "Hai già usato i 2 giorni" in str(refused.value.message)
    # At their own cost, the same booking goes through.
    own = _book(employee, sarsina_hub, _day(3), use_agreement=False)
    assert own.agreement_id is None

    # Cancelling the morning: the afternoon still uses that day (and now carries its cost).
    booking_cancel(booking=morning, actor=employee, channel="web", now=at(_day(0), "08:00"))
    assert AllowanceMonth.objects.get(agreement=agreement).days_used == 2
    assert AgreementUse.objects.get(booking_code=afternoon.code).counts_day
    # Cancelling the second day gives it back: a third day fits again.
    booking_cancel(booking=second_day, actor=employee, channel="web", now=at(_day(0), "08:00"))
    assert AllowanceMonth.objects.get(agreement=agreement).days_used == 1
    third = _book(employee, sarsina_hub, _day(4), seat=1)
    assert third.agreement_id == agreement.pk
    assert AllowanceMonth.objects.get(agreement=agreement).days_used == 2
    assert Booking.objects.get(pk=morning.pk).state == "cancelled"
