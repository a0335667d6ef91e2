"""Cesena's orders, payments and refunds are never visible, payable or refundable from Sarsina's
host, by another person, or by another comune's staff; guessed references and ids are 404."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from src.bookings.services import booking_create
from src.payments.models import Order, Payment, Refund
from tests.conftest import host_client, page_text
from tests.fixtures import UserFactory
from tests.payments.conftest import period
from tests.signin import sign_in_staff


@pytest.fixture
def cesena_order(prices, meeting, payer, day, fake_stripe):
    booking = booking_create(person=payer, space=meeting, seat=None, period=period(day), channel="web")
    order = Order.objects.get(booking_id=booking.pk)
    payment = Payment.objects.create(
        order=order,
        provider="stripe",
        external_id="pi_isolation",
        amount_cents=3000,
        destination=order.destination,
        received_at=order.created_at,
    )
    refund = Refund.objects.create(payment=payment, amount_cents=3000, reason="staff", state=Refund.State.MANUAL)
    connection.set_schema_to_public()
    return order, refund


def test_another_comunes_host_does_not_know_the_order(cesena_order, payer, sarsina):
    order, _refund = cesena_order
    client = host_client("sarsina.localhost", payer)
    for path in ("", "paga/", "esito/", "avviso/"):
        response = (
            client.post(f"/pagamenti/{order.reference}/{path}")
            if path == "paga/"
            else client.get(f"/pagamenti/{order.reference}/{path}")
        )
        assert response.status_code == 404, path
    assert order.reference not in page_text(client.get("/pagamenti/carnet-e-abbonamenti/"))


def test_another_person_does_not_see_or_pay_the_order(cesena_order, cesena, fake_stripe):
    order, _refund = cesena_order
    stranger = host_client("cesena.localhost", UserFactory())
    assert stranger.get(f"/pagamenti/{order.reference}/").status_code == 404
    assert stranger.post(f"/pagamenti/{order.reference}/paga/").status_code == 404
    assert fake_stripe.created_sessions() == []
    assert host_client("cesena.localhost").get(f"/pagamenti/{order.reference}/").status_code == 302  # sign in first


def test_another_comunes_staff_cannot_see_or_mark_refunds(cesena_order, sarsina_admin, cesena):
    order, refund = cesena_order
    client = sign_in_staff(host_client("sarsina.localhost"), sarsina_admin)
    page = client.get("/pagamenti/riconciliazione/", {"mese": order.created_at.strftime("%Y-%m")})
    assert page.status_code == 200 and order.reference not in page_text(page)
    # Cesena's refund id, posted on Sarsina's host: not Sarsina's, so nothing to mark.
    assert client.post("/pagamenti/riconciliazione/", {"refund": refund.pk}).status_code == 404
    cesena_client = sign_in_staff(host_client("cesena.localhost"), sarsina_admin)
    assert cesena_client.get("/pagamenti/riconciliazione/").status_code == 403
    with tenant_context(cesena):
        assert Refund.objects.get(pk=refund.pk).state == Refund.State.MANUAL


def test_citizens_and_operators_do_not_reach_the_reconciliation(cesena_order, payer):
    client = host_client("cesena.localhost", payer)
    assert client.get("/pagamenti/riconciliazione/").status_code == 403


def test_the_comunes_staff_reconcile_and_mark_a_bank_transfer(cesena_order, cesena_admin, cesena):
    order, refund = cesena_order
    client = sign_in_staff(host_client("cesena.localhost"), cesena_admin)
    page = client.get("/pagamenti/riconciliazione/", {"mese": order.created_at.strftime("%Y-%m")})
    text = page_text(page)
    assert order.reference in text and "da fare con bonifico" in text
    csv = client.get("/pagamenti/riconciliazione/", {"mese": order.created_at.strftime("%Y-%m"), "formato": "csv"})
    assert order.reference in csv.content.decode()
    assert client.post("/pagamenti/riconciliazione/", {"refund": refund.pk}).status_code == 302
    with tenant_context(cesena):
        assert Refund.objects.get(pk=refund.pk).state == Refund.State.DONE
