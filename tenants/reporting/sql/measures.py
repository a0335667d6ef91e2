"""One SQL statement per measure, for the whole union (or the comuni in scope).

Each function returns (sql, params) over a `Source`: the facts come from the
generated UNION ALL or from the rollup tables, and the SQL here does not care
which. Periods are compared in the same statement: rows are tagged 'current'
or 'previous', and GROUPING SETS give the union, comune, hub and space levels
at once.

Definitions (also on the dashboard's "Come si calcola"):
- bookings: every booking made (not the held ones awaiting payment), by the
  local day it starts; cancellations and no-shows among them;
- hours booked: length of the bookings that occupied their place
  (confirmed, checked in, completed);
- occupancy: booked unit-hours over open unit-hours, where a unit is a seat of
  the day's layout, or the whole room for rooms booked only whole; a whole-room
  booking takes every unit of its room;
- no-show rate: no-shows over bookings whose outcome is known (checked in,
  completed or no-show);
- unique people: distinct people with a live (not cancelled) booking.
"""

from tenants.reporting.commuting import distances_values_sql

LEVELS = {7: "union", 3: "comune", 1: "hub", 0: "space"}
# A commute profile counts only with its owner's consent (tenants/reporting/models.py): the
# join condition of every measure that reads one (`cp`).
CONSENTED = "cp.consented_at IS NOT NULL"
TRUNC_UNITS = {"day": "day", "week": "week", "month": "month"}


def scope_filter(hub: tuple[str, int] | None, alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    clause = f"{prefix}comune = ANY(%(comuni)s)"
    if hub is not None:
        clause += f" AND {prefix}comune = %(hub_comune)s AND {prefix}hub_id = %(hub_id)s"
    return clause


def scope_params(hub: tuple[str, int] | None) -> dict:
    return {"hub_comune": hub[0], "hub_id": hub[1]} if hub else {}


def _period_tag(column: str = "day") -> str:
    return f"CASE WHEN {column} >= %(start)s THEN 'current' ELSE 'previous' END"


def _space_days(source, where: str) -> str:
    """CTEs `cap`, `bk` and `sd`: per space and day, open and booked unit-hours and booking counts."""
    return f"""
cap AS (
  SELECT comune, hub_id, space_id, day, open_hours, units FROM {source.relation("capacity_day")} AS c WHERE {where}
), bk AS (
  SELECT comune, hub_id, space_id, day, bookings, cancelled, no_show, attended, booked_hours, seat_hours, room_hours
  FROM {source.relation("booking_day")} AS b WHERE {where}
), sd AS (
  SELECT coalesce(c.comune, b.comune) AS comune, coalesce(c.hub_id, b.hub_id) AS hub_id,
         coalesce(c.space_id, b.space_id) AS space_id, coalesce(c.day, b.day) AS day,
         coalesce(c.open_hours * c.units, 0) AS open_unit_hours,
         coalesce(b.seat_hours, 0) + coalesce(b.room_hours, 0) * coalesce(nullif(c.units, 0), 1) AS booked_unit_hours,
         coalesce(b.bookings, 0) AS bookings, coalesce(b.cancelled, 0) AS cancelled,
         coalesce(b.no_show, 0) AS no_show, coalesce(b.attended, 0) AS attended,
         coalesce(b.booked_hours, 0) AS booked_hours
  FROM cap c FULL JOIN bk b ON b.comune = c.comune AND b.space_id = c.space_id AND b.day = c.day
)"""


_SUMS = """sum(bookings) AS bookings, sum(cancelled) AS cancelled, sum(no_show) AS no_show,
         sum(attended) AS attended, sum(booked_hours) AS booked_hours,
         sum(booked_unit_hours) AS booked_unit_hours, sum(open_unit_hours) AS open_unit_hours"""


def summary_sql(source, *, start, prev_start, end, hub=None) -> tuple[str, dict]:
    where = f"day >= %(prev_start)s AND day < %(end)s AND {scope_filter(hub)}"
    sets = "(period), (period, comune), (period, comune, hub_id), (period, comune, hub_id, space_id)"
    sql = f"""
WITH {_space_days(source, where)},
agg AS (
  SELECT period, comune, hub_id, space_id, GROUPING(comune, hub_id, space_id) AS level, {_SUMS}
  FROM (SELECT {_period_tag()} AS period, sd.* FROM sd) t
  GROUP BY GROUPING SETS ({sets})
), ppl AS (
  SELECT period, comune, hub_id, space_id, GROUPING(comune, hub_id, space_id) AS level,
         count(DISTINCT person_id) AS people
  FROM (SELECT {_period_tag()} AS period, comune, hub_id, space_id, person_id
        FROM {source.relation("person_day")} AS p WHERE {where}) t
  GROUP BY GROUPING SETS ({sets})
)
SELECT a.period, a.level, a.comune, a.hub_id, a.space_id, a.bookings, a.cancelled, a.no_show, a.attended,
       a.booked_hours, a.booked_unit_hours, a.open_unit_hours, coalesce(p.people, 0) AS people
FROM agg a
LEFT JOIN ppl p ON p.period = a.period AND p.level = a.level AND p.comune IS NOT DISTINCT FROM a.comune
  AND p.hub_id IS NOT DISTINCT FROM a.hub_id AND p.space_id IS NOT DISTINCT FROM a.space_id
"""
    params = {**source.params(), **scope_params(hub), "start": start, "prev_start": prev_start, "end": end}
    return sql, params


def trend_sql(source, *, kind: str, start, end, hub=None) -> tuple[str, dict]:
    unit = TRUNC_UNITS[kind]
    where = f"day >= %(start)s AND day < %(end)s AND {scope_filter(hub)}"
    bucket = f"date_trunc('{unit}', day::timestamp)::date"
    sql = f"""
WITH {_space_days(source, where)},
agg AS (
  SELECT bucket, comune, GROUPING(comune) AS level, {_SUMS}
  FROM (SELECT {bucket} AS bucket, sd.* FROM sd) t
  GROUP BY GROUPING SETS ((bucket), (bucket, comune))
), ppl AS (
  SELECT bucket, comune, GROUPING(comune) AS level, count(DISTINCT person_id) AS people
  FROM (SELECT {bucket} AS bucket, comune, person_id FROM {source.relation("person_day")} AS p WHERE {where}) t
  GROUP BY GROUPING SETS ((bucket), (bucket, comune))
)
SELECT a.bucket, a.level, a.comune, a.bookings, a.cancelled, a.no_show, a.attended, a.booked_hours,
       a.booked_unit_hours, a.open_unit_hours, coalesce(p.people, 0) AS people
FROM agg a
LEFT JOIN ppl p ON p.bucket = a.bucket AND p.level = a.level AND p.comune IS NOT DISTINCT FROM a.comune
ORDER BY a.bucket, a.comune NULLS FIRST
"""
    return sql, {**source.params(), **scope_params(hub), "start": start, "end": end}


def hours_sql(source, *, start, end, hub=None) -> tuple[str, dict]:
    """Booked hours by clock hour and by weekday (0 = Monday), for the scope and for each comune."""
    sql = f"""
SELECT comune, weekday, hour, GROUPING(comune) AS by_union, GROUPING(weekday) AS by_hour, sum(booked_hours) AS booked_hours
FROM (SELECT comune, extract(isodow FROM day)::integer - 1 AS weekday, hour, booked_hours
      FROM {source.relation("booking_hour")} AS h
      WHERE day >= %(start)s AND day < %(end)s AND {scope_filter(hub)}) t
GROUP BY GROUPING SETS ((hour), (weekday), (comune, hour), (comune, weekday))
"""
    return sql, {**source.params(), **scope_params(hub), "start": start, "end": end}


def desks_sql(source, *, start, prev_start, end, hub=None) -> tuple[str, dict]:
    sql = f"""
SELECT period, comune, hub_id, desk_id, topic, GROUPING(topic) AS whole_desk,
       sum(appointments) AS appointments, sum(cancelled) AS cancelled,
       sum(attended) AS attended, sum(no_show) AS no_show
FROM (SELECT {_period_tag()} AS period, a.* FROM {source.relation("appointment_day")} AS a
      WHERE day >= %(prev_start)s AND day < %(end)s AND {scope_filter(hub)}) t
GROUP BY GROUPING SETS ((period, comune, hub_id, desk_id), (period, comune, hub_id, desk_id, topic))
ORDER BY comune, hub_id, desk_id, topic NULLS FIRST
"""
    return sql, {**source.params(), **scope_params(hub), "start": start, "prev_start": prev_start, "end": end}


def events_sql(source, *, start, prev_start, end, hub=None) -> tuple[str, dict]:
    sql = f"""
SELECT {_period_tag()} AS period, comune, hub_id, event_id, title, day, capacity,
       registered, waitlisted, cancelled, attended
FROM {source.relation("event_day")} AS e
WHERE day >= %(prev_start)s AND day < %(end)s AND {scope_filter(hub)}
ORDER BY day, comune, event_id
"""
    return sql, {**source.params(), **scope_params(hub), "start": start, "prev_start": prev_start, "end": end}


def people_sql(source, *, start, prev_start, end, hub=None) -> tuple[str, dict]:
    """Unique people by where they live, relative to the comune of the hub; public employees
    (by their commute profile, or booking under a public employer's agreement); firm employees
    (booking under a firm's agreement, tenants/firms).

    Only the id and home comune of a person are read (the reporting role can
    read nothing else of the people table).
    """
    sql = f"""
SELECT period, comune, GROUPING(comune) AS whole_union,
       count(DISTINCT person_id) AS people,
       count(DISTINCT person_id) FILTER (WHERE home = comune) AS residents,
       count(DISTINCT person_id) FILTER (WHERE home IS NOT NULL AND home <> comune) AS other_union,
       count(DISTINCT person_id) FILTER (WHERE home IS NOT NULL) AS union_residents,
       count(DISTINCT person_id) FILTER (WHERE home IS NULL) AS outside,
       count(DISTINCT person_id) FILTER (WHERE public_employee) AS public_employees,
       count(DISTINCT person_id) FILTER (WHERE employer_kind = 'private') AS firm_employees
FROM (
  SELECT {_period_tag("p.day")} AS period, p.comune, p.person_id, hm.schema_name::text AS home,
         coalesce(cp.is_public_employee, false) OR coalesce(ff.kind = 'public', false) AS public_employee,
         ff.kind AS employer_kind
  FROM {source.relation("person_day")} AS p
  JOIN public.identity_user u ON u.id = p.person_id
  LEFT JOIN public.comuni_municipality hm ON hm.id = u.home_municipality_id
  LEFT JOIN public.reporting_commuteprofile cp ON cp.user_id = p.person_id AND {CONSENTED}
  LEFT JOIN public.firms_agreement fa ON fa.id = p.agreement_id
  LEFT JOIN public.firms_firm ff ON ff.id = fa.firm_id
  WHERE p.day >= %(prev_start)s AND p.day < %(end)s AND {scope_filter(hub, "p")}
) t
GROUP BY GROUPING SETS ((period), (period, comune))
"""
    return sql, {**source.params(), **scope_params(hub), "start": start, "prev_start": prev_start, "end": end}


def commuting_sql(source, *, start, prev_start, end, grams_per_km: float, hub=None) -> tuple[str, dict]:
    """Round trips not made, one per person and checked-in day across the union.

    The trip avoided is home comune -> usual workplace (declared km, else the
    shipped road distance), less the trip to the hub when the hub is in another
    comune: working in a hub 20 km from home instead of an office 30 km away
    saves 2 x 10 km. A day with check-ins in two comuni counts once, for the
    first check-in. People with no commute profile, or a pair of places the
    table does not know, are counted apart as "not computable".
    """
    scoped = scope_filter(hub, "p")
    sql = f"""
WITH dist(origin, destination, km) AS ({distances_values_sql()}),
att AS (
  SELECT DISTINCT ON (p.person_id, p.day) p.person_id, p.day, p.comune
  FROM {source.relation("person_day")} AS p
  WHERE p.attended AND p.day >= %(prev_start)s AND p.day < %(end)s AND {scoped}
  ORDER BY p.person_id, p.day, p.first_attended, p.comune
), trips AS (
  SELECT {_period_tag("att.day")} AS period, att.comune, att.person_id,
         coalesce(cp.commute_km, dw.km) AS work_km,
         CASE WHEN home.id = hubc.id THEN 0 ELSE dh.km END AS hub_km,
         cp.user_id IS NOT NULL AS has_profile
  FROM att
  JOIN public.identity_user u ON u.id = att.person_id
  JOIN public.comuni_municipality hubc ON hubc.schema_name = att.comune
  LEFT JOIN public.reporting_commuteprofile cp ON cp.user_id = att.person_id AND {CONSENTED}
  LEFT JOIN public.comuni_municipality home ON home.id = u.home_municipality_id
  LEFT JOIN dist dw ON dw.origin = home.istat_code AND dw.destination = cp.workplace_istat_code
  LEFT JOIN dist dh ON dh.origin = home.istat_code AND dh.destination = hubc.istat_code
), saved AS (
  -- greatest() skips NULLs: an unknown distance must stay unknown, not become 0 km.
  SELECT period, comune, person_id, has_profile,
         CASE WHEN work_km IS NULL OR hub_km IS NULL THEN NULL ELSE 2 * greatest(work_km - hub_km, 0) END AS km
  FROM trips
)
SELECT period, comune, GROUPING(comune) AS whole_union,
       count(*) AS checked_in_days,
       count(*) FILTER (WHERE km > 0) AS trips_avoided,
       count(DISTINCT person_id) FILTER (WHERE km > 0) AS people,
       coalesce(sum(km), 0) AS km,
       coalesce(sum(km), 0) * %(grams_per_km)s / 1000.0 AS kg_co2,
       count(*) FILTER (WHERE km IS NULL) AS not_computable
FROM saved
GROUP BY GROUPING SETS ((period), (period, comune))
"""
    params = {
        **source.params(),
        **scope_params(hub),
        "start": start,
        "prev_start": prev_start,
        "end": end,
        "grams_per_km": grams_per_km,
    }
    return sql, params


def agreements_sql(source, *, start, prev_start, end, hub=None) -> tuple[str, dict]:
    """Usage per agreement (tenants/firms): people, days booked and days attended under it,
    per comune and for the union."""
    sql = f"""
SELECT period, comune, GROUPING(comune) AS whole_union, agreement_id, title, firm, kind,
       count(DISTINCT person_id) AS people,
       count(DISTINCT (person_id, day)) AS days,
       count(DISTINCT (person_id, day)) FILTER (WHERE attended) AS attended_days
FROM (
  SELECT {_period_tag("p.day")} AS period, p.comune, p.person_id, p.day, p.attended, p.agreement_id,
         fa.title::text AS title, ff.name::text AS firm, ff.kind::text AS kind
  FROM {source.relation("person_day")} AS p
  JOIN public.firms_agreement fa ON fa.id = p.agreement_id
  JOIN public.firms_firm ff ON ff.id = fa.firm_id
  WHERE p.day >= %(prev_start)s AND p.day < %(end)s AND {scope_filter(hub, "p")}
) t
GROUP BY GROUPING SETS ((period, agreement_id, title, firm, kind), (period, comune, agreement_id, title, firm, kind))
ORDER BY firm, title, comune NULLS FIRST
"""
    return sql, {**source.params(), **scope_params(hub), "start": start, "prev_start": prev_start, "end": end}


def monthly_by_hub_sql(source, *, start, end) -> tuple[str, dict]:
    """Open data: per month and hub, aggregates only (small cells are suppressed by the caller)."""
    where = f"day >= %(start)s AND day < %(end)s AND {scope_filter(None)}"
    month = "date_trunc('month', day::timestamp)::date"
    sql = f"""
WITH {_space_days(source, where)},
use AS (
  SELECT {month} AS month, comune, hub_id, {_SUMS} FROM sd GROUP BY 1, 2, 3
), ppl AS (
  SELECT {month} AS month, comune, hub_id, count(DISTINCT person_id) AS people
  FROM {source.relation("person_day")} AS p WHERE {where} GROUP BY 1, 2, 3
), apt AS (
  SELECT {month} AS month, comune, hub_id, sum(appointments - cancelled) AS appointments
  FROM {source.relation("appointment_day")} AS a WHERE {where} GROUP BY 1, 2, 3
), evt AS (
  SELECT {month} AS month, comune, hub_id, count(*) AS events, sum(attended) AS event_attendance
  FROM {source.relation("event_day")} AS e WHERE {where} GROUP BY 1, 2, 3
), keys AS (
  SELECT month, comune, hub_id FROM use UNION SELECT month, comune, hub_id FROM apt
  UNION SELECT month, comune, hub_id FROM evt
)
SELECT k.month, k.comune, k.hub_id, coalesce(u.bookings, 0) AS bookings, coalesce(u.cancelled, 0) AS cancelled,
       coalesce(u.no_show, 0) AS no_show, coalesce(u.attended, 0) AS attended,
       coalesce(u.booked_hours, 0) AS booked_hours, coalesce(u.booked_unit_hours, 0) AS booked_unit_hours,
       coalesce(u.open_unit_hours, 0) AS open_unit_hours, coalesce(p.people, 0) AS people,
       coalesce(a.appointments, 0) AS appointments, coalesce(e.events, 0) AS events,
       coalesce(e.event_attendance, 0) AS event_attendance
FROM keys k
LEFT JOIN use u USING (month, comune, hub_id)
LEFT JOIN ppl p USING (month, comune, hub_id)
LEFT JOIN apt a USING (month, comune, hub_id)
LEFT JOIN evt e USING (month, comune, hub_id)
ORDER BY k.month, k.comune, k.hub_id
"""
    return sql, {**source.params(), "start": start, "end": end}


def dimensions_sql(source) -> tuple[str, dict]:
    """Names of hubs, spaces and desks in scope, in one statement."""
    sql = f"""
SELECT 'hub' AS kind, comune, hub_id AS id, hub_id, name, slug AS extra FROM {source.relation("hub_dim")} AS h
WHERE comune = ANY(%(comuni)s)
UNION ALL
SELECT 'space', comune, space_id, hub_id, name, kind FROM {source.relation("space_dim")} AS s WHERE comune = ANY(%(comuni)s)
UNION ALL
SELECT 'desk', comune, desk_id, hub_id, name, kind FROM {source.relation("desk_dim")} AS d WHERE comune = ANY(%(comuni)s)
"""
    return sql, source.params()


def revenue_sql(source, *, start, prev_start, end, hub=None) -> tuple[str, dict]:
    """Paid, refunded and revenue (paid less refunded) per creditor of each comune, both periods."""
    sql = f"""
SELECT {_period_tag()} AS period, comune, creditor_id, max(creditor_name) AS creditor_name,
       max(creditor_kind) AS creditor_kind, sum(payments) AS payments,
       sum(paid_cents) AS paid_cents, sum(refunded_cents) AS refunded_cents
FROM {source.relation("revenue_day")} AS r
WHERE day >= %(prev_start)s AND day < %(end)s AND {scope_filter(hub)}
GROUP BY 1, comune, creditor_id
ORDER BY comune, creditor_id
"""
    return sql, {**source.params(), **scope_params(hub), "start": start, "prev_start": prev_start, "end": end}
