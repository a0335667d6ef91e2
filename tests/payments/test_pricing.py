"""The price list: free by default, the most specific price, reduced and zero categories taken
only from what the platform trusts, carnets and memberships consumed atomically, refunds on
cancellation as the comune's rules say."""

from datetime import timedelta

import pytest
from django.utils import timezone

from src.bookings.models import Booking
from src.bookings.services import booking_cancel, booking_create
from src.common.charging import booking_quote
from src.common.errors import Conflict
from src.payments.models import Order, Pass, PassUse, PaymentSettings, Price, Product, Refund
from src.payments.pricing import birth_date, booking_price
from src.payments.services import order_sync, pass_consume
from tests.bookings.conftest import build_hub
from tests.conftest import host_client, page_text
from tests.fixtures import UserFactory
from tests.payments.conftest import period, stripe_event_post


def _quote(person, space, seat, day, start="10:00", end="12:00"):
    a, b = period(day, start, end)
    return booking_quote(person=person, space=space, seat=seat, start=a, end=b, channel="web")


def test_a_hub_without_prices_stays_free(in_cesena, payer, day):
    free = build_hub("hub-gratis")
    space = free.spaces.get(name="Coworking")
    booking = booking_create(person=payer, space=space, seat=space.seats.first(), period=period(day), channel="web")
    assert booking.state == Booking.State.CONFIRMED
    assert not Order.objects.exists()


def test_half_day_day_and_hourly(prices, cowork, meeting, seats, payer, day):
    assert _quote(payer, cowork, seats[0], day).amount_cents == 600  # 2 hours: half day
    PaymentSettings.objects.update_or_create(pk=1, defaults={"half_day_max_hours": 1})
    assert _quote(payer, cowork, seats[0], day).amount_cents == 1000  # past the half day: the day pass
    assert _quote(payer, meeting, None, day, "10:00", "13:00").amount_cents == 4500  # a room: 3 × 15 €


def test_residents_pay_nothing_and_under_35s_less(prices, cowork, seats, payer, young_payer, day, cesena):
    PaymentSettings.objects.update_or_create(pk=1, defaults={"half_day_max_hours": 1})
    resident = UserFactory(home_municipality=cesena)
    assert _quote(resident, cowork, seats[0], day).amount_cents == 0
    booking = booking_create(person=resident, space=cowork, seat=seats[0], period=period(day), channel="web")
    assert booking.state == Booking.State.CONFIRMED and not Order.objects.exists()
    # Born in 2002 according to the fiscal code SPID verified: the under-35 price.
    young = _quote(young_payer, cowork, seats[1], day)
    assert young.amount_cents == 500 and "under 35" in young.label
    # The same birth year typed by hand proves nothing (and pagoPA would not take it either).
    typed = UserFactory(fiscal_code="VRDLGU02M41C573E")
    start, end = period(day)
    assert booking_price(person=typed, space=cowork, seat=seats[1], start=start, end=end).final_cents == 1000


def test_birth_dates_from_fiscal_codes():
    today = timezone.localdate().replace(year=2026, month=6, day=1)
    assert str(birth_date("VRDLGU02M41C573E", today=today)) == "2002-08-01"  # a woman: day + 40
    assert str(birth_date("RSSMRA60A01H199H", today=today)) == "1960-01-01"
    assert str(birth_date("RSSMRA6LA0MH199H", today=today)) == "1960-01-01"  # omocodia
    assert birth_date("short", today=today) is None


def test_a_hubs_own_price_wins_over_the_comunes(prices, cowork, seats, payer, day):
    Price.objects.create(creditor=prices["comune"], hub=None, space_kind="", product=Product.HALF_DAY, amount_cents=200)
    assert _quote(payer, cowork, seats[0], day).amount_cents == 600
    other = build_hub("hub-altro")
    space = other.spaces.get(name="Coworking")
    assert _quote(payer, space, space.seats.first(), day).amount_cents == 200


def _bought_carnet(prices, person, entries=2) -> Pass:
    order = Order.objects.create(
        reference="CARNET01",
        kind=Order.Kind.PASS,
        creditor=prices["comune"],
        provider="pagopa",
        destination=prices["comune"].fiscal_code,
        payer_fiscal_code=person.fiscal_code_verified,
        description="carnet",
        amount_cents=4000,
        state=Order.State.PAID,
        price=prices["carnet"],
    )
    today = timezone.localdate()
    return Pass.objects.create(
        person=person,
        order=order,
        product=Product.CARNET,
        hub=prices["carnet"].hub,
        space_kind="coworking",
        entries_total=entries,
        entries_left=entries,
        valid_from=today,
        valid_until=today + timedelta(days=365),
    )


def test_a_carnet_covers_seats_entry_by_entry_and_cancelling_in_time_gives_it_back(prices, cowork, seats, payer, day):
    carnet = _bought_carnet(prices, payer)
    first = booking_create(person=payer, space=cowork, seat=seats[0], period=period(day), channel="web")
    second = booking_create(
        person=payer, space=cowork, seat=seats[0], period=period(day + timedelta(days=1)), channel="web"
    )
    assert first.state == second.state == Booking.State.CONFIRMED
    assert not Order.objects.filter(kind=Order.Kind.BOOKING).exists()
    carnet.refresh_from_db()
    assert carnet.entries_left == 0
    # Used up: the next one is paid again.
    third = booking_create(
        person=payer, space=cowork, seat=seats[1], period=period(day + timedelta(days=2)), channel="web"
    )
    assert third.state == Booking.State.HELD and Order.objects.filter(booking_id=third.pk).exists()
    booking_cancel(booking=first, actor=payer, channel="web")
    carnet.refresh_from_db()
    assert carnet.entries_left == 1
    assert PassUse.objects.get(booking_id=first.pk).returned_at is not None


def test_the_last_entry_of_a_carnet_is_taken_once(prices, payer):
    carnet = _bought_carnet(prices, payer, entries=2)
    carnet.entries_left = 1
    carnet.save()
    day = timezone.localdate()
    pass_consume(pass_id=carnet.pk, booking_id=900001, day=day, now=timezone.now())
    with pytest.raises(Conflict):
        pass_consume(pass_id=carnet.pk, booking_id=900002, day=day, now=timezone.now())
    assert Pass.objects.get(pk=carnet.pk).entries_left == 0


def test_buying_a_carnet_by_pagopa_gives_the_pass(prices, payer, fake_pagopa):
    client = host_client("cesena.localhost", payer)
    response = client.post("/pagamenti/carnet-e-abbonamenti/", {"price": prices["carnet"].pk})
    order = Order.objects.get(kind=Order.Kind.PASS, person=payer)
    assert response["Location"] == f"/pagamenti/{order.reference}/"
    client.get(f"/pagamenti/{order.reference}/avviso/")
    fake_pagopa.pay(order.notice_number)
    order_sync(order=order)
    carnet = Pass.objects.get(order=order)
    assert (carnet.entries_left, carnet.entries_total) == (5, 5)
    assert "restano 5 ingressi" in page_text(client.get("/pagamenti/carnet-e-abbonamenti/"))


def _paid_room(meeting, payer, day, fake_stripe):
    booking = booking_create(person=payer, space=meeting, seat=None, period=period(day), channel="web")
    order = Order.objects.get(booking_id=booking.pk)
    host_client("cesena.localhost", payer).post(f"/pagamenti/{order.reference}/paga/")
    order.refresh_from_db()
    session = fake_stripe.complete(order.external_id)
    stripe_event_post(host_client("localhost"), fake_stripe.event("checkout.session.completed", session))
    booking.refresh_from_db()
    assert booking.state == Booking.State.CONFIRMED
    return booking, order


@pytest.mark.parametrize(
    ("hours_before", "refunded"),
    [(72, 3000), (10, 1500), (1, 3000)],
    ids=["two-days-ahead-all-back", "hours-ahead-half-back", "the-comune-cancels-late-all-back"],
)
def test_cancelling_refunds_as_the_rules_say(
    prices, meeting, payer, fake_stripe, hours_before, refunded, django_capture_on_commit_callbacks
):
    # Rules: everything back 48 hours ahead, half from 2 hours ahead, nothing later.
    day = timezone.localdate() + timedelta(days=5)
    booking, order = _paid_room(meeting, payer, day, fake_stripe)
    when = booking.start - timedelta(hours=hours_before)
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booking, actor=payer, channel="web", now=when, by_staff=hours_before < 2)
    # (Only the comune's staff may cancel that late: when the comune calls it off, all comes back.)
    assert [r.amount_cents for r in Refund.objects.filter(payment__order=order)] == [refunded]
    [sent] = fake_stripe.refund_requests()
    assert (sent["params"]["amount"], sent["params"]["reverse_transfer"]) == (str(refunded), "true")
