"""The facts every measure is computed from, each defined once as SQL over ONE comune's schema.

A fact is a small aggregate (per comune, hub, space and local day, mostly) of
the comune's own tables. `sql/source.py` turns a fact into either a generated
`UNION ALL` over the comuni's schemas (live) or the rollup table that
`rollup.py` fills from that same `UNION ALL` (for hundreds of comuni), so the
measures in `sql/measures.py` read the same columns either way.

Template placeholders: `{s}` the quoted schema, `{lit}` the schema as a string
literal, `{tz}` the time zone literal, and the comuni's tables and states from
`tenants/reporting/catalogue.py` (`{table.booking}`, `{booking.occupying}`...),
never typed here. Query parameters: `%(w_start)s` and
`%(w_end)s` (local dates, end excluded) and `%(w_start_ts)s`/`%(w_end_ts)s`
(the same bounds as instants), so every branch reads only the window asked for.

States (catalogue.py, from src/bookings/models.py): a booking "occupies" its
seat when confirmed, checked in or completed; "attended" means checked in or
completed; held bookings (payment not done yet) are not bookings yet; no-shows
and cancellations are counted but do not occupy. A room held for an event (a row
with `event_id`, no person) is no booking at all: `{booking.of_people}` leaves it
out of every booking fact; events are measured by `event_day`.
"""

from dataclasses import dataclass

from tenants.reporting.catalogue import tables_read


@dataclass(frozen=True)
class Fact:
    name: str
    columns: tuple[tuple[str, str], ...]
    template: str
    # Dimensions (hub names...) are read whole; facts only for the window.
    windowed: bool = True
    # Rollup index, besides (comune, day).
    index: tuple[str, ...] = ()

    @property
    def tables(self) -> set[str]:
        # Read off the template, so the role's grants cannot miss a table the SQL reads.
        return tables_read(self.template)

    @property
    def column_names(self) -> list[str]:
        return [name for name, _ in self.columns]

    def empty_sql(self) -> str:
        """A branch with the fact's columns and no rows: a union with no comune still type-checks."""
        cols = ", ".join(f"NULL::{sqltype} AS {name}" for name, sqltype in self.columns)
        return f"SELECT {cols} WHERE false"


BOOKING_DAY = Fact(
    name="booking_day",
    columns=(
        ("comune", "text"),
        ("hub_id", "bigint"),
        ("space_id", "bigint"),
        ("day", "date"),
        ("bookings", "bigint"),
        ("cancelled", "bigint"),
        ("no_show", "bigint"),
        ("attended", "bigint"),
        ("booked_hours", "double precision"),
        ("seat_hours", "double precision"),
        ("room_hours", "double precision"),
    ),
    template="""
SELECT {lit}::text, b.hub_id, b.space_id, (lower(b.period) AT TIME ZONE {tz})::date,
       count(*) FILTER (WHERE b.state <> {booking.held}),
       count(*) FILTER (WHERE b.state = {booking.cancelled}),
       count(*) FILTER (WHERE b.state = {booking.no_show}),
       count(*) FILTER (WHERE b.state IN {booking.attended}),
       coalesce(sum(x.hours) FILTER (WHERE b.state IN {booking.occupying}), 0),
       coalesce(sum(x.hours) FILTER (WHERE b.state IN {booking.occupying} AND b.seat_id IS NOT NULL), 0),
       coalesce(sum(x.hours) FILTER (WHERE b.state IN {booking.occupying} AND b.seat_id IS NULL), 0)
FROM {s}.{table.booking} b
CROSS JOIN LATERAL (SELECT date_part('epoch', upper(b.period) - lower(b.period)) / 3600.0 AS hours) x
WHERE lower(b.period) >= %(w_start_ts)s AND lower(b.period) < %(w_end_ts)s
  AND {booking.of_people}
GROUP BY b.hub_id, b.space_id, 4
""",
    index=("space_id",),
)

# One row per person and space and day they had a live booking: unique people,
# categories, and the checked-in days that commuting avoided is counted on.
PERSON_DAY = Fact(
    name="person_day",
    columns=(
        ("comune", "text"),
        ("hub_id", "bigint"),
        ("space_id", "bigint"),
        ("day", "date"),
        ("person_id", "bigint"),
        ("attended", "boolean"),
        ("first_attended", "timestamptz"),
        ("agreement_id", "bigint"),
    ),
    # agreement_id: the firm's agreement (public schema) that covered the person's booking that
    # day, if any: "firm employee under an agreement" and "usage per agreement".
    template="""
SELECT {lit}::text, b.hub_id, b.space_id, (lower(b.period) AT TIME ZONE {tz})::date, b.person_id,
       bool_or(b.state IN {booking.attended}),
       min(lower(b.period)) FILTER (WHERE b.state IN {booking.attended}),
       max(b.{column.booking.agreement})
FROM {s}.{table.booking} b
WHERE lower(b.period) >= %(w_start_ts)s AND lower(b.period) < %(w_end_ts)s
  AND b.state NOT IN {booking.not_people}
  AND {booking.of_people}
GROUP BY b.hub_id, b.space_id, 4, b.person_id
""",
    index=("person_id",),
)

# Booked hours falling in each clock hour (local time): busiest hours and weekdays.
BOOKING_HOUR = Fact(
    name="booking_hour",
    columns=(
        ("comune", "text"),
        ("hub_id", "bigint"),
        ("day", "date"),
        ("hour", "integer"),
        ("booked_hours", "double precision"),
    ),
    template="""
SELECT {lit}::text, b.hub_id, slot::date, extract(hour FROM slot)::integer,
       sum(date_part('epoch', least(t.hi, slot + interval '1 hour') - greatest(t.lo, slot)) / 3600.0)
FROM {s}.{table.booking} b
CROSS JOIN LATERAL (SELECT lower(b.period) AT TIME ZONE {tz} AS lo, upper(b.period) AT TIME ZONE {tz} AS hi) t
CROSS JOIN LATERAL generate_series(date_trunc('hour', t.lo), t.hi - interval '1 microsecond', interval '1 hour') AS slot
WHERE lower(b.period) >= %(w_start_ts)s AND lower(b.period) < %(w_end_ts)s
  AND b.state IN {booking.occupying}
  AND {booking.of_people}
GROUP BY b.hub_id, 3, 4
""",
)

# What could have been booked: per space and day, the hub's open hours and the
# number of bookable units (seats of the day's layout; a room booked only whole
# is one unit). Mirrors src/hubs/selectors.py: a closure or a day before the hub
# opened means closed; special openings replace the weekly hours; overlapping
# intervals are merged. Hours are wall-clock (the daylight-saving change happens
# at night, with every hub closed).
CAPACITY_DAY = Fact(
    name="capacity_day",
    columns=(
        ("comune", "text"),
        ("hub_id", "bigint"),
        ("space_id", "bigint"),
        ("day", "date"),
        ("open_hours", "double precision"),
        ("units", "integer"),
    ),
    template="""
WITH days AS (
  SELECT d::date AS day FROM generate_series(%(w_start)s::date, %(w_end)s::date - 1, interval '1 day') AS d
), weekly AS (
  SELECT w.hub_id, w.weekday,
         (SELECT coalesce(sum(date_part('epoch', upper(r) - lower(r))), 0) / 3600.0 FROM unnest(w.m) AS r) AS hours
  FROM (SELECT hub_id, weekday, range_agg(tsrange(DATE '2000-01-01' + opens, DATE '2000-01-01' + closes)) AS m
        FROM {s}.{table.opening_hours} GROUP BY hub_id, weekday) w
), special AS (
  SELECT w.hub_id, w.date,
         (SELECT coalesce(sum(date_part('epoch', upper(r) - lower(r))), 0) / 3600.0 FROM unnest(w.m) AS r) AS hours
  FROM (SELECT so.hub_id, so.date, range_agg(tsrange(so.date + so.opens, so.date + so.closes)) AS m
        FROM {s}.{table.special_opening} so
        WHERE so.date >= %(w_start)s::date AND so.date < %(w_end)s::date GROUP BY so.hub_id, so.date) w
), closed AS (
  SELECT DISTINCT c.hub_id, d::date AS day
  FROM {s}.{table.closure} c
  CROSS JOIN LATERAL generate_series(greatest(c.starts_on, %(w_start)s::date),
                                     least(c.ends_on, %(w_end)s::date - 1), interval '1 day') AS d
), hub_day AS (
  SELECT h.id AS hub_id, days.day,
         CASE WHEN h.opened_on IS NOT NULL AND days.day < h.opened_on THEN 0
              WHEN cl.hub_id IS NOT NULL THEN 0
              WHEN sp.hours IS NOT NULL THEN sp.hours
              ELSE coalesce(wk.hours, 0) END AS open_hours
  FROM {s}.{table.hub} h
  CROSS JOIN days
  LEFT JOIN weekly wk ON wk.hub_id = h.id AND wk.weekday = extract(isodow FROM days.day)::integer - 1
  LEFT JOIN special sp ON sp.hub_id = h.id AND sp.date = days.day
  LEFT JOIN closed cl ON cl.hub_id = h.id AND cl.day = days.day
), layout_units AS (
  SELECT l.id AS layout_id, l.whole_room_only, count(st.id) AS seats
  FROM {s}.{table.layout} l
  LEFT JOIN {s}.{table.layout_seats} ls ON ls.layout_id = l.id
  LEFT JOIN {s}.{table.seat} st ON st.id = ls.seat_id AND st.is_active AND st.space_id = l.space_id
  GROUP BY l.id, l.whole_room_only
), space_seats AS (
  SELECT sp.id AS space_id, count(st.id) AS seats
  FROM {s}.{table.space} sp LEFT JOIN {s}.{table.seat} st ON st.space_id = sp.id AND st.is_active
  GROUP BY sp.id
)
SELECT {lit}::text, sp.hub_id, sp.id, hd.day, hd.open_hours,
       (CASE WHEN lu.layout_id IS NULL THEN
                  CASE WHEN ss.seats > 0 THEN ss.seats WHEN sp.bookable_whole THEN 1 ELSE 0 END
             WHEN lu.whole_room_only THEN 1
             WHEN lu.seats > 0 THEN lu.seats
             WHEN sp.bookable_whole THEN 1 ELSE 0 END)::integer
FROM {s}.{table.space} sp
JOIN hub_day hd ON hd.hub_id = sp.hub_id
JOIN space_seats ss ON ss.space_id = sp.id
LEFT JOIN {s}.{table.layout_schedule} lsch ON lsch.space_id = sp.id AND lsch.date = hd.day
LEFT JOIN layout_units lu ON lu.layout_id = coalesce(lsch.layout_id, sp.default_layout_id)
""",
    index=("space_id",),
)

APPOINTMENT_DAY = Fact(
    name="appointment_day",
    columns=(
        ("comune", "text"),
        ("hub_id", "bigint"),
        ("desk_id", "bigint"),
        ("topic", "text"),
        ("day", "date"),
        ("appointments", "bigint"),
        ("cancelled", "bigint"),
        ("attended", "bigint"),
        ("no_show", "bigint"),
    ),
    template="""
SELECT {lit}::text, d.hub_id, a.desk_id, a.topic::text, (lower(a.period) AT TIME ZONE {tz})::date,
       count(*),
       count(*) FILTER (WHERE a.state = {appointment.cancelled}),
       count(*) FILTER (WHERE a.state = {appointment.attended}),
       count(*) FILTER (WHERE a.state = {appointment.no_show})
FROM {s}.{table.appointment} a
JOIN {s}.{table.service_desk} d ON d.id = a.desk_id
WHERE lower(a.period) >= %(w_start_ts)s AND lower(a.period) < %(w_end_ts)s
  AND a.state NOT IN {appointment.not_people}
GROUP BY d.hub_id, a.desk_id, a.topic, 5
""",
)

# Per event (day = the local day it starts): places, registrations by state.
EVENT_DAY = Fact(
    name="event_day",
    columns=(
        ("comune", "text"),
        ("hub_id", "bigint"),
        ("event_id", "bigint"),
        ("title", "text"),
        ("day", "date"),
        ("capacity", "integer"),
        ("registered", "bigint"),
        ("waitlisted", "bigint"),
        ("cancelled", "bigint"),
        ("attended", "bigint"),
    ),
    template="""
SELECT {lit}::text, e.hub_id, e.id, e.title::text, (e.starts_at AT TIME ZONE {tz})::date, e.capacity::integer,
       count(r.id) FILTER (WHERE r.state IN {registration.seated}),
       count(r.id) FILTER (WHERE r.state = {registration.waitlisted}),
       count(r.id) FILTER (WHERE r.state = {registration.cancelled}),
       count(r.id) FILTER (WHERE r.state = {registration.attended})
FROM {s}.{table.event} e
LEFT JOIN {s}.{table.event_registration} r ON r.event_id = e.id
WHERE e.starts_at >= %(w_start_ts)s AND e.starts_at < %(w_end_ts)s
GROUP BY e.id
""",
)

HUB_DIM = Fact(
    name="hub_dim",
    columns=(("comune", "text"), ("hub_id", "bigint"), ("name", "text"), ("slug", "text")),
    template="SELECT {lit}::text, h.id, h.name::text, h.slug::text FROM {s}.{table.hub} h",
    windowed=False,
)

SPACE_DIM = Fact(
    name="space_dim",
    columns=(("comune", "text"), ("space_id", "bigint"), ("hub_id", "bigint"), ("name", "text"), ("kind", "text")),
    template="SELECT {lit}::text, sp.id, sp.hub_id, sp.name::text, sp.kind::text FROM {s}.{table.space} sp",
    windowed=False,
)

DESK_DIM = Fact(
    name="desk_dim",
    columns=(("comune", "text"), ("desk_id", "bigint"), ("hub_id", "bigint"), ("name", "text"), ("kind", "text")),
    template="SELECT {lit}::text, d.id, d.hub_id, d.name::text, d.kind::text FROM {s}.{table.service_desk} d",
    windowed=False,
)

# Money per creditor and local day (src/payments): payments by the day they were received,
# refunds (made, or owed by bank transfer: every one but a failed attempt) by the day they were
# decided. Revenue = paid - refunded.
REVENUE_DAY = Fact(
    name="revenue_day",
    columns=(
        ("comune", "text"),
        ("hub_id", "bigint"),
        ("creditor_id", "bigint"),
        ("creditor_name", "text"),
        ("creditor_kind", "text"),
        ("day", "date"),
        ("payments", "bigint"),
        ("paid_cents", "bigint"),
        ("refunded_cents", "bigint"),
    ),
    template="""
SELECT {lit}::text, m.hub_id, c.id, c.name::text, c.kind::text, m.day,
       sum(m.payments)::bigint, sum(m.paid)::bigint, sum(m.refunded)::bigint
FROM (
  SELECT o.hub_id, o.creditor_id, (p.received_at AT TIME ZONE {tz})::date AS day,
         1 AS payments, p.amount_cents AS paid, 0 AS refunded
  FROM {s}.{table.payment} p JOIN {s}.{table.payment_order} o ON o.id = p.order_id
  WHERE p.received_at >= %(w_start_ts)s AND p.received_at < %(w_end_ts)s
  UNION ALL
  SELECT o.hub_id, o.creditor_id, (r.created_at AT TIME ZONE {tz})::date, 0, 0, r.amount_cents
  FROM {s}.{table.refund} r
  JOIN {s}.{table.payment} p ON p.id = r.payment_id
  JOIN {s}.{table.payment_order} o ON o.id = p.order_id
  WHERE r.state <> {refund.failed} AND r.created_at >= %(w_start_ts)s AND r.created_at < %(w_end_ts)s
) m
JOIN {s}.{table.creditor} c ON c.id = m.creditor_id
GROUP BY m.hub_id, c.id, m.day
""",
    index=("creditor_id",),
)

FACTS = {
    fact.name: fact
    for fact in (
        BOOKING_DAY,
        PERSON_DAY,
        BOOKING_HOUR,
        CAPACITY_DAY,
        APPOINTMENT_DAY,
        EVENT_DAY,
        HUB_DIM,
        SPACE_DIM,
        DESK_DIM,
        REVENUE_DAY,
    )
}


def tenant_tables() -> list[str]:
    """Every comune table the reporting role may read (and nothing else)."""
    from tenants.reporting.air import AIR_TEMPLATES

    tables = {table for fact in FACTS.values() for table in fact.tables}
    return sorted(tables | {table for template in AIR_TEMPLATES for table in tables_read(template)})
