"""Payments to a comune through pagoPA: a debt position per order in GPD, paid through the
Checkout v2 cart (or with the printed notice anywhere pagoPA is accepted), receipts read
back from GPD payments. The API's shapes are in ../shared/specs/ (tests validate every
request we send against them).

- The order's IUPD, IUV and notice number are ours (src/payments/notices.py), made when the
  order is written; the position is created and published in one call (`toPublish=true`),
  with the payer's verified fiscal code, the creditor's IBAN and the order's due date
  (`switchToExpired`: pagoPA stops taking it once the booking's hold is over).
- A position already there (a retry after a timeout: 409) is read back, not made twice.
- pagoPA has no refund call: a refund is owed by the comune, by bank transfer, and shown on
  the reconciliation page until staff mark it done.
- Each creditor's subscription keys come from the environment (`Creditor.key_name`).
"""

import logging
import os
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import quote

import requests
from django.conf import settings
from django.db import connection

from src.payments.providers.base import (
    Checkout,
    Provider,
    ProviderUnavailable,
    RefundOutcome,
    RemotePayment,
    RemoteState,
    provider_register,
)

logger = logging.getLogger(__name__)

KEY_HEADER = "Ocp-Apim-Subscription-Key"


def api_key(creditor, service: str) -> str:
    """The creditor's subscription key for `service` ("GPD" or "CHECKOUT"), from the environment only."""
    if creditor.key_name:
        value = os.environ.get(f"PAGOPA_{creditor.key_name}_{service}_KEY", "")
        if value:
            return value
    return os.environ.get(f"PAGOPA_{service}_KEY", "")


def iupd_for(order) -> str:
    """The debt position's id: the creditor's fiscal code, the comune and the order (unique per creditor)."""
    return f"{order.creditor.fiscal_code}-{connection.schema_name}-{order.pk}"


def _request(method: str, url: str, *, key: str, **kwargs) -> requests.Response:
    if not key:
        raise ProviderUnavailable()
    try:
        return requests.request(
            method, url, headers={KEY_HEADER: key}, timeout=settings.PAGOPA_TIMEOUT, allow_redirects=False, **kwargs
        )
    except requests.RequestException as error:
        logger.warning("pagoPA unreachable: %s", type(error).__name__)
        raise ProviderUnavailable() from error


def _refused(response: requests.Response, what: str):
    logger.error("pagoPA refused %s: HTTP %s", what, response.status_code)
    return ProviderUnavailable()


def position_body(order) -> dict:
    """The PaymentPositionModel of an order (one payment option, one transfer to the creditor's IBAN)."""
    creditor = order.creditor
    option = {
        "iuv": order.iuv,
        "amount": order.amount_cents,
        "description": order.description[:140],
        "isPartialPayment": False,
        "dueDate": order.expires_at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "transfer": [
            {
                "idTransfer": "1",
                "amount": order.amount_cents,
                "organizationFiscalCode": creditor.fiscal_code,
                "remittanceInformation": order.description[:140],
                "category": creditor.taxonomy or "9/0101108TS/",
                "iban": creditor.iban,
            }
        ],
    }
    body = {
        "iupd": order.external_id,
        "type": "G" if len(order.payer_fiscal_code) == 11 else "F",  # a firm's VAT number, else a person
        "fiscalCode": order.payer_fiscal_code,
        "fullName": order.payer_name[:140] or order.payer_fiscal_code,
        "companyName": creditor.name[:140],
        "switchToExpired": True,
        "paymentOption": [option],
    }
    if order.payer_email:
        body["email"] = order.payer_email
    return body


def _euro_cents(text: str) -> int:
    return int((Decimal(text.strip()) * 100).to_integral_value())


def receipt_parse(xml: str) -> dict:
    """The fields of a pagoPA receipt (paSendRT) we reconcile on, whatever its namespaces."""
    root = ET.fromstring(xml)
    found = {}
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        if name not in found and element.text and element.text.strip():
            found[name] = element.text.strip()
    return found


class PagoPAProvider(Provider):
    name = "pagopa"
    min_hold_minutes = 30

    def configured(self, creditor) -> bool:
        return bool(api_key(creditor, "GPD") and api_key(creditor, "CHECKOUT"))

    def _gpd(self, creditor) -> str:
        return f"{settings.PAGOPA_GPD_URL.rstrip('/')}/organizations/{quote(creditor.fiscal_code)}/debtpositions"

    def position_ensure(self, order) -> dict:
        """Create and publish the order's debt position; one already there (a retry) is read back."""
        creditor = order.creditor
        key = api_key(creditor, "GPD")
        response = _request(
            "POST", self._gpd(creditor), key=key, params={"toPublish": "true"}, json=position_body(order)
        )
        if response.status_code == 201:
            return response.json()
        if response.status_code == 409:
            existing = _request("GET", f"{self._gpd(creditor)}/{quote(order.external_id)}", key=key)
            if existing.status_code == 200:
                return existing.json()
            raise _refused(existing, "reading a debt position")
        raise _refused(response, "a debt position")

    def position_status(self, order) -> str | None:
        response = _request(
            "GET", f"{self._gpd(order.creditor)}/{quote(order.external_id)}", key=api_key(order.creditor, "GPD")
        )
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise _refused(response, "reading a debt position")
        return response.json().get("status")

    def checkout_start(self, *, order, return_url: str) -> Checkout:
        creditor = order.creditor
        self.position_ensure(order)
        body = {
            "paymentNotices": [
                {
                    "noticeNumber": order.notice_number,
                    "fiscalCode": creditor.fiscal_code,
                    "amount": order.amount_cents,
                    "companyName": creditor.name[:140],
                    "description": order.description[:140],
                }
            ],
            "returnUrls": {
                "returnOkUrl": f"{return_url}?esito=ok",
                "returnCancelUrl": f"{return_url}?esito=annullato",
                "returnErrorUrl": f"{return_url}?esito=errore",
                "returnWaitingUrl": f"{return_url}?esito=attesa",
            },
            "idCart": f"{connection.schema_name}-{order.reference}",
        }
        if order.payer_email:
            body["emailNotice"] = order.payer_email
        response = _request(
            "POST",
            f"{settings.PAGOPA_CHECKOUT_URL.rstrip('/')}/carts",
            key=api_key(creditor, "CHECKOUT"),
            json=body,
        )
        location = response.headers.get("Location", "")
        if response.status_code != 302 or not location:
            raise _refused(response, "a cart")
        return Checkout(url=location, external_id=order.external_id)

    def remote_state(self, *, order) -> RemoteState:
        creditor = order.creditor
        url = (
            f"{settings.PAGOPA_GPD_PAYMENTS_URL.rstrip('/')}/payments/{quote(creditor.fiscal_code)}"
            f"/receipts/{quote(order.iuv)}"
        )
        response = _request("GET", url, key=api_key(creditor, "GPD"))
        if response.status_code == 200:
            receipt = receipt_parse(response.text)
            when = receipt.get("paymentDateTime") or receipt.get("applicationDate")
            received = datetime.fromisoformat(when) if when else datetime.now(UTC)
            if received.tzinfo is None:
                received = received.replace(tzinfo=UTC)
            payment = RemotePayment(
                external_id=f"{creditor.fiscal_code}-{receipt.get('receiptId') or order.iuv}",
                amount_cents=_euro_cents(receipt.get("paymentAmount", "0")),
                destination=receipt.get("fiscalCode", ""),
                received_at=received,
            )
            return RemoteState(RemoteState.PAID, (payment,))
        if response.status_code != 404:
            raise _refused(response, "reading a receipt")
        status = self.position_status(order) if order.external_id else None
        if status in ("EXPIRED", "INVALID"):
            return RemoteState(RemoteState.CLOSED)
        return RemoteState(RemoteState.OPEN)

    def close(self, *, order) -> None:
        if not order.external_id:
            return
        try:
            response = _request(
                "POST",
                f"{self._gpd(order.creditor)}/{quote(order.external_id)}/invalidate",
                key=api_key(order.creditor, "GPD"),
            )
        except ProviderUnavailable:
            return  # the position expires at its due date anyway
        if response.status_code not in (200, 404, 409):
            logger.warning("pagoPA position not invalidated: HTTP %s", response.status_code)

    def refund(self, *, refund) -> RefundOutcome:
        return RefundOutcome(manual=True)


provider_register(PagoPAProvider())
