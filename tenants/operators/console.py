"""The organisation staff's console: today's sheet of every hub they run, across comuni.

One SQL statement for every hub of every comune (a UNION ALL over the comuni's schemas,
built by tenants.comuni.sql.union_all with the tables and states of
tenants/reporting/catalogue.py), never a loop over comuni. Each comune's branch reads only
the hubs the person runs there (their ids are a parameter of that branch).

The sheet of a hub splits its day the way the hub's own front desk does
(src/bookings/selectors.front_desk_sheet): bookings overlapping the local day, the rooms
held for events apart; expected (held or confirmed), checked in, closed (completed,
cancelled, no-show); walk-ins are the bookings made at the front desk. Desk appointments
are those starting that day, but a hold that lapsed (as the desk's agenda); events those
starting that day, with their registrations and attendance (as the attendance sheet).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from tenants.comuni.clock import ROME
from tenants.comuni.models import Municipality
from tenants.comuni.selectors import municipality_url
from tenants.comuni.sql import quote_ident, union_all
from tenants.operators.access import hubs_run_by, local_today
from tenants.reporting.catalogue import (
    BOOKING_ACTIVE,
    SQL,
    AppointmentState,
    BookingState,
    RegistrationState,
)

_COLUMNS = (
    "kind, comune_index, hub_id, ref, starts_at, ends_at, state, walk_in, title, holder, hub_slug, "
    "event_id, desk_id, registered, attended, capacity"
)

# One comune's branches. {i} maps a row back to its comune and to the branch's hub ids.
_BRANCHES = (
    """SELECT 'hub' AS kind, {i} AS comune_index, h.id AS hub_id, NULL::text AS ref,
              NULL::timestamptz AS starts_at, NULL::timestamptz AS ends_at, NULL::text AS state,
              NULL::boolean AS walk_in, h.name::text AS title, NULL::text AS holder, h.slug::text AS hub_slug,
              NULL::bigint AS event_id, NULL::bigint AS desk_id, NULL::bigint AS registered,
              NULL::bigint AS attended, NULL::integer AS capacity
       FROM {s}.{table.hub} h
       WHERE h.id = ANY(%(hubs_{i})s)""",
    """SELECT 'booking', {i}, b.hub_id, b.code::text, lower(b.period), upper(b.period), b.state::text,
              b.channel = {channel.front_desk},
              CASE WHEN seat.id IS NULL THEN sp.name::text ELSE seat.label || ' · ' || sp.name END,
              CASE WHEN b.person_id IS NULL THEN b.note::text
                   ELSE coalesce(nullif(trim(u.first_name || ' ' || u.last_name), ''), u.email)::text END,
              NULL, b.event_id, NULL, NULL, NULL, NULL
       FROM {s}.{table.booking} b
       JOIN {s}.{table.space} sp ON sp.id = b.space_id
       LEFT JOIN {s}.{table.seat} seat ON seat.id = b.seat_id
       LEFT JOIN {users} u ON u.id = b.person_id
       WHERE b.hub_id = ANY(%(hubs_{i})s) AND b.period && tstzrange(%(day_start)s, %(day_end)s, '[)')""",
    """SELECT 'appointment', {i}, d.hub_id, a.code::text, lower(a.period), upper(a.period), a.state::text,
              NULL, d.name::text, a.applicant_name::text, NULL, NULL, d.id, NULL, NULL, NULL
       FROM {s}.{table.appointment} a
       JOIN {s}.{table.service_desk} d ON d.id = a.desk_id
       WHERE d.hub_id = ANY(%(hubs_{i})s) AND a.state <> {appointment.expired}
         AND lower(a.period) >= %(day_start)s AND lower(a.period) < %(day_end)s""",
    """SELECT 'event', {i}, e.hub_id, e.id::text, e.starts_at, e.ends_at, NULL, NULL, e.title::text, NULL, NULL,
              e.id, NULL,
              (SELECT count(*) FROM {s}.{table.event_registration} r
                WHERE r.event_id = e.id AND r.state IN {registration.seated}),
              (SELECT count(*) FROM {s}.{table.event_registration} r
                WHERE r.event_id = e.id AND r.state = {registration.attended}),
              e.capacity::integer
       FROM {s}.{table.event} e
       WHERE e.hub_id = ANY(%(hubs_{i})s) AND e.starts_at >= %(day_start)s AND e.starts_at < %(day_end)s""",
)


@dataclass(frozen=True)
class SheetRow:
    ref: str  # booking or appointment code, event id
    starts_at: datetime
    ends_at: datetime
    state: str
    state_label: str
    title: str  # the place, the desk, the event
    holder: str  # the person, or the event a room is held for
    walk_in: bool = False  # booked at the front desk
    event_id: int | None = None
    desk_id: int | None = None
    registered: int = 0
    attended: int = 0
    capacity: int = 0
    url: str = ""  # the desk's agenda, the event's attendance sheet, on the comune's site


@dataclass
class HubSheet:
    municipality: Municipality
    hub_id: int
    slug: str
    name: str
    expected: list[SheetRow] = field(default_factory=list)
    checked_in: list[SheetRow] = field(default_factory=list)
    closed: list[SheetRow] = field(default_factory=list)
    event_holds: list[SheetRow] = field(default_factory=list)
    appointments: list[SheetRow] = field(default_factory=list)
    events: list[SheetRow] = field(default_factory=list)
    front_desk_url: str = ""

    @property
    def no_shows(self) -> list[SheetRow]:
        return [row for row in self.closed if row.state == BookingState.NO_SHOW]

    @property
    def walk_ins(self) -> list[SheetRow]:
        people = self.expected + self.checked_in + self.closed
        return sorted((row for row in people if row.walk_in), key=_order)

    @property
    def appointments_attended(self) -> int:
        return sum(1 for row in self.appointments if row.state == AppointmentState.ATTENDED)

    @property
    def events_registered(self) -> int:
        return sum(row.registered for row in self.events)

    @property
    def events_attended(self) -> int:
        return sum(row.attended for row in self.events)


@dataclass
class ConsoleSheet:
    day: date
    hubs: list[HubSheet]

    def total(self, name: str) -> int:
        return sum(len(getattr(hub, name)) for hub in self.hubs)


def _order(row: SheetRow):
    return (row.starts_at, row.title, row.ref)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The local day as instants (23 or 25 hours on the nights the clocks change)."""
    start = datetime.combine(day, time(0), tzinfo=ROME)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=ROME)
    return start, end


def _comune_url(municipality, name: str, args: list, request) -> str:
    """A page on the comune's own site. Opening it there signs the person in through the union's
    single sign-on (tenants/identity/sso.py): no second password."""
    return municipality_url(municipality, reverse(name, args=args, urlconf=settings.ROOT_URLCONF), request=request)


def console_sql(comuni: list[Municipality]) -> str:
    # The people table in the public schema, for the name on a booking (the front desk shows it).
    users = f"{quote_ident(settings.PUBLIC_SCHEMA_NAME)}.{quote_ident(get_user_model()._meta.db_table)}"
    branches = union_all(_BRANCHES, [m.schema_name for m in comuni], users=users, **SQL)
    return f"SELECT {_COLUMNS} FROM (\n{branches}\n) AS sheet ORDER BY comune_index, hub_id, starts_at, ref"


def sheet_for_hubs(hubs: dict[int, set[int]], day: date, *, request=None) -> ConsoleSheet:
    """The sheet of `hubs` (comune id → hub ids) on `day`: one query across the comuni's schemas."""
    comuni = list(Municipality.objects.filter(pk__in=hubs).prefetch_related("domains").order_by("name"))
    if not comuni:
        return ConsoleSheet(day=day, hubs=[])
    start, end = day_bounds(day)
    params = {"day_start": start, "day_end": end}
    params.update({f"hubs_{i}": sorted(hubs[m.pk]) for i, m in enumerate(comuni)})
    with connection.cursor() as cursor:
        cursor.execute(console_sql(comuni), params)
        rows = cursor.fetchall()
    labels = {
        "booking": dict(BookingState.choices),
        "appointment": dict(AppointmentState.choices),
    }
    sheets: dict[tuple[int, int], HubSheet] = {}
    items = []
    for (
        kind,
        index,
        hub_id,
        ref,
        starts_at,
        ends_at,
        state,
        walk_in,
        title,
        holder,
        slug,
        event_id,
        desk_id,
        registered,
        attended,
        capacity,
    ) in rows:
        municipality = comuni[index]
        if kind == "hub":
            sheets[(index, hub_id)] = HubSheet(
                municipality=municipality,
                hub_id=hub_id,
                slug=slug,
                name=title,
                front_desk_url=_comune_url(municipality, "bookings:front_desk", [slug], request),
            )
            continue
        url = ""
        if kind == "appointment":
            url = _comune_url(municipality, "appointments:appointment_agenda", [desk_id], request)
            url += f"?giorno={day.isoformat()}"
        elif kind == "event":
            url = _comune_url(municipality, "events:attendance", [event_id], request)
        row = SheetRow(
            url=url,
            ref=ref,
            starts_at=starts_at,
            ends_at=ends_at,
            state=state or "",
            state_label=str(labels.get(kind, {}).get(state, state or "")),
            title=title or "",
            holder=holder or "",
            walk_in=bool(walk_in),
            event_id=event_id,
            desk_id=desk_id,
            registered=int(registered or 0),
            attended=int(attended or 0),
            capacity=int(capacity or 0),
        )
        items.append((kind, index, hub_id, row))
    for kind, index, hub_id, row in items:
        sheet = sheets.get((index, hub_id))
        if sheet is None:
            continue
        if kind == "appointment":
            sheet.appointments.append(row)
        elif kind == "event":
            sheet.events.append(row)
        elif row.event_id is not None:
            if row.state in BOOKING_ACTIVE:
                sheet.event_holds.append(row)
        elif row.state in (BookingState.HELD, BookingState.CONFIRMED):
            sheet.expected.append(row)
        elif row.state == BookingState.CHECKED_IN:
            sheet.checked_in.append(row)
        else:
            sheet.closed.append(row)
    for sheet in sheets.values():
        for name in ("expected", "checked_in", "closed", "event_holds", "appointments", "events"):
            getattr(sheet, name).sort(key=_order)
    ordered = sorted(sheets.values(), key=lambda s: (s.municipality.name, s.name))
    return ConsoleSheet(day=day, hubs=ordered)


def console_sheet(user, *, day: date | None = None, request=None) -> ConsoleSheet:
    """Today's sheet of every hub `user` runs under their organisation's contracts, in every comune."""
    day = day or local_today()
    return sheet_for_hubs(hubs_run_by(user, day=day), day, request=request)


# Registration states, for the templates' labels.
REGISTRATION_STATES = dict(RegistrationState.choices)
