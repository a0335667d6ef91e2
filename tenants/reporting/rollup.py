"""Rollup tables: each fact, for every comune, stored in `reporting_rollup`.

With a few comuni the dashboard reads live (sql/source.py). With hundreds, a
live UNION ALL is long to plan and scans every comune's bookings for each
measure, so `manage.py reporting_refresh` (run it from cron or the scheduler
every few minutes; nightly with --full) stores each fact for a window of days
with `INSERT ... SELECT` over the generated UNION ALL, BATCH comuni per
statement and transaction (see _refill for why not all at once). The
dashboards then read one small table per fact, one statement per measure.

The tables are derived data: they are (re)created here, not by migrations,
whenever the fact definitions change (a hash of them is kept in `state`).
"""

import hashlib
import time
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from tenants.reporting.catalogue import SQL
from tenants.reporting.role import ROLE, reporting_role_ensure
from tenants.reporting.schemas import comune_schemas
from tenants.reporting.sql.facts import FACTS
from tenants.reporting.sql.source import ROLLUP_SCHEMA, Window, rollup_table, union_all_sql

# Incremental refresh: bookings change state (check-in, no-show) for a few days
# after they happen, and future ones are created and cancelled.
RECENT_DAYS = 40
AHEAD_DAYS = 120
# Comuni per refresh transaction (see _refill), and the advisory lock key that serialises refreshes.
BATCH = 30
REFRESH_LOCK = 0x5245504F  # "REPO"


def definitions_version() -> str:
    digest = hashlib.sha256()
    for fact in FACTS.values():
        digest.update(repr((fact.name, fact.columns, fact.template, fact.index)).encode())
    # The templates name tables and states through the catalogue: a renamed one changes the SQL too.
    digest.update(repr(SQL).encode())
    return digest.hexdigest()[:16]


def default_window(full: bool, today: date | None = None) -> Window:
    today = today or timezone.localdate()
    start = date(today.year - 1, 1, 1) if full else today - timedelta(days=RECENT_DAYS)
    return Window(start, today + timedelta(days=AHEAD_DAYS))


@dataclass
class RollupState:
    version: str
    refreshed_at: object
    covered_start: date
    covered_end: date

    def covers(self, window: Window) -> bool:
        return (
            self.version == definitions_version()
            and self.covered_start <= window.start
            and window.end <= self.covered_end
        )


def rollup_state() -> RollupState | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f"{ROLLUP_SCHEMA}.state"])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f"SELECT version, refreshed_at, covered_start, covered_end FROM {ROLLUP_SCHEMA}.state")
        row = cursor.fetchone()
    return RollupState(*row) if row else None


def _create_tables(cursor, version: str) -> None:
    cursor.execute(f"DROP SCHEMA IF EXISTS {ROLLUP_SCHEMA} CASCADE")
    cursor.execute(f"CREATE SCHEMA {ROLLUP_SCHEMA}")
    cursor.execute(
        f"CREATE TABLE {ROLLUP_SCHEMA}.state (version text NOT NULL, refreshed_at timestamptz NOT NULL,"
        " covered_start date NOT NULL, covered_end date NOT NULL)"
    )
    for fact in FACTS.values():
        columns = ", ".join(f"{name} {sqltype}" for name, sqltype in fact.columns)
        cursor.execute(f"CREATE TABLE {rollup_table(fact.name)} ({columns})")
        if fact.windowed:
            cursor.execute(f"CREATE INDEX ON {rollup_table(fact.name)} (day, comune)")
        for column in fact.index:
            cursor.execute(f"CREATE INDEX ON {rollup_table(fact.name)} ({column})")
    cursor.execute(f"GRANT USAGE ON SCHEMA {ROLLUP_SCHEMA} TO {ROLE}")
    cursor.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {ROLLUP_SCHEMA} TO {ROLE}")


@dataclass
class RefreshOutcome:
    window: Window
    comuni: int
    rows: dict
    seconds: float


def rollup_refresh(*, window: Window | None = None, full: bool = False) -> RefreshOutcome:
    """Recompute every fact for `window` (default: recent and coming days; `full`: since last January 1st)."""
    started = time.perf_counter()
    comuni = comune_schemas()
    reporting_role_ensure([c.schema for c in comuni])
    version = definitions_version()
    with connection.cursor() as cursor:
        # One refresh at a time, across processes (a session lock: it spans the batches' transactions).
        cursor.execute("SELECT pg_advisory_lock(%s)", [REFRESH_LOCK])
    try:
        state = rollup_state()
        rebuild = state is None or state.version != version
        if window is None:
            window = default_window(full=full or rebuild)
        if rebuild:
            with transaction.atomic(), connection.cursor() as cursor:
                _create_tables(cursor, version)
        rows = _refill(comuni, window)
        covered_start, covered_end = window.start, window.end
        # Covered days stay one unbroken span: a window that leaves a gap starts it anew.
        if (
            not rebuild
            and state is not None
            and window.start <= state.covered_end
            and state.covered_start <= window.end
        ):
            covered_start, covered_end = min(state.covered_start, window.start), max(state.covered_end, window.end)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {ROLLUP_SCHEMA}.state")
            cursor.execute(
                f"INSERT INTO {ROLLUP_SCHEMA}.state VALUES (%s, now(), %s, %s)", [version, covered_start, covered_end]
            )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [REFRESH_LOCK])
    return RefreshOutcome(window=window, comuni=len(comuni), rows=rows, seconds=time.perf_counter() - started)


def _refill(comuni, window: Window) -> dict:
    """Each fact, BATCH comuni per transaction.

    A statement over every schema locks every table (and index) it reads, and a
    transaction keeps its locks until it ends: over 300 comuni that outgrows
    PostgreSQL's lock table (max_locks_per_transaction, 64 by default). Batches
    keep it bounded; while a refresh runs, a reader may see some comuni's
    rows refreshed and others not yet, each comune's rows consistent.
    """
    rows = {name: 0 for name in FACTS}
    params = window.params()
    names = [c.schema for c in comuni]
    with transaction.atomic(), connection.cursor() as cursor:
        for fact in FACTS.values():  # comuni deleted since the last refresh
            cursor.execute(f"DELETE FROM {rollup_table(fact.name)} WHERE NOT (comune = ANY(%s))", [names])
    for first in range(0, max(len(comuni), 1), BATCH):
        batch = comuni[first : first + BATCH]
        batch_params = {**params, "batch": [c.schema for c in batch]}
        for fact in FACTS.values():
            table = rollup_table(fact.name)
            with transaction.atomic(), connection.cursor() as cursor:
                where = "comune = ANY(%(batch)s)" + (
                    " AND day >= %(w_start)s AND day < %(w_end)s" if fact.windowed else ""
                )
                cursor.execute(f"DELETE FROM {table} WHERE {where}", batch_params)
                if batch:
                    cursor.execute(f"INSERT INTO {table} SELECT * FROM {union_all_sql(fact, batch)} AS f", batch_params)
                    rows[fact.name] += cursor.rowcount
    with connection.cursor() as cursor:
        for fact in FACTS.values():
            cursor.execute(f"ANALYZE {rollup_table(fact.name)}")
    return rows
