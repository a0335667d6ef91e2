"""Pages about money on a comune's subdomain: an order (pay, come back, print the pagoPA notice),
carnets and memberships, and the reconciliation page for the comune's staff."""

import csv
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from src.common.accounts import ensure_can_book
from src.common.errors import DomainError
from src.common.qr import qr_svg
from src.common.time import ROME, day_in_range, local_today
from src.payments import selectors, services
from src.payments.models import Order, Price, Refund, Statement, euro
from src.payments.notices import qr_string
from src.payments.providers import ProviderUnavailable, provider_for
from src.payments.statements import (
    bills_for,
    creditor_for_statements,
    statement_csv,
    statement_issue,
    statement_mark_paid,
    statements_for,
)
from tenants.audit.services import AuditAction, audit_record
from tenants.identity.policy import Action, can


def _own(request, reference) -> Order:
    order = selectors.order_for_person(request.user, reference)
    if order is None:
        raise Http404(_("Nessun ordine con questo riferimento tra i tuoi."))
    return order


def _order_page(request, order: Order, status: int = 200):
    money = selectors.order_money(order)
    now = timezone.now()
    payable = order.state == Order.State.OPEN and (order.expires_at is None or order.expires_at > now)
    return render(
        request,
        "payments/order.html",
        {
            "order": order,
            "money": money,
            "payable": payable,
            "payments": list(order.payments.all()),
            "refunds": [r for p in order.payments.all() for r in p.refunds.all()],
        },
        status=status,
    )


@login_required
@never_cache
def order_detail(request, reference):
    return _order_page(request, _own(request, reference))


@login_required
@require_POST
def order_pay(request, reference):
    """Send the person to the provider's payment page (Stripe Checkout, pagoPA Checkout)."""
    order = _own(request, reference)
    return_url = request.build_absolute_uri(reverse("payments:return", args=[order.reference]))
    try:
        url = services.order_checkout_start(order=order, return_url=return_url)
    except ProviderUnavailable as error:
        messages.error(request, error.message)
        return _order_page(request, order, status=503)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("payments:order", reference=order.reference)
    return redirect(url)


@login_required
@never_cache
def order_return(request, reference):
    """Where the provider sends the person back: we ask the provider how it went."""
    order = _own(request, reference)
    outcome = request.GET.get("esito", "")
    try:
        order = services.order_sync(order=order)
    except ProviderUnavailable:
        messages.warning(
            request,
            _("Non riusciamo a verificare ora il pagamento: se hai pagato, lo registriamo appena possibile."),
        )
        return redirect("payments:order", reference=order.reference)
    if order.state == Order.State.PAID:
        messages.success(request, _("Pagamento ricevuto, grazie. Ti abbiamo inviato la ricevuta per e-mail."))
    elif outcome == "annullato":
        messages.info(request, _("Pagamento annullato: puoi riprovare finché il tempo per pagare non scade."))
    elif outcome == "errore":
        messages.error(request, _("Il pagamento non è andato a buon fine: puoi riprovare."))
    elif outcome in ("ok", "attesa"):
        messages.info(request, _("Il pagamento è in corso di verifica: ti scriviamo appena è registrato."))
    return redirect("payments:order", reference=order.reference)


@login_required
@never_cache
def order_notice(request, reference):
    """The printable pagoPA notice (avviso di pagamento) with its QR code."""
    order = _own(request, reference)
    if order.provider != "pagopa" or not order.notice_number:
        raise Http404(_("Questo ordine non si paga con un avviso pagoPA."))
    if order.state == Order.State.OPEN:
        try:
            provider_for("pagopa").position_ensure(order)  # published before anyone can pay it
        except ProviderUnavailable as error:
            messages.error(request, error.message)
            return _order_page(request, order, status=503)
    code = qr_string(
        notice_number=order.notice_number, fiscal_code=order.creditor.fiscal_code, amount_cents=order.amount_cents
    )
    return render(
        request,
        "payments/notice.html",
        {"order": order, "qr": qr_svg(code, scale=4), "qr_text": code, "notice_groups": _groups(order.notice_number)},
    )


def _groups(number: str) -> str:
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


@login_required
def passes(request):
    """Carnets and monthly memberships on sale, and the person's own."""
    if request.method == "POST":
        price = get_object_or_404(selectors.passes_on_sale(), pk=request.POST.get("price") or 0)
        try:
            ensure_can_book(request.user)
            order = services.pass_order_create(person=request.user, price=price)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("payments:passes")
        return redirect("payments:order", reference=order.reference)
    return render(
        request,
        "payments/passes.html",
        {
            "on_sale": selectors.passes_on_sale(),
            "mine": selectors.passes_for_person(request.user, today=local_today()),
            "orders": selectors.orders_for_person(request.user).filter(kind=Order.Kind.PASS)[:20],
        },
    )


# --- staff ----------------------------------------------------------------------------------------


def _staff(request):
    if not request.user.is_authenticated:
        return False
    if not can(request.user, Action.ADMINISTER_COMUNE, getattr(request, "municipality", None)):
        raise PermissionDenied(_("La riconciliazione dei pagamenti è per l'amministrazione del comune."))
    return True


def _month(request) -> date:
    raw = request.GET.get("mese", "")
    try:
        month = datetime.strptime(raw, "%Y-%m").date()
    except ValueError:
        return local_today().replace(day=1)
    # A month outside the years the project keeps (9999-12 would end past the calendar): this one.
    return month if day_in_range(month) else local_today().replace(day=1)


def _month_after(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1)


def _month_links(month: date) -> dict:
    """The month shown, the one before, and the one after unless it is still to come."""
    following = _month_after(month)
    return {
        "month": month,
        "previous": (month - timedelta(days=1)).replace(day=1),
        "next": following if following <= local_today() else None,
    }


@never_cache
def reconciliation(request):
    """Orders, payments, refunds and what does not add up, month by month."""
    if not _staff(request):
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        refund = get_object_or_404(Refund, pk=request.POST.get("refund") or 0, state=Refund.State.MANUAL)
        services.refund_mark_transferred(refund=refund, actor=request.user)
        messages.success(request, _("Rimborso segnato come restituito con bonifico."))
        return redirect(request.get_full_path())
    month = _month(request)
    start = datetime.combine(month, datetime.min.time(), tzinfo=ROME)
    end = datetime.combine(_month_after(month), datetime.min.time(), tzinfo=ROME)
    only_problems = request.GET.get("solo") == "differenze"
    rows = selectors.reconciliation(start=start, end=end, only_problems=only_problems)
    audit_record(
        request=request,
        action=AuditAction.EXPORT if request.GET.get("formato") == "csv" else AuditAction.READ,
        target=Order,
        description=f"riconciliazione pagamenti {month:%Y-%m}",
    )
    if request.GET.get("formato") == "csv":
        return _reconciliation_csv(rows, month)
    totals = {
        "due": sum(r.order.amount_cents for r in rows if r.order.state == Order.State.PAID),
        "paid": sum(r.money.paid_cents for r in rows),
        "refunded": sum(r.money.refunded_cents for r in rows),
        "owed": sum(r.money.refunds_owed_cents for r in rows),
        "kept": sum(r.kept_cents for r in rows),
        "problems": sum(1 for r in rows if r.problems),
    }
    return render(
        request,
        "payments/reconciliation.html",
        {
            "rows": rows,
            **_month_links(month),
            "only_problems": only_problems,
            "totals": totals,
            "refunds_owed": selectors.refunds_owed(),
        },
    )


def _cell(value) -> str:
    text = str(value)
    # A spreadsheet must not read a cell as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _reconciliation_csv(rows, month: date) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="riconciliazione-{month:%Y-%m}.csv"'
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            "ordine",
            "creato",
            "stato",
            "beneficiario",
            "canale",
            "causale",
            "importo",
            "pagato",
            "rimborsato",
            "da_rimborsare",
            "trattenuto",
            "iuv",
            "riferimento_canale",
            "differenze",
        ]
    )
    for row in rows:
        order = row.order
        writer.writerow(
            [
                _cell(value)
                for value in (
                    order.reference,
                    order.created_at.astimezone(ROME).strftime("%Y-%m-%d %H:%M"),
                    order.get_state_display(),
                    order.creditor.name,
                    order.get_provider_display(),
                    order.description,
                    euro(order.amount_cents),
                    euro(row.money.paid_cents),
                    euro(row.money.refunded_cents),
                    euro(row.money.refunds_owed_cents),
                    euro(row.kept_cents),
                    order.iuv,
                    order.external_id,
                    " | ".join(row.problems),
                )
            ]
        )
    return response


# --- monthly statements of the firms' agreements (staff) --------------------------------------------


@never_cache
def statements(request):
    """Each agreement's month in this comune: issue the statement, mark it paid."""
    if not _staff(request):
        return redirect_to_login(request.get_full_path())
    month = _month(request)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "paid":
                statement = get_object_or_404(Statement, pk=request.POST.get("statement") or 0)
                statement_mark_paid(statement=statement, method=Statement.Method.BANK_TRANSFER, actor=request.user)
                messages.success(request, _("Rendiconto segnato come pagato con bonifico."))
            else:
                agreement_id = int(request.POST.get("agreement") or 0)
                statement = statement_issue(agreement_id=agreement_id, month=month, actor=request.user)
                messages.success(request, _("Rendiconto emesso: %(total)s.") % {"total": euro(statement.total_cents)})
        except (ValueError, DomainError) as error:
            messages.error(request, getattr(error, "message", _("Richiesta non valida.")))
        return redirect(f"{request.path}?mese={month:%Y-%m}")
    issued = {s.agreement_id: s for s in statements_for(month)}
    bills = bills_for(month)
    rows = [(bill, issued.pop(bill.agreement_id, None)) for bill in bills]
    rows += [(None, statement) for statement in issued.values()]  # issued, with nothing left to bill now
    return render(
        request,
        "payments/statements.html",
        {
            "rows": rows,
            **_month_links(month),
            "creditor": creditor_for_statements(),
        },
    )


def _statement(request, pk) -> Statement:
    if not _staff(request):
        raise PermissionDenied(_("I rendiconti sono per l'amministrazione del comune."))
    return get_object_or_404(Statement.objects.select_related("order", "order__creditor"), pk=pk)


@never_cache
def statement_detail(request, pk):
    """The printable statement, or its CSV."""
    statement = _statement(request, pk)
    audit_record(request=request, action=AuditAction.READ, target=statement, description="rendiconto convenzione")
    if request.GET.get("formato") == "csv":
        return statement_csv(statement)
    creditor = statement.order.creditor if statement.order_id else creditor_for_statements()
    return render(request, "payments/statement.html", {"statement": statement, "creditor": creditor})


@never_cache
def statement_notice(request, pk):
    """The pagoPA notice of a statement, for the comune's staff to send to the firm."""
    statement = _statement(request, pk)
    order = statement.order
    if order is None or not order.notice_number:
        raise Http404(_("Questo rendiconto non ha un avviso pagoPA."))
    if order.state == Order.State.OPEN:
        try:
            provider_for("pagopa").position_ensure(order)
        except ProviderUnavailable as error:
            messages.error(request, error.message)
            return redirect("payments:statement", pk=statement.pk)
    code = qr_string(
        notice_number=order.notice_number, fiscal_code=order.creditor.fiscal_code, amount_cents=order.amount_cents
    )
    return render(
        request,
        "payments/notice.html",
        {
            "order": order,
            "qr": qr_svg(code, scale=4),
            "qr_text": code,
            "notice_groups": _groups(order.notice_number),
            "back_url": reverse("payments:statement", args=[statement.pk]),
        },
    )


def price_list(request):
    """The comune's price list, public: what costs what, and the reduced categories."""
    prices = (
        Price.objects.filter(is_active=True, creditor__is_active=True)
        .select_related("hub", "creditor")
        .prefetch_related("reductions")
        .order_by("hub__name", "space_kind", "product")
    )
    return render(request, "payments/price_list.html", {"prices": prices})
