"""The one Stripe webhook endpoint: signatures and their age, each event once, out-of-order
delivery, connected accounts' events routed by their account, never a payment lost."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from src.bookings.jobs import holds_expire
from src.bookings.models import Booking
from src.bookings.services import booking_create
from src.outbox.models import OutboxMessage
from src.payments.models import Creditor, Order, Payment, ProviderEvent, Refund
from tests.conftest import host_client
from tests.fixtures import UserFactory
from tests.payments.conftest import COOPERATIVE_ACCOUNT, OTHER_ACCOUNT, period, stripe_event_post
from tests.payments.fakes.stripe_server import CONNECT_WEBHOOK_SECRET


@pytest.fixture
def held(prices, meeting, payer, day, fake_stripe):
    """A room held for `payer`, with its Checkout Session created at Stripe."""
    booking = booking_create(person=payer, space=meeting, seat=None, period=period(day), channel="web")
    order = Order.objects.get(booking_id=booking.pk)
    host_client("cesena.localhost", payer).post(f"/pagamenti/{order.reference}/paga/")
    order.refresh_from_db()
    return booking, order


def _state(booking) -> str:
    return Booking.objects.get(pk=booking.pk).state


def test_a_forged_signature_is_refused_and_changes_nothing(held, fake_stripe):
    booking, order = held
    session = fake_stripe.complete(order.external_id)
    event = fake_stripe.event("checkout.session.completed", session)
    union = host_client("localhost")
    forged = stripe_event_post(union, event, secret="whsec_someone_else")
    missing = stripe_event_post(union, event, signature="")
    garbage = stripe_event_post(union, event, signature="t=1,v1=deadbeef")
    assert [forged.status_code, missing.status_code, garbage.status_code] == [400, 400, 400]
    assert forged.json()["code"] == "bad_signature"
    assert _state(booking) == Booking.State.HELD
    assert not Payment.objects.exists() and not ProviderEvent.objects.exists()
    assert Order.objects.get(pk=order.pk).state == Order.State.OPEN


def test_a_stale_signature_is_refused_and_changes_nothing(held, fake_stripe):
    booking, order = held
    session = fake_stripe.complete(order.external_id)
    event = fake_stripe.event("checkout.session.completed", session)
    # Correctly signed, ten minutes ago: outside the 5-minute tolerance (a replay).
    response = stripe_event_post(host_client("localhost"), event, timestamp=int(time.time()) - 600)
    assert response.status_code == 400
    assert _state(booking) == Booking.State.HELD
    assert not Payment.objects.exists() and not ProviderEvent.objects.exists()


def test_a_duplicated_event_has_one_effect(held, fake_stripe):
    booking, order = held
    event = fake_stripe.event("checkout.session.completed", fake_stripe.complete(order.external_id))
    union = host_client("localhost")
    first = stripe_event_post(union, event)
    second = stripe_event_post(union, event)
    assert (first.json()["outcome"], second.json()["outcome"]) == ("applied", "duplicate")
    assert Payment.objects.filter(order=order).count() == 1
    assert ProviderEvent.objects.filter(event_id=event["id"]).count() == 1
    assert OutboxMessage.objects.filter(kind="payments.received").count() == 1
    transitions = Booking.objects.get(pk=booking.pk).transitions.filter(to_state=Booking.State.CONFIRMED)
    assert transitions.count() == 1


def test_the_platform_and_connect_secrets_both_verify(held, fake_stripe):
    booking, order = held
    event = fake_stripe.event("checkout.session.completed", fake_stripe.complete(order.external_id))
    response = stripe_event_post(host_client("localhost"), event, secret=CONNECT_WEBHOOK_SECRET)
    assert response.status_code == 200
    assert _state(booking) == Booking.State.CONFIRMED


def _lapse(booking):
    """The hold lapses and the bookings' job releases it."""
    Booking.objects.filter(pk=booking.pk).update(hold_expires_at=timezone.now() - timedelta(minutes=1))
    assert holds_expire() == 1
    assert _state(booking) == Booking.State.CANCELLED


def test_completed_after_expired_reconfirms_when_the_place_is_still_free(held, fake_stripe):
    booking, order = held
    _lapse(booking)
    # The customer paid at the last second; Stripe's events arrive out of order: the stale
    # "expired" first, then "completed". Each is read again from Stripe: paid.
    session = fake_stripe.complete(order.external_id)
    expired = fake_stripe.event(
        "checkout.session.expired", {**session, "status": "expired", "payment_status": "unpaid"}
    )
    completed = fake_stripe.event("checkout.session.completed", session)
    union = host_client("localhost")
    assert stripe_event_post(union, expired).status_code == 200
    assert stripe_event_post(union, completed).status_code == 200
    assert _state(booking) == Booking.State.CONFIRMED
    payment = Payment.objects.get(order=order)
    assert payment.late and not payment.refunds.exists()
    assert fake_stripe.refund_requests() == []


def test_completed_after_expired_refunds_when_the_place_was_taken(
    held, fake_stripe, meeting, day, django_capture_on_commit_callbacks
):
    booking, order = held
    _lapse(booking)
    other = booking_create(
        person=UserFactory(home_municipality_id=None),
        space=meeting,
        seat=None,
        period=period(day, "11:00", "12:00"),
        channel="front_desk",
    )
    session = fake_stripe.complete(order.external_id)
    with django_capture_on_commit_callbacks(execute=True):
        response = stripe_event_post(host_client("localhost"), fake_stripe.event("checkout.session.completed", session))
    assert response.status_code == 200
    # The money is not kept and not lost: refunded in full, the transfer to the cooperative reversed.
    assert _state(booking) == Booking.State.CANCELLED
    assert _state(other) == Booking.State.CONFIRMED
    payment = Payment.objects.get(order=order)
    refund = Refund.objects.get(payment=payment)
    assert (refund.amount_cents, refund.reason, refund.state) == (3000, Refund.Reason.PLACE_TAKEN, Refund.State.DONE)
    [sent] = fake_stripe.refund_requests()
    assert sent["params"]["reverse_transfer"] == "true"
    assert sent["params"]["payment_intent"] == payment.external_id
    assert sent["headers"]["idempotency-key"] == f"cesena-refund-{refund.pk}"


def test_an_event_is_applied_later_if_stripe_cannot_be_asked(held, fake_stripe):
    booking, order = held
    event = fake_stripe.event("checkout.session.completed", fake_stripe.complete(order.external_id))
    fake_stripe.down = True
    response = stripe_event_post(host_client("localhost"), event)
    assert response.status_code == 503  # Stripe will deliver it again
    assert not ProviderEvent.objects.exists() and _state(booking) == Booking.State.HELD
    fake_stripe.down = False
    assert stripe_event_post(host_client("localhost"), event).json()["outcome"] == "applied"
    assert _state(booking) == Booking.State.CONFIRMED


def test_connected_account_events_are_routed_by_their_account(held, fake_stripe, prices):
    booking, order = held
    union = host_client("localhost")
    # The cooperative's account can no longer take charges: its creditor in Cesena knows.
    account = {"id": COOPERATIVE_ACCOUNT, "object": "account", "charges_enabled": False}
    event = fake_stripe.event("account.updated", account, account=COOPERATIVE_ACCOUNT)
    assert stripe_event_post(union, event, secret=CONNECT_WEBHOOK_SECRET).json()["outcome"] == "account"
    assert not Creditor.objects.get(pk=prices["cooperative"].pk).charges_enabled
    # Another account's event that names this order is not this order's: ignored.
    session = fake_stripe.complete(order.external_id)
    foreign = fake_stripe.event("checkout.session.completed", session, account=OTHER_ACCOUNT)
    assert stripe_event_post(union, foreign, secret=CONNECT_WEBHOOK_SECRET).json()["outcome"] == "ignored"
    assert _state(booking) == Booking.State.HELD and not Payment.objects.exists()


def test_an_event_for_an_unknown_comune_or_order_is_acknowledged_and_ignored(fake_stripe, db):
    union = host_client("localhost")
    ghost = {"id": "cs_test_x", "object": "checkout.session", "metadata": {"comune": "atlantide", "order": "AAAAAAAA"}}
    assert (
        stripe_event_post(union, fake_stripe.event("checkout.session.completed", ghost)).json()["outcome"] == "ignored"
    )
    bad = stripe_event_post(union, {"id": "evt_1", "type": "x"})
    assert bad.status_code == 400 and bad.json()["code"] == "bad_event"
