"""Le mie prenotazioni on a comune's site: the person's seat and room bookings, desk appointments
and event registrations in this comune, on one page.

The portal is the one layer that may read several domain apps; each app's own selector reads
its rows (always filtered by the signed-in person). The union's page (tenants/union/my_bookings.py)
shows the same across every comune with one SQL query; here one comune's schema is enough.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from src.appointments.models import Appointment
from src.appointments.selectors import appointments_for_person
from src.bookings import selectors as bookings
from src.common import charging
from src.events.models import EventRegistration
from src.events.selectors import registrations_for_person
from tenants.identity.calendar_feed import calendar_feed_token

BOOKING, APPOINTMENT, EVENT = "booking", "appointment", "event"
KIND_LABELS = {BOOKING: _("Postazione o sala"), APPOINTMENT: _("Appuntamento"), EVENT: _("Evento")}
LIVE_APPOINTMENT = {Appointment.State.HELD, Appointment.State.BOOKED}
LIVE_REGISTRATION = {EventRegistration.State.REGISTERED, EventRegistration.State.WAITLISTED}


@dataclass
class MyItem:
    kind: str
    title: str
    place: str
    starts_at: datetime
    ends_at: datetime
    state: str
    state_label: str
    url: str
    reference: str = ""  # the booking's or appointment's code
    upcoming: bool = False
    booking: object = None  # a booking's row, for its actions
    offer: object = None  # the waitlist offer a held booking stands for
    cancel: object = None  # bookings.CancelCheck
    extra: dict = field(default_factory=dict)

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


def _booking_items(person, now) -> list[MyItem]:
    policy = bookings.policy_get()
    offers = {
        entry.offered_booking_id: entry for entry in bookings.waitlist_for_person(person) if entry.state == "offered"
    }
    items = []
    for booking in bookings.bookings_for_person(person):
        items.append(
            MyItem(
                kind=BOOKING,
                title=booking.place_label,
                place=booking.hub.name,
                starts_at=booking.start,
                ends_at=booking.end,
                state=booking.state,
                state_label=booking.get_state_display(),
                url=reverse("bookings:detail", kwargs={"code": booking.code}),
                reference=booking.code,
                upcoming=booking.is_active and booking.end >= now,
                booking=booking,
                offer=offers.get(booking.pk),
                cancel=bookings.booking_cancel_check(booking, policy=policy, now=now),
            )
        )
    # What each booking paid, owes or got back (src/common/charging.py: payments answer).
    money = charging.booking_money([item.booking.pk for item in items])
    for item in items:
        if item.booking.pk in money:
            item.extra["money"] = money[item.booking.pk]
    return items


def _appointment_items(person, now) -> list[MyItem]:
    check_url = reverse("appointments:appointment_check")
    return [
        MyItem(
            kind=APPOINTMENT,
            title=appointment.desk.name,
            place=appointment.desk.hub.name,
            starts_at=appointment.start,
            ends_at=appointment.end,
            state=appointment.state,
            state_label=appointment.get_state_display(),
            url=f"{check_url}?codice={appointment.code}",
            reference=appointment.code,
            upcoming=appointment.state in LIVE_APPOINTMENT and appointment.end >= now,
        )
        for appointment in appointments_for_person(person).exclude(state=Appointment.State.EXPIRED)
    ]


def _event_items(person, now) -> list[MyItem]:
    return [
        MyItem(
            kind=EVENT,
            title=registration.event.title,
            place=registration.event.hub.name,
            starts_at=registration.event.starts_at,
            ends_at=registration.event.ends_at,
            state=registration.state,
            state_label=registration.get_state_display(),
            url=reverse("events:event_detail", args=[registration.event_id]),
            upcoming=registration.state in LIVE_REGISTRATION and registration.event.ends_at >= now,
        )
        for registration in registrations_for_person(person)
    ]


def my_items(person, *, now: datetime | None = None) -> tuple[list[MyItem], list[MyItem]]:
    """(upcoming soonest first, past and cancelled latest first) of `person` in the current comune."""
    now = now or timezone.now()
    items = _booking_items(person, now) + _appointment_items(person, now) + _event_items(person, now)
    upcoming = sorted((i for i in items if i.upcoming), key=lambda i: i.starts_at)
    past = sorted((i for i in items if not i.upcoming), key=lambda i: i.starts_at, reverse=True)
    return upcoming, past


@login_required
def my_bookings(request):
    upcoming, past = my_items(request.user)
    waiting = [entry for entry in bookings.waitlist_for_person(request.user) if entry.state == "waiting"]
    return render(
        request,
        "portal/my_bookings.html",
        {
            "upcoming": upcoming,
            "past": past,
            "waiting": waiting,
            "feed_url": request.build_absolute_uri(
                reverse("bookings:calendar_feed", args=[calendar_feed_token(request.user)])
            ),
        },
    )
