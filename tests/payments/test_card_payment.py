"""A paid booking by card: held while the payment is open, the session is a destination charge
to the creditor's connected account, confirmed when Stripe says it is paid."""

from datetime import timedelta

from src.bookings.models import Booking
from src.bookings.services import booking_create
from src.payments.models import Order, Payment
from tests.conftest import drain_outbox, host_client
from tests.payments.conftest import COOPERATIVE_ACCOUNT, period, stripe_event_post


def _book_room(payer, meeting, day):
    return booking_create(person=payer, space=meeting, seat=None, period=period(day), channel="web")


def test_a_room_with_a_price_is_held_with_its_order(prices, meeting, payer, day):
    booking = _book_room(payer, meeting, day)
    assert booking.state == Booking.State.HELD
    order = Order.objects.get(booking_id=booking.pk)
    # Two hours at 15 € to the cooperative, by card, for as long as the hold lasts.
    assert (order.amount_cents, order.provider, order.destination) == (3000, "stripe", COOPERATIVE_ACCOUNT)
    assert order.expires_at == booking.hold_expires_at
    assert booking.hold_expires_at - booking.created_at >= timedelta(minutes=30)  # Stripe's shortest session


def test_the_session_sent_to_stripe_names_the_creditors_account(prices, meeting, payer, day, fake_stripe, cesena):
    booking = _book_room(payer, meeting, day)
    order = Order.objects.get(booking_id=booking.pk)
    client = host_client("cesena.localhost", payer)
    response = client.post(f"/pagamenti/{order.reference}/paga/")
    assert response.status_code == 302 and response["Location"].startswith("https://checkout.stripe.test/")
    [sent] = fake_stripe.created_sessions()
    params = sent["params"]
    # What Stripe received: a destination charge to the creditor's account, nobody else's.
    assert params["payment_intent_data"]["transfer_data"]["destination"] == COOPERATIVE_ACCOUNT
    assert params["line_items"][0]["price_data"]["unit_amount"] == "3000"
    assert int(params["expires_at"]) == int(booking.hold_expires_at.timestamp())
    assert params["metadata"] == {"comune": "cesena", "order": order.reference, "order_id": str(order.pk)}
    assert sent["headers"]["idempotency-key"].startswith(f"cesena-order-{order.pk}-checkout-")
    # Asking again gives the same session: no second one is created.
    client.post(f"/pagamenti/{order.reference}/paga/")
    assert len(fake_stripe.created_sessions()) == 1


def test_paid_at_stripe_the_webhook_confirms_and_a_receipt_is_sent(
    prices, meeting, payer, day, fake_stripe, cesena, mailoutbox
):
    booking = _book_room(payer, meeting, day)
    order = Order.objects.get(booking_id=booking.pk)
    host_client("cesena.localhost", payer).post(f"/pagamenti/{order.reference}/paga/")
    order.refresh_from_db()
    session = fake_stripe.complete(order.external_id)
    response = stripe_event_post(host_client("localhost"), fake_stripe.event("checkout.session.completed", session))
    assert response.status_code == 200, response.content
    booking.refresh_from_db()
    assert booking.state == Booking.State.CONFIRMED
    payment = Payment.objects.get(order=order)
    assert (payment.amount_cents, payment.destination) == (3000, COOPERATIVE_ACCOUNT)
    drain_outbox(cesena)
    subjects = [m.subject for m in mailoutbox]
    assert f"Ricevuta di pagamento: {order.reference}" in subjects
    assert any(s.startswith("Prenotazione confermata") for s in subjects)


def test_coming_back_from_stripe_confirms_without_waiting_for_the_webhook(prices, meeting, payer, day, fake_stripe):
    booking = _book_room(payer, meeting, day)
    order = Order.objects.get(booking_id=booking.pk)
    client = host_client("cesena.localhost", payer)
    client.post(f"/pagamenti/{order.reference}/paga/")
    order.refresh_from_db()
    fake_stripe.complete(order.external_id)
    response = client.get(f"/pagamenti/{order.reference}/esito/", {"esito": "ok"}, follow=True)
    assert "Pagamento ricevuto" in response.content.decode()
    booking.refresh_from_db()
    assert booking.state == Booking.State.CONFIRMED
