"""Firms' agreements and the cooperative in the money: a firm that pays leaves nothing for its
employee to pay and gets a monthly statement (its employees' covered days times the agreed
price), paid by pagoPA notice or bank transfer; the cooperative running the hub is a card
creditor where the comune's price says so, and its own account is where Stripe sends the money."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from src.bookings.models import Booking
from src.bookings.services import booking_cancel, booking_create
from src.common.time import ROME
from src.payments.jobs import payments_reconcile
from src.payments.models import Creditor, Order, Price, Product, Statement
from src.payments.statements import bills_for, statement_issue
from tenants.firms.models import Agreement
from tenants.operators import services as operator_services
from tenants.operators.models import OperatorOrganisation
from tests.conftest import host_client, page_text
from tests.firms.conftest import VAT_A, VAT_B, enrol, make_agreement, make_firm
from tests.fixtures import UserFactory
from tests.payments.conftest import CESENA_FISCAL_CODE, period
from tests.signin import sign_in_staff


@pytest.fixture
def month_days():
    """Three days of next month (bookings may be 14 days ahead: the fixture moves `now` back)."""
    first = (timezone.localdate().replace(day=1) + timedelta(days=32)).replace(day=1)
    return first, [first + timedelta(days=n) for n in (1, 2, 3)]


def _book(person, space, seat, day, start="10:00", end="12:00"):
    # A "now" a few days before the day, inside the policy's 14 days ahead.
    now = datetime.combine(day - timedelta(days=5), time(8), tzinfo=ROME)
    return booking_create(person=person, space=space, seat=seat, period=period(day, start, end), channel="web", now=now)


@pytest.fixture
def firm_world(prices, cowork, seats, cesena):
    connection.set_schema_to_public()
    firm = make_firm("Savio Logistica S.p.A.", VAT_A, municipality=cesena)
    agreement = make_agreement(firm, municipality=cesena, price_per_day_cents=800, allowance_days=10)
    other = make_firm("Romagna Software S.r.l.", VAT_B, municipality=cesena)
    other_agreement = make_agreement(other, municipality=cesena, price_per_day_cents=1200)
    employees = [UserFactory(home_municipality=None) for _ in range(3)]
    for person in employees:
        enrol(firm, person)
    outsider = UserFactory(home_municipality=None)
    enrol(other, outsider)
    connection.set_tenant(cesena)
    return firm, agreement, employees, other_agreement, outsider


def test_a_booking_the_firm_pays_is_confirmed_with_nothing_to_pay(firm_world, cowork, seats, month_days):
    _firm, agreement, employees, *_ = firm_world
    _first, days = month_days
    # No verified identity, a seat priced to the comune via pagoPA: the firm pays, so no refusal.
    booking = _book(employees[0], cowork, seats[0], days[0])
    assert booking.state == Booking.State.CONFIRMED and booking.agreement_id == agreement.pk
    assert not Order.objects.filter(booking_id=booking.pk).exists()


def test_a_firms_statement_is_its_employees_covered_days_times_the_agreed_price(
    firm_world, cowork, seats, month_days, cesena_admin, fake_pagopa
):
    firm, agreement, employees, other_agreement, outsider = firm_world
    first, days = month_days
    _book(employees[0], cowork, seats[0], days[0])
    _book(employees[0], cowork, seats[1], days[0], "14:00", "16:00")  # the same day again: one day
    _book(employees[0], cowork, seats[0], days[1])
    _book(employees[1], cowork, seats[1], days[1])
    cancelled = _book(employees[2], cowork, seats[2], days[2])
    booking_cancel(booking=cancelled, actor=employees[2], channel="web", now=cancelled.created_at)  # day given back
    _book(outsider, cowork, seats[3], days[2])  # another firm's: on its own statement
    bills = {bill.agreement_id: bill for bill in bills_for(first)}
    # Three employee-days (employee 0 twice, employee 1 once) at 8 €: 24 €.
    assert (bills[agreement.pk].days, bills[agreement.pk].employees, bills[agreement.pk].total_cents) == (3, 2, 2400)
    assert bills[other_agreement.pk].total_cents == 1200

    client = sign_in_staff(host_client("cesena.localhost"), cesena_admin)
    page = client.get("/pagamenti/rendiconti/", {"mese": f"{first:%Y-%m}"})
    assert page.status_code == 200 and "Savio Logistica" in page_text(page)
    client.post(f"/pagamenti/rendiconti/?mese={first:%Y-%m}", {"agreement": agreement.pk})
    statement = Statement.objects.get(agreement_id=agreement.pk, month=first)
    assert (statement.days, statement.total_cents, statement.price_per_day_cents) == (3, 2400, 800)
    assert statement.total_cents == statement.days * 800
    # Printable, and as CSV, with its lines adding up to the total.
    printed = page_text(client.get(f"/pagamenti/rendiconti/{statement.pk}/"))
    assert "24,00 €" in printed and "Savio Logistica" in printed
    csv = client.get(f"/pagamenti/rendiconti/{statement.pk}/", {"formato": "csv"}).content.decode()
    assert csv.splitlines()[-1].endswith("24,00 €")
    # Its pagoPA notice: to the comune, payable by the firm's VAT number.
    order = statement.order
    assert (order.amount_cents, order.destination, order.payer_fiscal_code) == (2400, CESENA_FISCAL_CODE, VAT_A)
    notice = client.get(f"/pagamenti/rendiconti/{statement.pk}/avviso/")
    assert notice.context["qr_text"] == f"PAGOPA|002|{order.notice_number}|{CESENA_FISCAL_CODE}|2400"
    fake_pagopa.pay(order.notice_number)
    payments_reconcile()
    statement.refresh_from_db()
    assert (statement.state, statement.method) == (Statement.State.PAID, Statement.Method.PAGOPA)


def test_a_statement_paid_by_bank_transfer_is_marked_by_staff(firm_world, cowork, seats, month_days, cesena_admin):
    _firm, agreement, employees, *_ = firm_world
    first, days = month_days
    _book(employees[0], cowork, seats[0], days[0])
    statement = statement_issue(agreement_id=agreement.pk, month=first)
    client = sign_in_staff(host_client("cesena.localhost"), cesena_admin)
    client.post(f"/pagamenti/rendiconti/?mese={first:%Y-%m}", {"action": "paid", "statement": statement.pk})
    statement.refresh_from_db()
    assert (statement.state, statement.method, statement.marked_by_id) == ("paid", "bank_transfer", cesena_admin.pk)
    # Its notice can no longer be paid as well.
    assert Order.objects.get(pk=statement.order_id).state == Order.State.CANCELLED


def test_statements_are_staff_only_and_each_comunes_own(firm_world, cowork, seats, month_days, sarsina_admin, payer):
    _firm, agreement, employees, *_ = firm_world
    first, days = month_days
    _book(employees[0], cowork, seats[0], days[0])
    statement = statement_issue(agreement_id=agreement.pk, month=first)
    assert host_client("cesena.localhost", payer).get("/pagamenti/rendiconti/").status_code == 403
    assert host_client("cesena.localhost", payer).get(f"/pagamenti/rendiconti/{statement.pk}/").status_code == 403
    sarsina = sign_in_staff(host_client("sarsina.localhost"), sarsina_admin)
    assert sarsina.get(f"/pagamenti/rendiconti/{statement.pk}/").status_code == 404
    assert "Savio Logistica" not in page_text(sarsina.get("/pagamenti/rendiconti/", {"mese": f"{first:%Y-%m}"}))


def test_a_discount_agreement_lowers_what_the_employee_pays(prices, cowork, seats, cesena, payer, month_days):
    connection.set_schema_to_public()
    firm = make_firm("Savio Logistica S.p.A.", VAT_A, municipality=cesena)
    make_agreement(
        firm, municipality=cesena, terms=Agreement.Terms.DISCOUNT, discount_percent=50, price_per_day_cents=None
    )
    enrol(firm, payer)
    connection.set_tenant(cesena)
    _first, days = month_days
    booking = _book(payer, cowork, seats[0], days[0])  # a half day, 6 €: half of it
    order = Order.objects.get(booking_id=booking.pk)
    assert (booking.state, order.amount_cents, order.category) == (Booking.State.HELD, 300, "agreement")


@pytest.fixture
def cooperative(cesena, cesena_admin, hub):
    connection.set_schema_to_public()
    organisation = OperatorOrganisation.objects.create(
        name="Cooperativa Sociale Prova",
        vat_number="02345670406",
        email="info@coop.example.org",
        payments_account_id="acct_1CoopUnderContract",
    )
    contract = operator_services.contract_create(
        organisation=organisation, municipality=cesena, hub_ids=[hub.pk], valid_from=date(2020, 1, 1)
    )
    operator_services.contract_approve(contract=contract, by=cesena_admin)
    connection.set_tenant(cesena)
    return organisation


def test_the_cooperative_is_the_card_creditor_where_the_price_says_so(
    hub, meeting, payer, day, cooperative, cesena, cesena_admin, fake_stripe
):
    # The comune's administrator names the cooperative as the creditor in the admin.
    client = sign_in_staff(host_client("cesena.localhost"), cesena_admin)
    response = client.post(
        "/admin/payments/creditor/add/",
        {"name": "Cooperativa", "kind": "card", "operator_id": cooperative.pk, "is_active": "on", "taxonomy": "x"},
    )
    assert response.status_code == 302, page_text(response)
    creditor = Creditor.objects.get(operator_id=cooperative.pk)
    assert creditor.stripe_account_id == "acct_1CoopUnderContract"
    Price.objects.create(creditor=creditor, hub=hub, space_kind="meeting", product=Product.HOURLY, amount_cents=1500)
    booking = booking_create(person=payer, space=meeting, seat=None, period=period(day), channel="web")
    order = Order.objects.get(booking_id=booking.pk)
    host_client("cesena.localhost", payer).post(f"/pagamenti/{order.reference}/paga/")
    [sent] = fake_stripe.created_sessions()
    assert sent["params"]["payment_intent_data"]["transfer_data"]["destination"] == "acct_1CoopUnderContract"
    # The cooperative changes its account: the next order goes to the new one.
    OperatorOrganisation.objects.filter(pk=cooperative.pk).update(payments_account_id="acct_1CoopNewAccount")
    again = booking_create(person=payer, space=meeting, seat=None, period=period(day, "14:00", "15:00"), channel="web")
    assert Order.objects.get(booking_id=again.pk).destination == "acct_1CoopNewAccount"


def test_a_cooperative_without_a_contract_here_cannot_be_named(cesena, cesena_admin, sarsina, in_cesena):
    connection.set_schema_to_public()
    elsewhere = OperatorOrganisation.objects.create(
        name="Altra", vat_number="06363391001", email="a@b.example.org", payments_account_id="acct_1Elsewhere"
    )
    connection.set_tenant(cesena)
    client = sign_in_staff(host_client("cesena.localhost"), cesena_admin)
    response = client.post(
        "/admin/payments/creditor/add/",
        {"name": "Altra", "kind": "card", "operator_id": elsewhere.pk, "is_active": "on", "taxonomy": "x"},
    )
    assert response.status_code == 200  # the form again, with the error
    with tenant_context(cesena):
        assert not Creditor.objects.filter(operator_id=elsewhere.pk).exists()
