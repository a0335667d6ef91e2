"""E-mails about money, through the outbox (src/outbox): a receipt when a payment arrives, a
note when a refund is made or owed. Enqueued in the transaction that records the fact;
rendered and sent by the drain, in the person's language, with links from the comune's
primary domain."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

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


def _send_to_payer(order, municipality, subject, template: str, **context) -> None:
    """The order's e-mail to its payer, in the payer's language (none without an address); `subject`
    is lazy, so it is translated inside that language."""
    if not order.payer_email:
        return
    language = getattr(order.person, "language", None) or "it"
    with translation.override(language):
        _send(
            to=order.payer_email,
            subject=subject % {"ref": order.reference},
            template=template,
            context={
                "order": order,
                "municipality": municipality,
                "order_url": _order_url(municipality, order),
                **context,
            },
        )


@outbox_handler(RECEIVED)
def payment_received(message, municipality) -> None:
    from src.payments.models import Payment

    payment = Payment.objects.select_related("order", "order__creditor", "order__person").get(pk=message.obj_id)
    _send_to_payer(payment.order, municipality, _("Ricevuta di pagamento: %(ref)s"), "received", payment=payment)


@outbox_handler(REFUND)
def refund_made(message, municipality) -> None:
    from src.payments.models import Refund

    refund = Refund.objects.select_related("payment__order", "payment__order__creditor", "payment__order__person").get(
        pk=message.obj_id
    )
    _send_to_payer(refund.payment.order, municipality, _("Rimborso: %(ref)s"), "refund", refund=refund)


def payment_received_later(payment) -> None:
    outbox_enqueue(kind=RECEIVED, obj_id=payment.pk)


def refund_later(refund) -> None:
    outbox_enqueue(kind=REFUND, obj_id=refund.pk)
