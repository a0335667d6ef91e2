"""A person's seat bookings, desk appointments and event registrations in every comune.

Each comune keeps its own rows in its own schema; this reads them all with one
SQL query, a UNION ALL generated over the comuni's schemas, rather than one
query per comune from Python (docs/architecture.md: only SQL reads across schemas).
"""

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tenants.comuni.models import Municipality
from tenants.comuni.selectors import municipality_list, municipality_url
from tenants.comuni.sql import quote_ident

# The states in which an item still stands (the rest are cancelled or over).
LIVE_STATES = {
    "appointment": {"booked"},
    "event": {"registered", "waitlisted"},
    "booking": {"held", "confirmed", "checked_in"},
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

    @property
    def is_upcoming(self) -> bool:
        return self.state in LIVE_STATES[self.kind] and self.ends_at >= timezone.now()


def _schema(municipality: Municipality) -> str:
    return quote_ident(municipality.schema_name)


def _table(schema: str, app_label: str, model: str) -> str:
    return f"{schema}.{connection.ops.quote_name(apps.get_model(app_label, model)._meta.db_table)}"


def _has_bookings() -> bool:
    return "booking" in apps.all_models.get("bookings", {})


def _branches(municipality: Municipality) -> list[str]:
    s, mid = _schema(municipality), int(municipality.pk)
    hub = _table(s, "hubs", "Hub")
    branches = [
        f"""SELECT 'appointment' AS kind, {mid} AS municipality_id, a.code AS reference, d.name AS title,
                   h.name AS place, lower(a.period) AS starts_at, upper(a.period) AS ends_at, a.state
            FROM {_table(s, "appointments", "Appointment")} a
            JOIN {_table(s, "desks", "ServiceDesk")} d ON d.id = a.desk_id
            JOIN {hub} h ON h.id = d.hub_id
            WHERE a.person_id = %(person)s""",
        f"""SELECT 'event', {mid}, e.id::text, e.title, h.name, e.starts_at, e.ends_at, r.state
            FROM {_table(s, "events", "EventRegistration")} r
            JOIN {_table(s, "events", "Event")} e ON e.id = r.event_id
            JOIN {hub} h ON h.id = e.hub_id
            WHERE r.person_id = %(person)s""",
    ]
    if _has_bookings():
        branches.append(
            f"""SELECT 'booking', {mid}, b.code,
                       CASE WHEN seat.id IS NULL THEN sp.name ELSE sp.name || ' · ' || seat.label END,
                       h.name, lower(b.period), upper(b.period), b.state
                FROM {_table(s, "bookings", "Booking")} b
                JOIN {_table(s, "hubs", "Space")} sp ON sp.id = b.space_id
                LEFT JOIN {_table(s, "hubs", "Seat")} seat ON seat.id = b.seat_id
                JOIN {hub} h ON h.id = b.hub_id
                WHERE b.person_id = %(person)s"""
        )
    return branches


def my_items_sql(comuni: list[Municipality]) -> str:
    branches = [branch for municipality in comuni for branch in _branches(municipality)]
    return "SELECT * FROM (\n" + "\nUNION ALL\n".join(branches) + "\n) AS items ORDER BY starts_at"


def _state_labels() -> dict[str, dict[str, str]]:
    labels = {
        "appointment": dict(apps.get_model("appointments", "Appointment").State.choices),
        "event": dict(apps.get_model("events", "EventRegistration").State.choices),
    }
    if _has_bookings():
        labels["booking"] = dict(apps.get_model("bookings", "Booking").State.choices)
    return labels


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
    comuni = {m.pk: m for m in municipality_list().prefetch_related("domains")}
    if not comuni or not getattr(person, "is_authenticated", False):
        return []
    with connection.cursor() as cursor:
        cursor.execute(my_items_sql(list(comuni.values())), {"person": person.pk})
        rows = cursor.fetchall()
    labels = _state_labels()
    return [
        MyItem(
            kind=kind,
            municipality=comuni[municipality_id],
            reference=reference,
            title=title,
            place=place,
            starts_at=starts_at,
            ends_at=ends_at,
            state=state,
            state_label=str(labels.get(kind, {}).get(state, state)),
            url=municipality_url(comuni[municipality_id], _path(kind, reference), request=request),
        )
        for kind, municipality_id, reference, title, place, starts_at, ends_at, state in rows
    ]
