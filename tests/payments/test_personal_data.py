"""A person's orders and passes are in their data export; erasing the account keeps the
accounting records (the comune must) but nothing leads back to the account."""

from django.db import connection
from django_tenants.utils import tenant_context

from src.bookings.services import booking_create
from src.payments.models import Order
from tenants.account.erasure import account_erase
from tenants.account.export import export_data
from tenants.identity.selectors import ERASED_EMAIL
from tests.payments.conftest import period


def test_orders_are_exported_and_survive_erasure_without_the_person(prices, meeting, payer, day, cesena):
    booking = booking_create(person=payer, space=meeting, seat=None, period=period(day), channel="web")
    order = Order.objects.get(booking_id=booking.pk)
    connection.set_schema_to_public()
    data = export_data(payer)
    assert [row["reference"] for row in data["pagamenti_ordini"]] == [order.reference]
    assert data["pagamenti_ordini"][0]["comune"] == "cesena"
    account_erase(user=payer)
    with tenant_context(cesena):
        kept = Order.objects.select_related("person").get(pk=order.pk)
        assert kept.person.email == ERASED_EMAIL and kept.payer_email == ""
        assert kept.amount_cents == 3000
