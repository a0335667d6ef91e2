"""`migrate_schemas` at hundreds of comuni: skip the schemas that already have every migration.

django-tenants runs Django's `migrate` once per schema, and each run loads the migration
graph, checks every app and records nothing new when there is nothing to do: about half a
second per comune, so a release with no migration for the comuni took minutes at 300 of
them. Here, before the executor starts, one query (a UNION ALL over the schemas) counts in
each schema's `django_migrations` the migrations of this release; only schemas missing one
are handed to the executor. A schema without the table (a new one) is always migrated.

Only a plain `migrate_schemas` is filtered: with an app label, a target migration, --fake,
--plan, --prune or --check, every schema goes through django-tenants as before.
Settings: `GET_EXECUTOR_FUNCTION = "tenants.comuni.release.get_executor"`.
"""

import logging

from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.migration_executors import get_executor as tenants_get_executor

from tenants.comuni.sql import union_all

logger = logging.getLogger(__name__)
FILTER_OFF = ("app_label", "migration_name", "fake", "fake_initial", "plan", "prune", "check_unapplied", "run_syncdb")


def schemas_needing_migrations(schemas: list[str]) -> list[str]:
    """The schemas of `schemas` whose django_migrations lacks a migration of this release."""
    if not schemas:
        return []
    expected = sorted(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables WHERE table_name = 'django_migrations' "
            "AND table_schema = ANY(%s)",
            [list(schemas)],
        )
        with_table = [row[0] for row in cursor.fetchall()]
        if not with_table:
            return list(schemas)
        sql = "WITH expected(app, name) AS (SELECT * FROM unnest(%(apps)s::text[], %(names)s::text[])) " + union_all(
            "SELECT {lit} AS schema, count(*) AS present FROM {s}.django_migrations m "
            "JOIN expected e ON e.app = m.app AND e.name = m.name",
            with_table,
        )
        cursor.execute(sql, {"apps": [app for app, _ in expected], "names": [name for _, name in expected]})
        complete = {schema for schema, present in cursor.fetchall() if present == len(expected)}
    return [schema for schema in schemas if schema not in complete]


def get_executor(codename=None):
    base = tenants_get_executor(codename)

    class SkippingUpToDateSchemas(base):
        def run_migrations(self, tenants=None):
            tenants = list(tenants or [])
            if not any(self.options.get(option) for option in FILTER_OFF):
                stale = schemas_needing_migrations(tenants)
                if len(stale) < len(tenants):
                    logger.info(
                        "%d of %d schemas already have every migration", len(tenants) - len(stale), len(tenants)
                    )
                tenants = stale
            if tenants:
                super().run_migrations(tenants=tenants)

    SkippingUpToDateSchemas.__name__ = f"SkippingUpToDate{base.__name__}"
    return SkippingUpToDateSchemas
