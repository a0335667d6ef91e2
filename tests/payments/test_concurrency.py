"""Thirty payers for the last seat, each on its own thread and database connection, through the
real pages, API, Stripe SDK and webhook endpoint: one paid booking, and nobody else charged,
or else refunded in full.

Threads see only committed rows, so this module uses a comune of its own (Montiano), created
once and committed, and removes it at the end (as tests/bookings/test_concurrency.py does).
"""

import json
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from src.bookings.jobs import holds_expire
from src.bookings.models import Booking
from src.bookings.services import booking_create
from src.common.time import local_today
from src.hubs.models import Space
from src.payments.models import Creditor, Order, Payment, Price, Product, Refund
from src.payments.services import order_checkout_start
from tests.bookings.conftest import at, build_hub
from tests.committed import committed_remove, comune_committed, people_committed
from tests.payments.conftest import COOPERATIVE_ACCOUNT
from tests.payments.fakes.stripe_server import WEBHOOK_SECRET, FakeStripe

PAYERS = 30
EMAIL = "pagante{}@example.org"


@pytest.fixture(scope="module")
def montiano(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        municipality = comune_committed("montiano")
        users = people_committed(EMAIL, PAYERS)
        with tenant_context(municipality):
            hub = build_hub("ultimo-posto", seats=1)
            space = hub.spaces.get(name="Coworking")
            seat = space.seats.get()
            cooperative = Creditor.objects.create(
                name="Cooperativa", kind=Creditor.Kind.CARD, stripe_account_id=COOPERATIVE_ACCOUNT
            )
            Price.objects.create(
                creditor=cooperative,
                hub=hub,
                space_kind=Space.Kind.COWORKING,
                product=Product.HALF_DAY,
                amount_cents=700,
            )
        connection.set_schema_to_public()
        yield municipality, space, seat, users
        committed_remove(municipality, emails_like="pagante%@example.org", sessions=_sessions)


_sessions: set[str] = set()


@pytest.fixture
def committed(montiano, django_db_blocker):
    with django_db_blocker.unblock():
        yield montiano
        with tenant_context(montiano[0]), connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM payments_providerevent; DELETE FROM payments_refund; DELETE FROM payments_payment;"
                " DELETE FROM payments_order; DELETE FROM outbox_outboxmessage;"
                " DELETE FROM bookings_bookingtransition; DELETE FROM bookings_booking;"
            )
        connection.set_schema_to_public()


def _client(host: str, user=None) -> Client:
    client = Client(HTTP_HOST=host)
    if user is not None:
        client.force_login(user)
        _sessions.add(client.session.session_key)
    return client


def _all_at_once(work, n: int) -> list:
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        try:
            prepared = work(i, None)
            barrier.wait()
            results[i] = work(i, prepared)
        except Exception as exc:  # reported below, not lost in the thread
            results[i] = ("error", repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    return results


def test_thirty_payers_for_the_last_seat_one_pays(committed, fake_stripe):
    municipality, space, seat, users = committed
    day = local_today() + timedelta(days=2)
    body = {
        "space": space.pk,
        "seat": seat.pk,
        "start": at(day, "10:00").isoformat(),
        "end": at(day, "12:00").isoformat(),
    }
    host = f"{municipality.slug}.localhost"

    def book_and_pay(i, client):
        if client is None:
            return _client(host, users[i])
        response = client.post("/api/v1/bookings/", data=json.dumps(body), content_type="application/json")
        if response.status_code != 201:
            return (response.status_code, response.json().get("code"))
        pay_url = response.json()["payment"]["pay_url"]
        paid = client.post(pay_url.replace(f"http://{host}", "") + "paga/")
        return (201, paid.status_code, paid["Location"])

    results = _all_at_once(book_and_pay, PAYERS)
    winners = [r for r in results if r[0] == 201]
    assert len(winners) == 1, results
    assert sorted(r for r in results if r[0] != 201) == [(409, "conflict")] * (PAYERS - 1), results
    assert winners[0][1] == 302 and winners[0][2].startswith("https://checkout.stripe.test/")
    # Only the winner reached Stripe: one session, nobody else asked to pay.
    [sent] = fake_stripe.created_sessions()
    # The winner pays; the webhook confirms.
    session_id = next(iter(fake_stripe.sessions))
    session = fake_stripe.complete(session_id)
    event = FakeStripe.event("checkout.session.completed", session)
    payload = json.dumps(event)
    response = _client("localhost").post(
        "/pagamenti/stripe/webhook/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=FakeStripe.sign(payload, WEBHOOK_SECRET),
    )
    assert response.status_code == 200, response.content
    with tenant_context(municipality):
        assert Booking.objects.filter(state=Booking.State.CONFIRMED).count() == 1
        assert Order.objects.count() == 1 and Payment.objects.count() == 1 and not Refund.objects.exists()
    assert len(fake_stripe.charged()) == 1 and fake_stripe.refund_requests() == []


def test_thirty_late_payments_for_one_seat_one_keeps_it_the_others_are_refunded(committed, fake_stripe):
    """Thirty holds of the same seat lapsed one after the other, each with its Checkout Session;
    all thirty are paid at the last second and their webhooks arrive at once: one booking is
    confirmed again, twenty-nine payments go back in full, none is lost or kept."""
    municipality, space, seat, users = committed
    day = local_today() + timedelta(days=3)
    sessions = []
    with tenant_context(municipality):
        for user in users:
            booking = booking_create(
                person=user, space=space, seat=seat, period=(at(day, "14:00"), at(day, "16:00")), channel="web"
            )
            order = Order.objects.get(booking_id=booking.pk)
            order_checkout_start(order=order, return_url=f"http://{municipality.slug}.localhost/x/")
            order.refresh_from_db()
            sessions.append(order.external_id)
            Booking.objects.filter(pk=booking.pk).update(hold_expires_at=timezone.now() - timedelta(seconds=1))
            holds_expire()
    connection.set_schema_to_public()
    events = [json.dumps(FakeStripe.event("checkout.session.completed", fake_stripe.complete(s))) for s in sessions]

    def deliver(i, client):
        if client is None:
            return _client("localhost")
        response = client.post(
            "/pagamenti/stripe/webhook/",
            data=events[i],
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=FakeStripe.sign(events[i], WEBHOOK_SECRET),
        )
        return (response.status_code, response.json().get("outcome"))

    results = _all_at_once(deliver, PAYERS)
    assert results == [(200, "applied")] * PAYERS, results
    with tenant_context(municipality):
        assert Booking.objects.filter(state=Booking.State.CONFIRMED).count() == 1
        assert Payment.objects.count() == PAYERS
        refunds = list(Refund.objects.all())
        assert len(refunds) == PAYERS - 1
        assert {(r.amount_cents, r.reason, r.state) for r in refunds} == {(700, "place_taken", "done")}
        kept = Payment.objects.exclude(refunds__isnull=False).get()
        assert Booking.objects.get(state=Booking.State.CONFIRMED).pk == kept.order.booking_id
    assert len(fake_stripe.refund_requests()) == PAYERS - 1
