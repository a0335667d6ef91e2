"""App IO (PagoPA's "IO API for Public Administration Services", /work/shared/specs/app-io-services.yaml).

One service key per comune, from the environment (APP_IO_KEY__<SLUG>, settings.APP_IO_KEYS),
sent as `Ocp-Apim-Subscription-Key`. As the specification asks, the profile is checked first
(getProfileByPOST: the fiscal code in the body, not in a URL that proxies log): no profile
(404) or `sender_allowed: false` means no message. Only a fiscal code SPID or CIE vouched
for is used; a hand-typed one never is.

`appio_send` returns False when the person cannot get the notice on IO (the caller falls back
to e-mail) and raises `AppIOUnavailable` when IO is down for a while (the outbox retries).
"""

import logging
import re
from datetime import UTC

import requests
from django.conf import settings

from src.outbox.channels import Notice

logger = logging.getLogger(__name__)

SUBJECT_MIN, SUBJECT_MAX = 10, 120
MARKDOWN_MIN, MARKDOWN_MAX = 80, 10_000
TIME_TO_LIVE = 3600
NOTICE_NUMBER = re.compile(r"^[0123][0-9]{17}$")
ORGANIZATION_FISCAL_CODE = re.compile(r"^[0-9]{11}$")
# Appended to a short body: the specification wants at least 80 characters.
FOOTER = "\n\n---\nMessaggio inviato dal servizio Hub di comunità dell'Unione Valle del Savio."


class AppIOUnavailable(Exception):
    """IO did not take the message now (network, 429, 5xx): try again later."""

    def __init__(self, status: int | None = None):
        super().__init__(f"App IO unavailable ({status})")
        self.errno = status  # the outbox records it as the error's code


def appio_key(municipality) -> str:
    return settings.APP_IO_KEYS.get(getattr(municipality, "slug", ""), "")


def fit_subject(subject: str) -> str:
    subject = " ".join(subject.split())
    if len(subject) > SUBJECT_MAX:
        subject = subject[: SUBJECT_MAX - 1].rstrip() + "…"
    if len(subject) < SUBJECT_MIN:
        subject = (subject + " - Hub di comunità").strip(" -")
    return subject


def fit_markdown(markdown: str) -> str:
    markdown = markdown.strip()
    if len(markdown) < MARKDOWN_MIN:
        markdown += FOOTER
    if len(markdown) > MARKDOWN_MAX:
        markdown = markdown[: MARKDOWN_MAX - 1].rstrip() + "…"
    return markdown


def message_body(*, fiscal_code: str, notice: Notice, municipality) -> dict:
    """The NewMessage the specification defines, within its limits."""
    content = {"subject": fit_subject(notice.subject), "markdown": fit_markdown(notice.markdown)}
    if notice.due_date is not None:
        stamp = notice.due_date.astimezone(UTC)
        content["due_date"] = stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"
    if notice.payment is not None:
        payee = notice.payment.payee_fiscal_code or settings.APP_IO_PAYEES.get(municipality.slug, "")
        if not NOTICE_NUMBER.match(notice.payment.notice_number) or not ORGANIZATION_FISCAL_CODE.match(payee):
            raise ValueError("A pagoPA notice needs an 18-digit notice number and the payee's 11-digit fiscal code.")
        content["payment_data"] = {
            "amount": int(notice.payment.amount_cents),
            "notice_number": notice.payment.notice_number,
            "invalid_after_due_date": notice.payment.invalid_after_due_date,
            "payee": {"fiscal_code": payee},
        }
    return {"time_to_live": TIME_TO_LIVE, "content": content, "fiscal_code": fiscal_code}


def _post(path: str, *, key: str, body: dict) -> requests.Response:
    try:
        response = requests.post(
            f"{settings.APP_IO_URL}{path}",
            json=body,
            headers={"Ocp-Apim-Subscription-Key": key},
            timeout=settings.APP_IO_TIMEOUT,
        )
    except requests.RequestException:
        raise AppIOUnavailable()
    if response.status_code == 429 or response.status_code >= 500:
        raise AppIOUnavailable(response.status_code)
    return response


def appio_profile_allows(*, fiscal_code: str, key: str) -> bool:
    """The person is on IO and has not turned our service off there."""
    response = _post("/profiles", key=key, body={"fiscal_code": fiscal_code})
    if response.status_code == 404:
        return False
    if response.status_code != 200:
        # A refused key (401/403) is our configuration's fault: the person still gets an e-mail.
        logger.error("App IO refused the profile check (%s): check the comune's service key", response.status_code)
        return False
    try:
        return response.json().get("sender_allowed") is True
    except ValueError:
        raise AppIOUnavailable(response.status_code)


def appio_send(*, person, municipality, notice: Notice) -> bool:
    """Send `notice` on IO; False when the person cannot get it there (fall back to e-mail)."""
    key = appio_key(municipality)
    fiscal_code = person.fiscal_code_verified
    if not key or not fiscal_code:
        return False
    if not appio_profile_allows(fiscal_code=fiscal_code, key=key):
        return False
    response = _post(
        "/messages", key=key, body=message_body(fiscal_code=fiscal_code, notice=notice, municipality=municipality)
    )
    if response.status_code == 201:
        return True
    if response.status_code in (401, 403):
        logger.error("App IO refused the message (%s): check the comune's service key", response.status_code)
        return False
    # 400: our body does not match the specification. A bug: failing loudly beats a silent e-mail.
    raise ValueError(f"App IO refused the message body ({response.status_code})")
