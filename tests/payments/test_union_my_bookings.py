"""The union's "le mie prenotazioni" shows what a booking owes, with where to pay, as the comune's page."""

from django.db import connection

from src.bookings.services import booking_create
from src.payments.models import Order
from tests.conftest import host_client, page_text
from tests.payments.conftest import period


def test_the_union_page_shows_what_is_owed_and_where_to_pay(prices, meeting, payer, day, cesena, make_user):
    booking = booking_create(person=payer, space=meeting, seat=None, period=period(day), channel="web")
    order = Order.objects.get(booking_id=booking.pk)
    connection.set_schema_to_public()

    page = host_client("localhost", payer).get("/account/prenotazioni/")
    text = page_text(page)
    assert "Da pagare: 30,00 €" in text and "Paga ora" in text
    assert f"cesena.localhost/pagamenti/{order.reference}/" in page.content.decode()
    # Nobody else sees it.
    other = page_text(host_client("localhost", make_user()).get("/account/prenotazioni/"))
    assert "Da pagare" not in other and order.reference not in other

    connection.set_tenant(cesena)
    Order.objects.filter(pk=order.pk).update(state=Order.State.PAID)
    connection.set_schema_to_public()
    text = page_text(host_client("localhost", payer).get("/account/prenotazioni/"))
    assert "Pagato: 30,00 €" in text and "Paga ora" not in text
