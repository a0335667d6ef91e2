"""Paying the comune through pagoPA: a debt position per order in GPD with the payer's verified
fiscal code, the Checkout v2 cart with return URLs, the printable notice with its QR code,
receipts from GPD payments, the reconciliation job. Every request is checked against the
OpenAPI specifications by the fake (the conftest asserts no violation)."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from src.bookings.jobs import holds_expire
from src.bookings.models import Booking
from src.bookings.services import booking_create
from src.common.errors import DomainError
from src.payments.jobs import payments_reconcile
from src.payments.models import Order, Payment, PaymentSettings, Refund
from src.payments.notices import check_digits, notice_number_make, notice_number_valid, qr_string
from tests.conftest import host_client, page_text
from tests.fixtures import UserFactory
from tests.payments.conftest import CESENA_FISCAL_CODE, period


def test_notice_numbers_carry_the_check_digits_of_the_specification():
    # <aux digit 3><segregation code><IUV base (13)><check digits>: the remainder mod 93 of
    # every digit before them.
    number, iuv = notice_number_make(segregation_code="01", sequence=42)
    assert number == "3" + iuv and len(number) == 18 and iuv.startswith("01")
    assert number[16:] == f"{int('3010000000000042') % 93:02d}" == check_digits(number[:16])
    assert notice_number_valid(number)
    wrong = number[:16] + f"{(int(number[16:]) + 1) % 93:02d}"
    assert not notice_number_valid(wrong)
    assert not notice_number_valid("1" + number[1:]) and not notice_number_valid(number[:17])
    assert qr_string(notice_number=number, fiscal_code="00143280402", amount_cents=1000) == (
        f"PAGOPA|002|{number}|00143280402|1000"
    )
    with pytest.raises(ValueError):
        qr_string(notice_number=wrong, fiscal_code="00143280402", amount_cents=1000)


@pytest.fixture
def seat_booking(prices, cowork, seats, payer, day):
    """A coworking seat for a day (four hours count as a day here): 10 € to the Comune di Cesena through pagoPA."""
    PaymentSettings.objects.update_or_create(pk=1, defaults={"half_day_max_hours": 3})
    booking = booking_create(
        person=payer, space=cowork, seat=seats[0], period=period(day, "09:00", "13:00"), channel="web"
    )
    return booking, Order.objects.get(booking_id=booking.pk)


def test_a_seat_paid_to_the_comune_has_a_valid_notice(seat_booking, payer):
    booking, order = seat_booking
    assert booking.state == Booking.State.HELD
    assert (order.provider, order.amount_cents, order.destination) == ("pagopa", 1000, CESENA_FISCAL_CODE)
    assert order.payer_fiscal_code == payer.fiscal_code_verified
    assert notice_number_valid(order.notice_number) and order.notice_number == "3" + order.iuv
    assert order.iuv.startswith("01")  # the station's segregation code


def test_the_printed_notice_publishes_the_position_and_shows_its_qr_code(seat_booking, payer, fake_pagopa):
    booking, order = seat_booking
    response = host_client("cesena.localhost", payer).get(f"/pagamenti/{order.reference}/avviso/")
    assert response.status_code == 200
    expected = f"PAGOPA|002|{order.notice_number}|{CESENA_FISCAL_CODE}|1000"
    assert response.context["qr_text"] == expected
    assert "<svg" in response.content.decode()
    # The position is in GPD, published, for the verified payer, to the comune's IBAN.
    [created] = [r for r in fake_pagopa.requests if r["operation"] == "createPosition"]
    assert created["query"] == {"toPublish": "true"}
    body = json.loads(created["body"])
    assert body["fiscalCode"] == payer.fiscal_code_verified and body["type"] == "F"
    option = body["paymentOption"][0]
    assert (option["iuv"], option["amount"]) == (order.iuv, 1000)
    assert option["transfer"][0]["organizationFiscalCode"] == CESENA_FISCAL_CODE
    assert option["transfer"][0]["iban"] == "IT60X0542811101000000123456"
    _org, position, _option = fake_pagopa.position_by_notice(order.notice_number)
    assert position["status"] == "VALID"
    text = page_text(response)
    assert "Avviso di pagamento" in text and order.notice_number[:4] in text


def test_paying_through_checkout_confirms_the_booking(seat_booking, payer, fake_pagopa, cesena, mailoutbox):
    booking, order = seat_booking
    client = host_client("cesena.localhost", payer)
    response = client.post(f"/pagamenti/{order.reference}/paga/")
    assert response.status_code == 302 and response["Location"].startswith("https://checkout.pagopa.test/")
    [cart] = fake_pagopa.carts
    assert cart["paymentNotices"][0]["noticeNumber"] == order.notice_number
    assert cart["returnUrls"]["returnOkUrl"] == f"http://cesena.localhost/pagamenti/{order.reference}/esito/?esito=ok"
    # The payer pays; Checkout sends them back to us; we read the receipt from GPD payments.
    fake_pagopa.pay(order.notice_number)
    response = client.get(f"/pagamenti/{order.reference}/esito/", {"esito": "ok"}, follow=True)
    assert "Pagamento ricevuto" in page_text(response)
    assert Booking.objects.get(pk=booking.pk).state == Booking.State.CONFIRMED
    payment = Payment.objects.get(order=order)
    assert (payment.amount_cents, payment.destination) == (1000, CESENA_FISCAL_CODE)


def test_a_notice_paid_elsewhere_is_found_by_the_reconciliation_job(seat_booking, payer, fake_pagopa):
    booking, order = seat_booking
    host_client("cesena.localhost", payer).get(f"/pagamenti/{order.reference}/avviso/")  # printed, published
    fake_pagopa.pay(order.notice_number)  # at a tobacconist's: nobody calls us
    assert payments_reconcile() == 1
    assert Booking.objects.get(pk=booking.pk).state == Booking.State.CONFIRMED
    assert payments_reconcile() == 0  # once


def test_a_late_pagopa_payment_for_a_taken_place_is_owed_back_by_bank_transfer(
    seat_booking, payer, fake_pagopa, cowork, seats, day, django_capture_on_commit_callbacks
):
    booking, order = seat_booking
    host_client("cesena.localhost", payer).get(f"/pagamenti/{order.reference}/avviso/")
    Booking.objects.filter(pk=booking.pk).update(hold_expires_at=timezone.now() - timedelta(minutes=1))
    holds_expire()
    booking_create(
        person=UserFactory(), space=cowork, seat=seats[0], period=period(day, "09:00", "12:00"), channel="front_desk"
    )
    fake_pagopa.pay(order.notice_number)
    with django_capture_on_commit_callbacks(execute=True):
        payments_reconcile()
    assert Booking.objects.get(pk=booking.pk).state == Booking.State.CANCELLED
    refund = Refund.objects.get(payment__order=order)
    # pagoPA has no refund call: the comune owes it, and its staff see it until they mark it done.
    assert (refund.amount_cents, refund.state, refund.reason) == (1000, Refund.State.MANUAL, Refund.Reason.PLACE_TAKEN)


def test_pagopa_needs_a_verified_identity(prices, cowork, seats, day):
    typed = UserFactory(fiscal_code="RSSMRA60A01H199H")  # typed at sign-up: never trusted for pagoPA
    with pytest.raises(DomainError) as refused:
        booking_create(person=typed, space=cowork, seat=seats[0], period=period(day), channel="web")
    assert refused.value.code == "identity_required"
    assert not Booking.objects.filter(person=typed).exists() and not Order.objects.exists()


def test_an_unreachable_pagopa_is_a_503_with_a_message(seat_booking, payer, fake_pagopa):
    booking, order = seat_booking
    fake_pagopa.down = True
    response = host_client("cesena.localhost", payer).post(f"/pagamenti/{order.reference}/paga/")
    assert response.status_code == 503
    assert "non risponde" in page_text(response)
    assert Booking.objects.get(pk=booking.pk).state == Booking.State.HELD
