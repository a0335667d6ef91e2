"""Notification channels, fed by the outbox: e-mail, App IO and web push.

An outbox handler (src/<app>/notifications.py) builds a `Notice` and calls
`notice_deliver`; domain apps never call a channel directly. The person's choice
(`PersonalSettings.channel`, in the personal area) picks the channel; when it cannot
carry the notice (not on IO, no verified fiscal code, the comune has no IO key, no
browser subscribed to push) the notice goes by e-mail instead. A channel that is
down for a while (App IO answering 5xx or 429, a timeout) raises, and the outbox
tries the whole message again later with backoff.

Opting out of a kind of notice (the reminders' switches) is decided before the
notice is enqueued, so a person who turned reminders off gets none on any channel.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from tenants.identity.models import NotificationChannel
from tenants.identity.selectors import personal_settings_get


@dataclass(frozen=True)
class PaymentDue:
    """A pagoPA notice the person has to pay: shown as "Paga" in App IO."""

    amount_cents: int
    notice_number: str  # 18 digits, "Numero Avviso"
    payee_fiscal_code: str = ""  # the comune's; default APP_IO_PAYEES[slug]
    invalid_after_due_date: bool = False


@dataclass
class Notice:
    """One notice to one person, in the shapes every channel needs."""

    subject: str  # App IO wants 10-120 characters (fitted by the App IO channel)
    markdown: str  # App IO's body (80-10,000 characters), push's text from its first paragraph
    send_email: Callable[[], None]  # the e-mail as the app renders it (HTML, attachments)
    url: str = ""  # where the notice leads (push click, link in the App IO body)
    due_date: datetime | None = None
    payment: PaymentDue | None = None


def notice_deliver(*, person, municipality, notice: Notice) -> str:
    """Send `notice` to `person` on their chosen channel, else by e-mail; returns the channel used."""
    from src.outbox.channels import appio, webpush

    choice = personal_settings_get(person).channel
    if choice == NotificationChannel.APP_IO and appio.appio_send(
        person=person, municipality=municipality, notice=notice
    ):
        return NotificationChannel.APP_IO
    if choice == NotificationChannel.WEB_PUSH and webpush.webpush_send(person=person, notice=notice):
        return NotificationChannel.WEB_PUSH
    notice.send_email()
    return NotificationChannel.EMAIL
