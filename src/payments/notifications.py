"""E-mails about money, through the outbox (src/outbox): a receipt when a payment arrives, a
note when a refund is made or owed. Enqueued in the transaction that records the fact;
rendered and sent by the drain, in the person's language, with links from the comune's
primary domain."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from src.outbox.services import outbox_enqueue, outbox_handler
from tenants.comuni.selectors import municipality_url

RECEIVED = "payments.received"
REFUND = "payments.refund"


def _send(*, to: str, subject: str, template: str, context: dict) -> None:
    text = render_to_string(f"payments/email/{template}.txt", context)
    html = render_to_string(f"payments/email/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()


def _order_url(municipality, order) -> str:
    return municipality_url(municipality, reverse("payments:order", args=[order.reference]))


@outbox_handler(RECEIVED)
def payment_received(message, municipality) -> None:
    from src.payments.models import Payment

    payment = Payment.objects.select_related("order", "order__creditor", "order__person").get(pk=message.obj_id)
    order = payment.order
    if not order.payer_email:
        return
    language = getattr(order.person, "language", None) or "it"
    with translation.override(language):
        _send(
            to=order.payer_email,
            subject=_("Ricevuta di pagamento: %(ref)s") % {"ref": order.reference},
            template="received",
            context={
                "order": order,
                "payment": payment,
                "municipality": municipality,
                "order_url": _order_url(municipality, order),
            },
        )


@outbox_handler(REFUND)
def refund_made(message, municipality) -> None:
    from src.payments.models import Refund

    refund = Refund.objects.select_related("payment__order", "payment__order__creditor", "payment__order__person").get(
        pk=message.obj_id
    )
    order = refund.payment.order
    if not order.payer_email:
        return
    language = getattr(order.person, "language", None) or "it"
    with translation.override(language):
        _send(
            to=order.payer_email,
            subject=_("Rimborso: %(ref)s") % {"ref": order.reference},
            template="refund",
            context={
                "order": order,
                "refund": refund,
                "municipality": municipality,
                "order_url": _order_url(municipality, order),
            },
        )


def payment_received_later(payment) -> None:
    outbox_enqueue(kind=RECEIVED, obj_id=payment.pk)


def refund_later(refund) -> None:
    outbox_enqueue(kind=REFUND, obj_id=refund.pk)
