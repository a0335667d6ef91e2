"""A person's seat bookings, desk appointments and event registrations in every comune.

Each comune keeps its own rows in its own schema; this reads them all with one
SQL query, a UNION ALL generated over the comuni's schemas, rather than one
query per comune from Python (DESIGN.md §3: only SQL reads across schemas).
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tenants.comuni.models import Municipality
from tenants.comuni.selectors import municipality_list, municipality_url
from tenants.comuni.sql import union_all
from tenants.reporting.catalogue import (
    BOOKING_ACTIVE,
    SQL,
    AppointmentState,
    BookingState,
    OrderState,
    RegistrationState,
)

# The states in which an item still stands (the rest are cancelled or over).
LIVE_STATES = {
    "appointment": {AppointmentState.BOOKED},
    "event": {RegistrationState.REGISTERED, RegistrationState.WAITLISTED},
    "booking": set(BOOKING_ACTIVE),
}


@dataclass(frozen=True)
class MyItem:
    kind: str  # "booking", "appointment" or "event"
    municipality: Municipality
    reference: str  # the booking or appointment code, the event id
    title: str
    place: str
    starts_at: datetime
    ends_at: datetime
    state: str
    state_label: str
    url: str
    covered_by: str = ""  # the firm whose agreement covers a booking
    money: str = ""  # a booking's payment: "Da pagare: 10,00 €", "Pagato: 10,00 €"
    pay_url: str = ""  # where to pay what is owed, on the comune's site

    @property
    def is_upcoming(self) -> bool:
        return self.state in LIVE_STATES[self.kind] and self.ends_at >= timezone.now()


# One comune's items, one branch per kind; {i} maps a row back to its comune.
_BRANCHES = (
    """SELECT 'appointment' AS kind, {i} AS comune_index, a.code AS reference, d.name AS title,
              h.name AS place, lower(a.period) AS starts_at, upper(a.period) AS ends_at, a.state,
              NULL::text AS covered_by, NULL::text AS order_state, NULL::integer AS order_cents,
              NULL::timestamptz AS order_expires_at, NULL::text AS order_reference
       FROM {s}.{table.appointment} a
       JOIN {s}.{table.service_desk} d ON d.id = a.desk_id
       JOIN {s}.{table.hub} h ON h.id = d.hub_id
       WHERE a.person_id = %(person)s""",
    """SELECT 'event', {i}, e.id::text, e.title, h.name, e.starts_at, e.ends_at, r.state, NULL::text,
              NULL::text, NULL::integer, NULL::timestamptz, NULL::text
       FROM {s}.{table.event_registration} r
       JOIN {s}.{table.event} e ON e.id = r.event_id
       JOIN {s}.{table.hub} h ON h.id = e.hub_id
       WHERE r.person_id = %(person)s""",
    """SELECT 'booking', {i}, b.code,
              CASE WHEN seat.id IS NULL THEN sp.name ELSE sp.name || ' · ' || seat.label END,
              h.name, lower(b.period), upper(b.period), b.state,
              CASE WHEN b.{column.booking.agreement} IS NULL THEN NULL
                   ELSE b.{column.booking.agreement_terms} ->> 'firm' END,
              o.{column.payment_order.state}, o.{column.payment_order.amount_cents},
              o.{column.payment_order.expires_at}, o.{column.payment_order.reference}
       FROM {s}.{table.booking} b
       JOIN {s}.{table.space} sp ON sp.id = b.space_id
       LEFT JOIN {s}.{table.seat} seat ON seat.id = b.seat_id
       JOIN {s}.{table.hub} h ON h.id = b.hub_id
       LEFT JOIN {s}.{table.payment_order} o ON o.{column.payment_order.booking_id} = b.id
       WHERE b.person_id = %(person)s""",
)


def my_items_sql(comuni: list[Municipality]) -> str:
    branches = union_all(_BRANCHES, [m.schema_name for m in comuni], **SQL)
    return "SELECT * FROM (\n" + branches + "\n) AS items ORDER BY starts_at"


def _state_labels() -> dict[str, dict[str, str]]:
    return {
        "appointment": dict(AppointmentState.choices),
        "event": dict(RegistrationState.choices),
        "booking": dict(BookingState.choices),
    }


def _path(kind: str, reference: str) -> str:
    urlconf = settings.ROOT_URLCONF  # the comune's site, whatever site we are on
    if kind == "appointment":
        return f"{reverse('appointments:appointment_check', urlconf=urlconf)}?codice={reference}"
    if kind == "event":
        return reverse("events:event_detail", args=[int(reference)], urlconf=urlconf)
    try:
        return reverse("bookings:detail", kwargs={"code": reference}, urlconf=urlconf)
    except NoReverseMatch:
        return "/prenotazioni/"


def my_items(person, *, request=None) -> list[MyItem]:
    """Everything `person` booked, in every comune, soonest first. One query for all comuni."""
    comuni = list(municipality_list().prefetch_related("domains"))
    if not comuni or not getattr(person, "is_authenticated", False):
        return []
    with connection.cursor() as cursor:
        cursor.execute(my_items_sql(comuni), {"person": person.pk})
        rows = cursor.fetchall()
    labels = _state_labels()
    now = timezone.now()
    items = []
    for kind, index, reference, title, place, starts_at, ends_at, state, covered_by, *order in rows:
        money, pay_path = _money(*order, now=now)
        items.append(
            MyItem(
                kind=kind,
                municipality=comuni[index],
                reference=reference,
                title=title,
                place=place,
                starts_at=starts_at,
                ends_at=ends_at,
                state=state,
                state_label=str(labels.get(kind, {}).get(state, state)),
                url=municipality_url(comuni[index], _path(kind, reference), request=request),
                covered_by=covered_by or "",
                money=money,
                pay_url=municipality_url(comuni[index], pay_path, request=request) if pay_path else "",
            )
        )
    return items


def _money(state, cents, expires_at, reference, *, now) -> tuple[str, str]:
    """What the booking's order says (as the comune's own page): owed with where to pay, or paid."""
    if state is None:
        return "", ""
    amount = f"{formats.number_format(cents / 100, 2, use_l10n=True)} €"
    if state == OrderState.OPEN and (expires_at is None or expires_at >= now):
        path = reverse("payments:order", args=[reference], urlconf=settings.ROOT_URLCONF)
        return _("Da pagare: %(amount)s") % {"amount": amount}, path
    if state == OrderState.PAID:
        return _("Pagato: %(amount)s") % {"amount": amount}, ""
    return "", ""
