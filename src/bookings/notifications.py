"""E-mails about bookings, in the person's language, sent through the outbox (src/outbox).

The services enqueue a message in their own transaction (`*_later`); the outbox drain,
outside any request, calls the handlers below, which read the booking again and render
and send the e-mail. So links are built from the comune's primary domain.
"""

from email.mime.image import MIMEImage

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from src.bookings.ics import booking_ics
from src.bookings.models import Booking, WaitlistEntry
from src.common.qr import qr_png
from src.common.time import span, when
from src.outbox.channels import Notice, notice_deliver
from src.outbox.models import OutboxMessage
from src.outbox.services import outbox_enqueue, outbox_handler, outbox_message_new
from tenants.comuni.selectors import municipality_url

CONFIRMED = "bookings.confirmed"
CANCELLED = "bookings.cancelled"
REMINDER = "bookings.reminder"
WAITLIST_OFFERED = "bookings.waitlist_offered"


def _url(municipality, path: str) -> str:
    if municipality is None or not getattr(municipality, "pk", None):
        return path
    return municipality_url(municipality, path)


def _context(booking: Booking, municipality) -> dict:
    from src.bookings.selectors import policy_get

    return {
        "booking": booking,
        "person": booking.person,
        "municipality": municipality,
        "when": span(booking.start, booking.end),
        "detail_url": _url(municipality, reverse("bookings:detail", args=[booking.code])),
        "mine_url": _url(municipality, reverse("my_bookings")),
        "policy": policy_get(),
    }


def _send(*, person, subject: str, template: str, context: dict, attachments=(), qr_code: str | None = None) -> None:
    text = render_to_string(f"bookings/email/{template}.txt", context)
    html = render_to_string(f"bookings/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[person.email]
    )
    message.attach_alternative(html, "text/html")
    if qr_code:
        # Referenced as cid:qr by the HTML part: SVG is stripped by most mail clients, PNG is not.
        image = MIMEImage(qr_png(qr_code), _subtype="png")
        image.add_header("Content-ID", "<qr>")
        image.add_header("Content-Disposition", "inline", filename=f"{qr_code}.png")
        message.attach(image)
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    message.send()


def _domain(municipality) -> str:
    return getattr(municipality, "primary_domain", None) or settings.UNION_DOMAIN


def _fresh(booking_id: int) -> Booking:
    # Read at sending time, with what the e-mail shows.
    return Booking.objects.select_related("person", "hub", "space", "seat").get(pk=booking_id)


def _calendar(booking: Booking, municipality, context: dict) -> tuple[str, str, str]:
    ics = booking_ics(booking, domain=_domain(municipality), url=context["detail_url"])
    return (f"prenotazione-{booking.code}.ics", ics, "text/calendar")


@outbox_handler(CONFIRMED)
def booking_confirmed(message, municipality) -> None:
    booking = _fresh(message.obj_id)
    with translation.override(booking.person.language or "it"):
        context = _context(booking, municipality)
        _send(
            person=booking.person,
            subject=_("Prenotazione confermata: %(code)s") % {"code": booking.code},
            template="confirmed",
            context=context,
            attachments=[_calendar(booking, municipality, context)],
            qr_code=booking.code,
        )


@outbox_handler(REMINDER)
def booking_reminder(message, municipality) -> None:
    # Through the person's channel (App IO, web push), e-mail when it cannot carry it.
    booking = _fresh(message.obj_id)
    with translation.override(booking.person.language or "it"):
        context = _context(booking, municipality)
        subject = _("Promemoria: %(hub)s, %(when)s") % {"hub": booking.hub.name, "when": when(booking.start)}
        notice_deliver(
            person=booking.person,
            municipality=municipality,
            notice=Notice(
                subject=subject,
                markdown=render_to_string("bookings/appio/reminder.md", context),
                url=context["detail_url"],
                due_date=booking.start,
                send_email=lambda: _send(
                    person=booking.person,
                    subject=subject,
                    template="reminder",
                    context=context,
                    qr_code=booking.code,
                ),
            ),
        )


@outbox_handler(CANCELLED)
def booking_cancelled(message, municipality) -> None:
    booking = _fresh(message.obj_id)
    with translation.override(booking.person.language or "it"):
        context = _context(booking, municipality)
        _send(
            person=booking.person,
            subject=_("Prenotazione annullata: %(code)s") % {"code": booking.code},
            template="cancelled",
            context=context,
            attachments=[_calendar(booking, municipality, context)],
        )


@outbox_handler(WAITLIST_OFFERED)
def waitlist_offered(message, municipality) -> None:
    entry = WaitlistEntry.objects.select_related("person", "offered_booking", "offered_booking__hub").get(
        pk=message.obj_id
    )
    booking = Booking.objects.select_related("person", "hub", "space", "seat").get(pk=entry.offered_booking_id)
    with translation.override(entry.person.language or "it"):
        context = _context(booking, municipality)
        context.update(
            entry=entry,
            expires=when(booking.hold_expires_at),
            waitlist_url=_url(municipality, reverse("bookings:waitlist")),
        )
        _send(
            person=entry.person,
            subject=_("Si è liberato un posto: %(hub)s, %(when)s")
            % {"hub": booking.hub.name, "when": when(booking.start)},
            template="waitlist_offer",
            context=context,
        )


# What the services call, inside their transaction: the e-mail goes out only if it commits.


def booking_confirmed_later(booking: Booking) -> None:
    outbox_enqueue(kind=CONFIRMED, obj_id=booking.pk)


def booking_confirmed_message() -> OutboxMessage:
    """The confirmation of a booking being written, for its writer to insert with it (then `outbox_written()`)."""
    return outbox_message_new(kind=CONFIRMED)


def booking_cancelled_later(booking: Booking) -> None:
    outbox_enqueue(kind=CANCELLED, obj_id=booking.pk)


def waitlist_offered_later(entry: WaitlistEntry) -> None:
    outbox_enqueue(kind=WAITLIST_OFFERED, obj_id=entry.pk)
