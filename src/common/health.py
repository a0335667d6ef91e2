"""Probes for load balancers and orchestrators, answered on every host (see `src.common.middleware`).

- `/healthz`: 200 while the process serves requests; never touches the database.
- `/readyz`: 200 when the database answers and the public schema has no unapplied
  migration, 503 otherwise. The migrations are read once: after the first success the
  answer is kept for the life of the process (a new release means new processes), so
  a probe then costs one `SELECT 1`.
"""

import logging
import threading

from django.db import DatabaseError, connection
from django.http import JsonResponse

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30

_migrations_applied = False
_migrations_lock = threading.Lock()


def healthz(request) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _pending_migrations() -> list[str]:
    """Migrations on disk not recorded in the public schema's django_migrations."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def readyz(request) -> JsonResponse:
    global _migrations_applied
    connection.set_schema_to_public()  # a previous request on this thread may have left a comune's schema
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if not _migrations_applied:
            with _migrations_lock:
                pending = _pending_migrations()
                _migrations_applied = not pending
            if pending:
                logger.warning("Not ready: %d unapplied migrations in the public schema", len(pending))
                return _unavailable({"database": "ok", "migrations": "pending", "pending": pending[:20]})
    except DatabaseError as error:
        logger.warning("Not ready: the database does not answer (%s: %s)", error.__class__.__name__, error)
        return _unavailable({"database": "unreachable"})
    return JsonResponse({"status": "ready", "database": "ok", "migrations": "ok"})


def _unavailable(checks: dict) -> JsonResponse:
    response = JsonResponse({"status": "unavailable", **checks}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
