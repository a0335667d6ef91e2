"""The one Stripe webhook endpoint, on the union's site, for the platform's events and the
connected accounts' (`POST /pagamenti/stripe/webhook/`).

1. The `Stripe-Signature` header is checked with the SDK's own scheme
   (`stripe.WebhookSignature.verify_header`: HMAC-SHA256 of `<timestamp>.<body>`, and the
   timestamp within `STRIPE_WEBHOOK_TOLERANCE` seconds), against the platform endpoint's
   secret and the Connect endpoint's. Forged or stale: 400, and nothing is read or written.
2. Routing: an event of a connected account carries `account`; it is taken only by the
   comuni where that account is a creditor (one SQL query across the comuni's schemas), and
   an order's event only if the order's destination is that account. A platform event is
   routed by the comune its object's metadata names (we set it on every session and
   payment: src/payments/providers/stripe.py).
3. In that comune, in one transaction: the event id is stored (unique), the order is locked
   and its state read again from Stripe (`order_sync`'s logic), and the effect applied. A
   duplicate delivery finds its id stored and changes nothing; events arriving out of order
   do not matter, since the state comes from Stripe, not from the event. If Stripe cannot
   be asked, the transaction rolls back, the event id included, and the answer is 503:
   Stripe delivers it again.
"""

import json
import logging

import stripe
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_tenants.utils import schema_context

from src.payments.models import Creditor, Order, ProviderEvent
from src.payments.providers import ProviderUnavailable, provider_for
from src.payments.services import order_apply, order_lock
from tenants.comuni.models import Municipality
from tenants.comuni.sql import union_all

logger = logging.getLogger(__name__)


def _secrets() -> list[str]:
    return [s for s in (settings.STRIPE_WEBHOOK_SECRET, settings.STRIPE_CONNECT_WEBHOOK_SECRET) if s]


def signature_valid(payload: str, header: str) -> bool:
    for secret in _secrets():
        try:
            stripe.WebhookSignature.verify_header(payload, header, secret, settings.STRIPE_WEBHOOK_TOLERANCE)
            return True
        except stripe.SignatureVerificationError:
            continue
    return False


def _refused(message: str, code: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"detail": message, "code": code, "fields": {}}, status=status)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    if not _secrets():
        return _refused("Webhook non configurato.", "not_configured", 503)
    try:
        payload = request.body.decode("utf-8")
    except UnicodeDecodeError:
        return _refused("Corpo non valido.", "bad_payload")
    if not signature_valid(payload, request.headers.get("Stripe-Signature", "")):
        return _refused("Firma assente, non valida o scaduta.", "bad_signature")
    try:
        event = json.loads(payload)
        event_id, event_type = str(event["id"]), str(event["type"])
        obj = event["data"]["object"]
        if not isinstance(obj, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return _refused("Evento non valido.", "bad_event")
    try:
        outcome = stripe_event_route(event_id=event_id, event_type=event_type, obj=obj, account=event.get("account"))
    except ProviderUnavailable:
        return _refused("Stripe non risponde: riprovare più tardi.", "provider_unavailable", 503)
    return JsonResponse({"received": True, "outcome": outcome})


def schemas_with_account(account: str) -> list[str]:
    """The comuni where `account` is a card creditor: one query across every comune's schema."""
    schemas = list(
        Municipality.objects.exclude(schema_name=settings.PUBLIC_SCHEMA_NAME).values_list("schema_name", flat=True)
    )
    if not schemas:
        return []
    sql = union_all(
        "SELECT {lit} AS schema_name FROM {s}.{table} WHERE stripe_account_id = %(account)s AND kind = %(kind)s",
        schemas,
        table=f'"{Creditor._meta.db_table}"',
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"account": account, "kind": Creditor.Kind.CARD})
        return sorted({row[0] for row in cursor.fetchall()})


def _schema_of(obj: dict) -> str:
    metadata = obj.get("metadata") or {}
    schema = metadata.get("comune") or ""
    if not schema and isinstance(obj.get("client_reference_id"), str):
        schema = obj["client_reference_id"].partition(":")[0]
    return schema if isinstance(schema, str) else ""


def stripe_event_route(*, event_id: str, event_type: str, obj: dict, account: str | None) -> str:
    schema = _schema_of(obj)
    if account:
        schemas = schemas_with_account(account)
        if event_type.startswith("account."):
            for each in schemas:
                with schema_context(each):
                    account_event_apply(event_id=event_id, event_type=event_type, obj=obj, account=account)
            return "account" if schemas else "ignored"
        if schema not in schemas:
            return "ignored"  # no comune of ours has this account as creditor for it
    if not schema or not Municipality.objects.filter(schema_name=schema).exists():
        return "ignored"
    with schema_context(schema):
        return stripe_event_apply(event_id=event_id, event_type=event_type, obj=obj, account=account or "")


def _event_store(*, event_id: str, event_type: str, account: str) -> ProviderEvent | None:
    """The event's row, or None if it was stored before (a duplicate delivery)."""
    try:
        with transaction.atomic():
            return ProviderEvent.objects.create(
                provider="stripe", event_id=event_id, type=event_type[:80], account=account[:64]
            )
    except IntegrityError:
        return None


def _order_of(obj: dict) -> Order | None:
    metadata = obj.get("metadata") or {}
    order_id, reference = metadata.get("order_id"), metadata.get("order")
    if order_id and str(order_id).isdigit() and reference:
        order = Order.objects.filter(pk=int(order_id), reference=reference).first()
        if order is not None:
            return order
    if obj.get("object") == "checkout.session" and obj.get("id"):
        return Order.objects.filter(provider="stripe", external_id=obj["id"]).first()
    return None


def stripe_event_apply(*, event_id: str, event_type: str, obj: dict, account: str) -> str:
    """In the comune's schema: store the event and apply what Stripe says now, in one transaction."""
    with transaction.atomic():
        stored = _event_store(event_id=event_id, event_type=event_type, account=account)
        if stored is None:
            return "duplicate"
        order = _order_of(obj)
        if order is None or order.provider != "stripe":
            return "ignored"
        if account and order.destination != account:
            logger.warning("Stripe event %s of account %s for an order of another destination", event_id, account)
            return "ignored"
        stored.order = order
        stored.save(update_fields=["order"])
        order = order_lock(order)
        remote = provider_for("stripe").remote_state(order=order)  # ProviderUnavailable: all rolls back
        order_apply(order=order, remote=remote, now=timezone.now())
    return "applied"


def account_event_apply(*, event_id: str, event_type: str, obj: dict, account: str) -> None:
    """A connected account's own events: whether it can take charges now."""
    with transaction.atomic():
        if _event_store(event_id=event_id, event_type=event_type, account=account) is None:
            return
        enabled = None
        if event_type == "account.updated":
            enabled = bool(obj.get("charges_enabled"))
        elif event_type == "account.application.deauthorized":
            enabled = False
        if enabled is not None:
            Creditor.objects.filter(kind=Creditor.Kind.CARD, stripe_account_id=account).update(charges_enabled=enabled)
