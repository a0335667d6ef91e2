"""The database role reports read with: it can SELECT what reports need, and write nothing.

`hub_reporting` is a NOLOGIN role. Report queries run inside a transaction that
switches to it (`SET LOCAL ROLE`), so even a bug in generated SQL cannot change
data, and it cannot read what reports do not need: of the people table only the
id and the home comune (no names, e-mails or fiscal codes).

Grants are (re)applied idempotently: when the reporting app migrates, when a
comune's schema is created or migrated (signals in apps.py), by the
`reporting_setup` command, and once more if a query finds a grant missing.
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import connections, transaction

from tenants.comuni.sql import quote_ident
from tenants.reporting.schemas import comune_schemas
from tenants.reporting.sql.facts import tenant_tables
from tenants.reporting.sql.source import ROLLUP_SCHEMA

ROLE = "hub_reporting"
STATEMENT_TIMEOUT_MS = 30_000

# Public tables (and columns) reports may read. People: id and home comune only.
PUBLIC_GRANTS = {
    "comuni_municipality": None,
    "reporting_commuteprofile": None,
    "identity_user": ("id", "home_municipality_id"),
    # Firms' agreements (tenants/firms): the ledger of covered bookings (no person: an
    # enrolment id), the sites' comuni, and which agreements are public employers'.
    "firms_agreementuse": None,
    "firms_worksite": ("id", "firm_id", "istat_code"),
    "firms_agreement": ("id", "firm_id", "municipality_id", "title"),
    "firms_firm": ("id", "name", "kind"),
}


def reporting_alias() -> str:
    """A read replica when one is configured (REPORTING_DATABASE_URL), else the main database."""
    return "reporting" if "reporting" in settings.DATABASES else "default"


def _existing_tables(cursor, schema: str, tables) -> list[str]:
    cursor.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_name = ANY(%s)",
        [schema, list(tables)],
    )
    return sorted(row[0] for row in cursor.fetchall())


def role_create(cursor) -> None:
    # Roles are cluster-wide and two processes may race to create it: tolerate that.
    cursor.execute(
        f"""
        DO $$
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{ROLE}') THEN
            CREATE ROLE {ROLE} NOLOGIN NOINHERIT;
          END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$;
        """
    )
    # The application's own login role must be allowed to SET ROLE to it.
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if not cursor.fetchone()[0]:
        cursor.execute(f"GRANT {ROLE} TO CURRENT_USER")


def grant_public(cursor) -> None:
    cursor.execute(f"GRANT USAGE ON SCHEMA public TO {ROLE}")
    present = set(_existing_tables(cursor, "public", PUBLIC_GRANTS))
    for table, columns in PUBLIC_GRANTS.items():
        if table not in present:
            continue
        if columns is None:
            cursor.execute(f"GRANT SELECT ON public.{quote_ident(table)} TO {ROLE}")
        else:
            cursor.execute(f"GRANT SELECT ({', '.join(columns)}) ON public.{quote_ident(table)} TO {ROLE}")
    cursor.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", [ROLLUP_SCHEMA])
    if cursor.fetchone():
        cursor.execute(f"GRANT USAGE ON SCHEMA {ROLLUP_SCHEMA} TO {ROLE}")
        cursor.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {ROLLUP_SCHEMA} TO {ROLE}")


def grant_schema(cursor, schema: str) -> None:
    """SELECT on the reporting tables of one comune schema (those that exist yet)."""
    ident = quote_ident(schema)
    cursor.execute(f"GRANT USAGE ON SCHEMA {ident} TO {ROLE}")
    tables = _existing_tables(cursor, schema, tenant_tables())
    if tables:
        cursor.execute(f"GRANT SELECT ON {', '.join(f'{ident}.{quote_ident(t)}' for t in tables)} TO {ROLE}")


def reporting_role_ensure(schemas: list[str] | None = None, using: str = "default") -> None:
    """Create the role if missing and grant it what reports read, in public and in `schemas` (default: all)."""
    if schemas is None:
        schemas = [c.schema for c in comune_schemas()]
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        role_create(cursor)
        grant_public(cursor)
        for schema in schemas:
            grant_schema(cursor, schema)


def reporting_role_grant_schema(schema: str, using: str = "default") -> None:
    """Grants on one new or migrated comune schema only (public is granted by the migration)."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        role_create(cursor)
        grant_schema(cursor, schema)


@contextmanager
def reporting_cursor():
    """A cursor running as the read-only role, inside its own transaction (or savepoint).

    SET LOCAL lasts until the end of the *transaction*: inside an outer
    transaction (a test, or ATOMIC_REQUESTS) a released savepoint would keep
    the role, so it is reset on the way out.
    """
    alias = reporting_alias()
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {ROLE}; SET LOCAL statement_timeout = {int(STATEMENT_TIMEOUT_MS)}")
        yield cursor
        cursor.execute("RESET ROLE; RESET statement_timeout")
