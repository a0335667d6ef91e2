"""Report reads: run each measure's single SQL statement as the read-only role, shape the rows.

Views and the API call `report_build()` (everything a dashboard shows) or one
of the `report_*` functions; none of them loops over comuni to query.
"""

import logging
import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import ProgrammingError
from django.utils import timezone

from tenants.reporting import rollup
from tenants.reporting.commuting import emission_factor
from tenants.reporting.periods import Period
from tenants.reporting.role import reporting_cursor, reporting_role_ensure
from tenants.reporting.schemas import ComuneSchema
from tenants.reporting.sql import measures
from tenants.reporting.sql.source import LIVE, ROLLUP, Source, Window

logger = logging.getLogger(__name__)

INSUFFICIENT_PRIVILEGE = "42501"


@dataclass
class ReportQuery:
    comuni: list[ComuneSchema]
    period: Period
    hub: tuple[str, int] | None = None
    # None: decided by settings.REPORTING_SOURCE ("auto", "live" or "rollup").
    mode: str | None = None

    @property
    def previous(self) -> Period:
        return self.period.previous()

    def bounds(self) -> dict:
        return {"start": self.period.start, "prev_start": self.previous.start, "end": self.period.end}


@dataclass
class Timings:
    """Seconds per measure: the benchmark prints them, the page shows the total."""

    measures: dict = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.measures.values())


def choose_mode(query: ReportQuery, window: Window) -> str:
    wanted = query.mode or getattr(settings, "REPORTING_SOURCE", "auto")
    if wanted == LIVE:
        return LIVE
    # Read once per report, not once per measure.
    if not hasattr(query, "_rollup_state"):
        query._rollup_state = rollup.rollup_state()
    state = query._rollup_state
    usable = state is not None and state.covers(window)
    if wanted == ROLLUP:
        if not usable:
            logger.warning("Rollup tables missing or not covering %s: reading live", window)
        return ROLLUP if usable else LIVE
    # auto: a few comuni are read live (always current); many from the rollups when they are there.
    few = len(query.comuni) <= getattr(settings, "REPORTING_LIVE_MAX_COMUNI", 20)
    return LIVE if few or not usable else ROLLUP


def source_for(query: ReportQuery, start: date, end: date) -> Source:
    window = Window(start, end)
    return Source(comuni=query.comuni, window=window, mode=choose_mode(query, window))


def run(sql: str, params: dict, timings: Timings | None = None, label: str = "") -> list[dict]:
    """One statement as the read-only role; a grant missing on a new schema is re-applied once."""
    started = time.perf_counter()
    for attempt in (1, 2):
        try:
            with reporting_cursor() as cursor:
                cursor.execute(sql, params)
                names = [column.name for column in cursor.description]
                rows = [dict(zip(names, row)) for row in cursor.fetchall()]
            break
        except ProgrammingError as error:
            if attempt == 2 or getattr(error.__cause__, "pgcode", None) != INSUFFICIENT_PRIVILEGE:
                raise
            reporting_role_ensure()
    if timings is not None:
        timings.measures[label] = timings.measures.get(label, 0) + time.perf_counter() - started
    return rows


# ---- shaping -------------------------------------------------------------------------------------------


def _num(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def _ratio(numerator, denominator):
    return float(numerator) / float(denominator) if denominator else None


def metrics(row: dict | None) -> dict:
    """The figures of one group, with the rates derived from its sums."""
    row = row or {}
    bookings = int(row.get("bookings") or 0)
    no_show = int(row.get("no_show") or 0)
    attended = int(row.get("attended") or 0)
    booked = _num(row.get("booked_unit_hours") or 0)
    opened = _num(row.get("open_unit_hours") or 0)
    return {
        "bookings": bookings,
        "cancelled": int(row.get("cancelled") or 0),
        "no_show": no_show,
        "attended": attended,
        "people": int(row.get("people") or 0),
        "booked_hours": round(_num(row.get("booked_hours") or 0), 2),
        "booked_unit_hours": round(booked, 2),
        "open_unit_hours": round(opened, 2),
        "occupancy": _ratio(booked, opened),
        "no_show_rate": _ratio(no_show, no_show + attended),
    }


# Rates change by percentage points; counts by per cent.
RATES = {"occupancy", "no_show_rate", "attendance_rate"}


def change(current, previous, *, rate: bool = False):
    """Change from the previous period: % for counts, percentage points for rates; None when not comparable."""
    if current is None or previous is None:
        return None
    if rate:
        return round((current - previous) * 100.0, 1)
    if previous == 0:
        return None
    return round((current - previous) * 100.0 / previous, 1)


def compared(current: dict, previous: dict) -> dict:
    return {
        "current": current,
        "previous": previous,
        "change": {key: change(current[key], previous.get(key), rate=key in RATES) for key in current},
    }


def _names(query: ReportQuery) -> dict:
    return {c.schema: c for c in query.comuni}


def report_dimensions(query: ReportQuery, timings: Timings | None = None) -> dict:
    source = source_for(query, query.period.start, query.period.end)
    rows = run(*measures.dimensions_sql(source), timings, "dimensions")
    dims = {"hub": {}, "space": {}, "desk": {}}
    for row in rows:
        dims[row["kind"]][(row["comune"], row["id"])] = row
    return dims


def report_summary(query: ReportQuery, dims: dict, timings: Timings | None = None) -> dict:
    source = source_for(query, query.previous.start, query.period.end)
    sql, params = measures.summary_sql(source, hub=query.hub, **query.bounds())
    rows = run(sql, params, timings, "summary")
    grouped: dict = {}
    for row in rows:
        level = measures.LEVELS[row["level"]]
        key = (level, row["comune"], row["hub_id"], row["space_id"])
        grouped.setdefault(key, {})[row["period"]] = row
    comuni = _names(query)
    result = {"union": compared(metrics(None), metrics(None)), "comuni": [], "hubs": [], "spaces": []}
    for (level, comune, hub_id, space_id), by_period in sorted(grouped.items(), key=lambda item: str(item[0])):
        entry = compared(metrics(by_period.get("current")), metrics(by_period.get("previous")))
        if level == "union":
            result["union"] = entry
            continue
        entry.update(comune=comuni[comune].slug, comune_name=comuni[comune].name)
        if level == "comune":
            result["comuni"].append(entry)
            continue
        hub = dims["hub"].get((comune, hub_id), {})
        entry.update(hub_id=hub_id, hub_name=hub.get("name", f"hub {hub_id}"))
        if level == "hub":
            result["hubs"].append(entry)
        else:
            space = dims["space"].get((comune, space_id), {})
            entry.update(space_id=space_id, space_name=space.get("name", f"spazio {space_id}"))
            result["spaces"].append(entry)
    # Every comune in scope gets a row, with zeros when it had nothing.
    present = {entry["comune"] for entry in result["comuni"]}
    for comune in query.comuni:
        if comune.slug not in present:
            result["comuni"].append(
                {**compared(metrics(None), metrics(None)), "comune": comune.slug, "comune_name": comune.name}
            )
    order = {c.slug: index for index, c in enumerate(query.comuni)}
    result["comuni"].sort(key=lambda entry: order[entry["comune"]])
    result["hubs"].sort(key=lambda e: (order[e["comune"]], e["hub_name"]))
    result["spaces"].sort(key=lambda e: (order[e["comune"]], e["hub_name"], e["space_name"]))
    return result


def report_trend(query: ReportQuery, timings: Timings | None = None) -> dict:
    periods = query.period.trend()
    source = source_for(query, periods[0].start, periods[-1].end)
    sql, params = measures.trend_sql(
        source, kind=query.period.kind, start=periods[0].start, end=periods[-1].end, hub=query.hub
    )
    rows = run(sql, params, timings, "trend")
    by_key = {(row["bucket"], row["comune"]): metrics(row) for row in rows}
    comuni = _names(query)
    series = {"union": [by_key.get((p.start, None), metrics(None)) for p in periods]}
    for schema, comune in comuni.items():
        series[comune.slug] = [by_key.get((p.start, schema), metrics(None)) for p in periods]
    return {"periods": [p.short_label for p in periods], "labels": [p.label for p in periods], "series": series}


def _weekday_counts(period: Period) -> list[int]:
    counts = [0] * 7
    day = period.start
    while day < period.end:
        counts[day.weekday()] += 1
        day = date.fromordinal(day.toordinal() + 1)
    return counts


def report_hours(query: ReportQuery, timings: Timings | None = None) -> dict:
    source = source_for(query, query.period.start, query.period.end)
    sql, params = measures.hours_sql(source, start=query.period.start, end=query.period.end, hub=query.hub)
    rows = run(sql, params, timings, "hours")
    occurrences = _weekday_counts(query.period)
    by_hour = [0.0] * 24
    by_weekday = [0.0] * 7
    per_comune: dict = {}
    for row in rows:
        hours = _num(row["booked_hours"] or 0)
        # by_hour: the row is grouped by clock hour (GROUPING(weekday) = 1), else by weekday.
        if row["by_union"]:
            if row["by_hour"]:
                by_hour[row["hour"]] = hours
            else:
                by_weekday[row["weekday"]] = hours
        else:
            stats = per_comune.setdefault(row["comune"], {"hour": {}, "weekday": {}})
            if row["by_hour"]:
                stats["hour"][row["hour"]] = hours
            else:
                stats["weekday"][row["weekday"]] = hours / max(occurrences[row["weekday"]], 1)
    # Weekdays are compared per occurrence: a month may have five Tuesdays and four Mondays.
    weekday_average = [
        round(total / occurrences[i], 2) if occurrences[i] else 0.0 for i, total in enumerate(by_weekday)
    ]
    busiest = {}
    comuni = _names(query)
    for schema, stats in per_comune.items():
        busiest[comuni[schema].slug] = {
            # Ties go to the earliest hour or weekday.
            "hour": max(sorted(stats["hour"]), key=stats["hour"].get) if stats["hour"] else None,
            "weekday": max(sorted(stats["weekday"]), key=stats["weekday"].get) if stats["weekday"] else None,
        }
    return {
        "by_hour": [round(v, 2) for v in by_hour],
        "by_weekday_average": weekday_average,
        "busiest": busiest,
    }


def report_desks(query: ReportQuery, dims: dict, timings: Timings | None = None) -> dict:
    source = source_for(query, query.previous.start, query.period.end)
    rows = run(*measures.desks_sql(source, hub=query.hub, **query.bounds()), timings, "desks")
    comuni = _names(query)
    desks: dict = {}
    for row in rows:
        key = (row["comune"], row["desk_id"], None if row["whole_desk"] else row["topic"])
        entry = desks.setdefault(key, {"current": _desk_metrics(None), "previous": _desk_metrics(None)})
        entry[row["period"]] = _desk_metrics(row)
    result = {"desks": [], "topics": []}
    for (schema, desk_id, topic), entry in desks.items():
        desk = dims["desk"].get((schema, desk_id), {})
        hub = dims["hub"].get((schema, desk.get("hub_id")), {})
        item = {
            "comune": comuni[schema].slug,
            "comune_name": comuni[schema].name,
            "hub_name": hub.get("name", ""),
            "desk_id": desk_id,
            "desk_name": desk.get("name", f"sportello {desk_id}"),
            **compared(entry["current"], entry["previous"]),
        }
        if topic is None:
            result["desks"].append(item)
        else:
            result["topics"].append({**item, "topic": topic})
    result["desks"].sort(key=lambda e: (e["comune_name"], e["desk_name"]))
    result["topics"].sort(key=lambda e: (e["comune_name"], e["desk_name"], -e["current"]["appointments"]))
    return result


def _desk_metrics(row: dict | None) -> dict:
    row = row or {}
    appointments = int(row.get("appointments") or 0)
    cancelled = int(row.get("cancelled") or 0)
    attended = int(row.get("attended") or 0)
    no_show = int(row.get("no_show") or 0)
    return {
        "appointments": appointments,
        "cancelled": cancelled,
        "attended": attended,
        "no_show": no_show,
        "no_show_rate": _ratio(no_show, attended + no_show),
    }


def report_events(query: ReportQuery, dims: dict, timings: Timings | None = None) -> dict:
    source = source_for(query, query.previous.start, query.period.end)
    rows = run(*measures.events_sql(source, hub=query.hub, **query.bounds()), timings, "events")
    comuni = _names(query)
    today = timezone.localdate()
    events, totals = [], {}
    for row in rows:
        schema = row["comune"]
        item = {
            key: _num(row[key])
            for key in ("event_id", "title", "capacity", "registered", "waitlisted", "cancelled", "attended")
        }
        item.update(
            period=row["period"],
            day=row["day"].isoformat(),
            comune=comuni[schema].slug,
            comune_name=comuni[schema].name,
            hub_name=dims["hub"].get((schema, row["hub_id"]), {}).get("name", ""),
            # Attendance is known only once the event has taken place.
            attendance_rate=_ratio(row["attended"], row["registered"]) if row["day"] < today else None,
        )
        if row["period"] == "current":
            events.append(item)
        for key in (schema, None):
            total = totals.setdefault(
                (key, row["period"]),
                {"events": 0, "registered": 0, "waitlisted": 0, "attended": 0, "registered_past": 0},
            )
            total["events"] += 1
            total["registered"] += row["registered"]
            total["waitlisted"] += row["waitlisted"]
            total["attended"] += row["attended"]
            if row["day"] < today:
                total["registered_past"] += row["registered"]

    def shaped(key):
        current = totals.get(
            (key, "current"), {"events": 0, "registered": 0, "waitlisted": 0, "attended": 0, "registered_past": 0}
        )
        previous = totals.get(
            (key, "previous"), {"events": 0, "registered": 0, "waitlisted": 0, "attended": 0, "registered_past": 0}
        )
        for figures in (current, previous):
            figures["attendance_rate"] = _ratio(figures["attended"], figures["registered_past"])
        return compared(current, previous)

    return {
        "union": shaped(None),
        "comuni": [{"comune": c.slug, "comune_name": c.name, **shaped(c.schema)} for c in query.comuni],
        "events": events,
    }


def report_people(query: ReportQuery, timings: Timings | None = None) -> dict:
    source = source_for(query, query.previous.start, query.period.end)
    rows = run(*measures.people_sql(source, hub=query.hub, **query.bounds()), timings, "people")
    keys = ("people", "residents", "other_union", "union_residents", "outside", "public_employees", "firm_employees")
    found = {(row["comune"], row["period"]): {k: int(row[k]) for k in keys} for row in rows}
    empty = dict.fromkeys(keys, 0)

    def shaped(schema):
        return compared(found.get((schema, "current"), empty), found.get((schema, "previous"), empty))

    return {
        "union": shaped(None),
        "comuni": [{"comune": c.slug, "comune_name": c.name, **shaped(c.schema)} for c in query.comuni],
        # Bookings under a firm's agreement (tenants/firms) count their person as a firm employee.
        "firm_employees_available": True,
    }


def report_agreements(query: ReportQuery, timings: Timings | None = None) -> list[dict]:
    """Usage per agreement in the period (current), for the union and per comune."""
    source = source_for(query, query.previous.start, query.period.end)
    rows = run(*measures.agreements_sql(source, hub=query.hub, **query.bounds()), timings, "agreements")
    names = {c.schema: c.name for c in query.comuni}
    return [
        {
            "agreement_id": row["agreement_id"],
            "title": row["title"],
            "firm": row["firm"],
            "public_employer": row["kind"] == "public",
            "comune": None if row["whole_union"] else row["comune"],
            "comune_name": None if row["whole_union"] else names.get(row["comune"], row["comune"]),
            "people": int(row["people"]),
            "days": int(row["days"]),
            "attended_days": int(row["attended_days"]),
        }
        for row in rows
        if row["period"] == "current"
    ]


def report_commuting(query: ReportQuery, timings: Timings | None = None) -> dict:
    factor = emission_factor()
    source = source_for(query, query.previous.start, query.period.end)
    sql, params = measures.commuting_sql(source, hub=query.hub, grams_per_km=factor.grams_per_km, **query.bounds())
    rows = run(sql, params, timings, "commuting")
    keys = ("checked_in_days", "trips_avoided", "people", "km", "kg_co2", "not_computable")
    found = {(row["comune"], row["period"]): {k: round(_num(row[k]), 3) for k in keys} for row in rows}
    empty = dict.fromkeys(keys, 0)

    def shaped(schema):
        return compared(found.get((schema, "current"), empty), found.get((schema, "previous"), empty))

    return {
        "union": shaped(None),
        "comuni": [{"comune": c.slug, "comune_name": c.name, **shaped(c.schema)} for c in query.comuni],
        "emission_factor": {
            "grams_per_km": factor.grams_per_km,
            "source": factor.source,
            "reference_year": factor.reference_year,
            "url": factor.url,
        },
    }


def report_revenue(query: ReportQuery, timings: Timings | None = None) -> dict:
    """Money per creditor (src/payments): payments, refunds and revenue = paid - refunded, in cents."""
    source = source_for(query, query.previous.start, query.period.end)
    rows = run(*measures.revenue_sql(source, hub=query.hub, **query.bounds()), timings, "revenue")
    comuni = _names(query)
    keys = ("payments", "paid_cents", "refunded_cents")
    empty = dict.fromkeys(keys, 0)

    def figures(row):
        found = {k: int(row[k] or 0) for k in keys} if row else dict(empty)
        found["revenue_cents"] = found["paid_cents"] - found["refunded_cents"]
        return found

    creditors: dict = {}
    for row in rows:
        key = (row["comune"], row["creditor_id"])
        entry = creditors.setdefault(
            key,
            {
                "comune": comuni[row["comune"]].slug,
                "comune_name": comuni[row["comune"]].name,
                "creditor_id": row["creditor_id"],
                "creditor_name": row["creditor_name"],
                "creditor_kind": row["creditor_kind"],
                "rows": {},
            },
        )
        entry["rows"][row["period"]] = row
    result = []
    totals = {"current": figures(None), "previous": figures(None)}
    for entry in sorted(creditors.values(), key=lambda e: (e["comune_name"], e["creditor_name"])):
        current, previous = figures(entry["rows"].get("current")), figures(entry["rows"].get("previous"))
        for name, found in (("current", current), ("previous", previous)):
            for k, v in found.items():
                totals[name][k] += v
        result.append({k: v for k, v in entry.items() if k != "rows"} | compared(current, previous))
    return {"creditors": result, "union": compared(totals["current"], totals["previous"])}


def report_build(query: ReportQuery, timings: Timings | None = None) -> dict:
    """Everything a dashboard shows: one statement per measure."""
    timings = timings if timings is not None else Timings()
    dims = report_dimensions(query, timings)
    report = {
        "summary": report_summary(query, dims, timings),
        "trend": report_trend(query, timings),
        "hours": report_hours(query, timings),
        "desks": report_desks(query, dims, timings),
        "events": report_events(query, dims, timings),
        "people": report_people(query, timings),
        "commuting": report_commuting(query, timings),
        "revenue": report_revenue(query, timings),
        "agreements": report_agreements(query, timings),
    }
    comuni = _names(query)
    report["meta"] = {
        "period": {
            "kind": query.period.kind,
            "start": query.period.start.isoformat(),
            "end": query.period.end.isoformat(),
            "label": str(query.period.label),
        },
        "previous": {
            "start": query.previous.start.isoformat(),
            "end": query.previous.end.isoformat(),
            "label": str(query.previous.label),
        },
        "comuni": [{"slug": c.slug, "name": c.name, "istat_code": c.istat_code} for c in query.comuni],
        "hub": {"comune": query.hub[0], "hub_id": query.hub[1]} if query.hub else None,
        # For the hub filter: the hubs of the comuni in scope.
        "hubs": sorted(
            (
                {"value": f"{comuni[schema].slug}:{hub_id}", "label": f"{row['name']} ({comuni[schema].name})"}
                for (schema, hub_id), row in dims["hub"].items()
            ),
            key=lambda item: item["label"],
        ),
        "source": choose_mode(query, Window(query.period.trend()[0].start, query.period.end)),
        "rollup_refreshed_at": getattr(getattr(query, "_rollup_state", None), "refreshed_at", None),
        "seconds": round(timings.total, 3),
    }
    return report
