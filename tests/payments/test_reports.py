"""Revenue per creditor in the comune's and the union's reports: payments less refunds, each
creditor its own, computed by one SQL statement across the comuni's schemas."""

from datetime import date, datetime, time

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from src.common.time import ROME
from src.payments.models import Creditor, Order, Payment, Refund
from tenants.reporting.periods import Period
from tenants.reporting.schemas import comune_schemas
from tenants.reporting.selectors import ReportQuery, report_build
from tenants.reporting.tables import build_tables
from tests.bookings.conftest import build_hub
from tests.conftest import host_client, page_text
from tests.payments.conftest import COOPERATIVE_ACCOUNT, OTHER_ACCOUNT, price_list
from tests.signin import sign_in_staff

MARCH = date(2026, 3, 1)


def _at(day: int, hhmm="10:00") -> datetime:
    return datetime.combine(date(2026, 3, day), time.fromisoformat(hhmm), tzinfo=ROME)


def _paid(creditor, amount, day, *, refunds=(), ref) -> Order:
    order = Order.objects.create(
        reference=ref,
        kind=Order.Kind.PASS,
        creditor=creditor,
        provider=creditor.provider,
        destination=creditor.destination,
        payer_fiscal_code="RSSMRA60A01H199H",
        description="test",
        amount_cents=amount,
        state=Order.State.PAID,
        created_at=_at(day),
    )
    payment = Payment.objects.create(
        order=order,
        provider=creditor.provider,
        external_id=f"pay-{ref}",
        amount_cents=amount,
        destination=creditor.destination,
        received_at=_at(day),
    )
    for amount_back, state in refunds:
        Refund.objects.create(
            payment=payment, amount_cents=amount_back, reason="cancelled", state=state, created_at=_at(day, "18:00")
        )
    return order


@pytest.fixture
def money(cesena, sarsina):
    with tenant_context(cesena):
        creditors = price_list(build_hub("hub-incassi"))
        _paid(creditors["comune"], 1000, 3, ref="PAYA0001")
        _paid(creditors["comune"], 1000, 4, refunds=[(1000, Refund.State.MANUAL)], ref="PAYA0002")
        _paid(creditors["cooperative"], 3000, 5, refunds=[(1500, Refund.State.DONE)], ref="PAYA0003")
        _paid(creditors["cooperative"], 4500, 6, refunds=[(4500, Refund.State.FAILED)], ref="PAYA0004")
        _paid(creditors["comune"], 700, 2, ref="PAYA0005")
        Order.objects.filter(reference="PAYA0005").update(created_at=_at(2))
        Payment.objects.filter(external_id="pay-PAYA0005").update(received_at=datetime(2026, 2, 27, 10, tzinfo=ROME))
    with tenant_context(sarsina):
        coop = Creditor.objects.create(name="Coop Sarsina", kind=Creditor.Kind.CARD, stripe_account_id=OTHER_ACCOUNT)
        _paid(coop, 2000, 10, ref="PAYB0001")
    connection.set_schema_to_public()


def _revenue(slugs):
    query = ReportQuery(comuni=comune_schemas(slugs), period=Period.containing("month", MARCH), mode="live")
    return report_build(query)["revenue"]


def test_revenue_is_payments_less_refunds_per_creditor(money):
    revenue = _revenue(["cesena", "sarsina"])
    by_name = {(c["comune"], c["creditor_name"]): c["current"] for c in revenue["creditors"]}
    # Comune di Cesena: 10 + 10 paid in March, 10 owed back by bank transfer (February's 7 € is not March's).
    assert by_name[("cesena", "Comune di Cesena")] == {
        "payments": 2,
        "paid_cents": 2000,
        "refunded_cents": 1000,
        "revenue_cents": 1000,
    }
    # The cooperative in Cesena: 30 + 45 paid, 15 refunded; a failed refund attempt refunds nothing.
    assert by_name[("cesena", "Cooperativa Valle del Savio")] == {
        "payments": 2,
        "paid_cents": 7500,
        "refunded_cents": 1500,
        "revenue_cents": 6000,
    }
    assert by_name[("sarsina", "Coop Sarsina")]["revenue_cents"] == 2000
    # The union's total is the sum of every payment less every refund, straight from the tables.
    totals = revenue["union"]["current"]
    expected = 0
    for slug in ("cesena", "sarsina"):
        with connection.cursor() as cursor:
            schema = slug.replace("-", "_")
            cursor.execute(
                f'SELECT coalesce(sum(amount_cents), 0) FROM "{schema}".payments_payment '
                "WHERE received_at >= %s AND received_at < %s",
                [_at(1, "00:00"), datetime(2026, 4, 1, tzinfo=ROME)],
            )
            paid = cursor.fetchone()[0]
            cursor.execute(
                f'SELECT coalesce(sum(amount_cents), 0) FROM "{schema}".payments_refund WHERE state <> %s',
                [Refund.State.FAILED],
            )
            expected += paid - cursor.fetchone()[0]
    assert totals["revenue_cents"] == expected == 1000 + 6000 + 2000
    assert revenue["union"]["previous"]["paid_cents"] == 700


def test_the_comune_report_shows_only_its_creditors(money, cesena, cesena_admin):
    client = sign_in_staff(host_client("cesena.localhost"), cesena_admin)
    response = client.get("/statistiche/", {"periodo": "month", "data": "2026-03-10"})
    assert response.status_code == 200
    text = page_text(response)
    assert "Incassi per beneficiario" in text and "Cooperativa Valle del Savio" in text
    assert "Coop Sarsina" not in text
    csv = client.get("/statistiche/csv/incassi/", {"periodo": "month", "data": "2026-03-10"})
    assert csv.status_code == 200 and "Comune di Cesena" in csv.content.decode()


def test_the_revenue_table_adds_up(money):
    report = report_build(
        ReportQuery(comuni=comune_schemas(["cesena", "sarsina"]), period=Period.containing("month", MARCH), mode="live")
    )
    tables, charts = build_tables(report)
    table = next(t for t in tables if t.key == "incassi")
    total = table.rows[-1]
    assert total["revenue"] == 90.0 and total["paid"] == sum(r["paid"] for r in table.rows[:-1])
    assert any(c.key == "incassi" for c in charts)


def test_a_creditor_of_each_comune_is_its_own(money, cesena, sarsina):
    with tenant_context(sarsina):
        assert not Creditor.objects.filter(stripe_account_id=COOPERATIVE_ACCOUNT).exists()
