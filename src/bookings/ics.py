"""A booking as an iCalendar event (e-mail attachment, the person's feed)."""

from django.utils.translation import gettext as _

from src.bookings.models import Booking
from src.common.ics import ics_event, vevent


def _summary(booking: Booking) -> str:
    return _("Hub %(hub)s: %(place)s") % {"hub": booking.hub.name, "place": booking.place_label}


def _event(booking: Booking, *, domain: str, url: str = "") -> dict:
    description = _("Codice di prenotazione: %(code)s") % {"code": booking.code}
    if url:
        description += "\n" + url
    return {
        "uid": f"{booking.code}@{domain}",
        "start": booking.start,
        "end": booking.end,
        "summary": _summary(booking),
        "location": ", ".join(p for p in (booking.hub.name, booking.hub.address, booking.hub.town) if p),
        "description": description,
        "url": url,
        "stamp": booking.created_at,
        "sequence": booking.transitions.count() if booking.pk else 0,
    }


def booking_event(booking: Booking, *, domain: str, url: str = "") -> list[str]:
    """A feed's event: a no-show or a cancellation shows as cancelled."""
    cancelled = booking.state in (Booking.State.CANCELLED, Booking.State.NO_SHOW)
    return vevent(cancelled=cancelled, **_event(booking, domain=domain, url=url))


def booking_ics(booking: Booking, *, domain: str, url: str = "") -> bytes:
    return ics_event(cancelled=booking.state == Booking.State.CANCELLED, **_event(booking, domain=domain, url=url))
