"""Monthly statements of the firms' agreements (convenzioni), in the comune that is owed.

What is owed comes from the firms' ledger through `tenants.identity.agreements.agreement_bills`
(src/ does not import the firms app): each employee's day taken from the allowance in this
comune's hubs that month, at the agreed price per day (or the monthly fee). The comune's staff
issue the statement (its figures are fixed then; issuing again before it is paid draws them up
anew), print it or download it as CSV, and the firm pays it:

- by the pagoPA notice of the statement's order, to the comune's pagoPA creditor (the
  reconciliation job notices the receipt and marks the statement paid), or
- by bank transfer to the creditor's IBAN, which the staff mark as received.
"""

import csv
from datetime import date, datetime, timedelta

from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from src.common.errors import DomainError
from src.common.time import ROME
from src.payments.models import Creditor, Order, Statement, euro
from tenants.identity.agreements import AgreementBill, agreement_bills

PAY_WITHIN_DAYS = 30


def month_of(value: date) -> date:
    return value.replace(day=1)


def bills_for(month: date) -> list[AgreementBill]:
    return agreement_bills(month=month_of(month))


def statements_for(month: date):
    return Statement.objects.filter(month=month_of(month)).select_related("order")


def creditor_for_statements() -> Creditor | None:
    """The comune's own pagoPA creditor: firms pay the comune."""
    return Creditor.objects.filter(kind=Creditor.Kind.PAGOPA, is_active=True).order_by("pk").first()


def statement_issue(*, agreement_id: int, month: date, actor=None, now: datetime | None = None) -> Statement:
    """Draw up (or again, while unpaid) the statement of one agreement for one month, with its pagoPA notice."""
    from src.payments.services import order_cancel, order_create

    now = now or timezone.now()
    month = month_of(month)
    bill = next((b for b in bills_for(month) if b.agreement_id == agreement_id), None)
    if bill is None:
        raise DomainError(
            _("Nessuna giornata da rendicontare per questa convenzione nel mese."), code="nothing_to_bill"
        )
    with transaction.atomic():
        statement = Statement.objects.select_for_update().filter(agreement_id=agreement_id, month=month).first()
        if statement is not None and statement.state == Statement.State.PAID:
            raise DomainError(_("Il rendiconto di questo mese è già pagato."), code="already_paid")
        statement = statement or Statement(agreement_id=agreement_id, month=month)
        statement.title = bill.title[:200]
        statement.firm_name = bill.firm_name[:200]
        statement.firm_tax_code = bill.firm_tax_code
        statement.terms = bill.terms
        statement.price_per_day_cents = bill.price_per_day_cents
        statement.flat_month_cents = bill.flat_month_cents
        statement.days = bill.days
        statement.employees = bill.employees
        statement.total_cents = bill.total_cents
        statement.lines = [
            {"day": line.day.isoformat(), "days": line.days, "amount_cents": line.amount_cents} for line in bill.lines
        ]
        statement.issued_at = now
        old_order = statement.order
        creditor = creditor_for_statements()
        if old_order is not None and (old_order.amount_cents != bill.total_cents or creditor is None):
            order_cancel(order=old_order, now=now)  # the old notice stops being payable
            statement.order = None
        if statement.order is None and creditor is not None and bill.total_cents > 0:
            statement.order = order_create(
                kind=Order.Kind.STATEMENT,
                creditor=creditor,
                amount_cents=bill.total_cents,
                description=_("Convenzione %(title)s, %(month)s") % {"title": bill.title, "month": f"{month:%m/%Y}"},
                now=now,
                expires_at=now + timedelta(days=PAY_WITHIN_DAYS),
                payer_fiscal_code=bill.firm_tax_code.upper(),
                payer_name=bill.firm_name,
            )
        statement.save()
    return statement


def statement_mark_paid(*, statement: Statement, method: str, actor, now: datetime | None = None) -> Statement:
    """The comune's staff record that the statement was paid (a bank transfer received)."""
    from src.payments.services import order_cancel

    now = now or timezone.now()
    with transaction.atomic():
        statement = Statement.objects.select_for_update(of=("self",)).select_related("order").get(pk=statement.pk)
        if statement.state == Statement.State.PAID:
            return statement
        statement.state = Statement.State.PAID
        statement.method = method
        statement.paid_at = now
        statement.marked_by = actor if getattr(actor, "pk", None) else None
        statement.save(update_fields=["state", "method", "paid_at", "marked_by"])
        if method == Statement.Method.BANK_TRANSFER and statement.order is not None:
            order_cancel(order=statement.order, now=now)  # paid otherwise: the notice must not be paid too
    return statement


def statement_paid_by_notice(*, order: Order, now: datetime) -> None:
    """The statement's pagoPA notice was paid (services.payment_record)."""
    statement = Statement.objects.select_for_update().filter(order=order).first()
    if statement is not None and statement.state != Statement.State.PAID:
        statement.state = Statement.State.PAID
        statement.method = Statement.Method.PAGOPA
        statement.paid_at = now
        statement.save(update_fields=["state", "method", "paid_at"])


def _cell(value) -> str:
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def statement_csv(statement: Statement) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"rendiconto-{statement.firm_tax_code}-{statement.month:%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("giorno"), _("giornate"), _("importo_per_giornata"), _("importo")])
    for line in statement.lines:
        price = euro(line["amount_cents"] // line["days"]) if line["days"] else ""
        writer.writerow([_cell(v) for v in (line["day"], line["days"], price, euro(line["amount_cents"]))])
    if statement.flat_month_cents:
        writer.writerow([_cell(_("canone mensile")), "", "", euro(statement.flat_month_cents)])
    writer.writerow([_cell(_("totale")), statement.days, "", euro(statement.total_cents)])
    return response


def issued_on(statement: Statement) -> str:
    return statement.issued_at.astimezone(ROME).strftime("%d/%m/%Y")
