"""/readyz: ready when the database answers and the public schema has every migration.

Against the real server behind the proxy (cut, then restored), and in this process for
the migrations (a migration's row removed in a transaction that is rolled back).
"""

import pytest
from django.db import connection, transaction
from django.test import Client

from src.common import health
from tests.faults.conftest import wait_for


def test_readyz_is_ready_on_any_host_when_the_database_answers(app_server):
    for host in ("127.0.0.1", "probe.internal", "prova-guasti.localhost"):
        reply = app_server.get("/readyz", host=host)
        assert reply.status == 200, (host, reply.text)
        assert reply.json() == {"status": "ready", "database": "ok", "migrations": "ok"}


def test_readyz_is_503_while_the_database_is_cut_and_ready_again_after(app_server, database_outage):
    assert app_server.get("/readyz", host="127.0.0.1").status == 200
    database_outage.cut()
    reply = app_server.get("/readyz", host="127.0.0.1")
    assert reply.status == 503
    assert reply.json() == {"status": "unavailable", "database": "unreachable"}
    assert int(reply.headers["retry-after"]) > 0
    database_outage.restore()
    wait_for(lambda: app_server.get("/readyz", host="127.0.0.1").status == 200, timeout=20, what="/readyz")


@pytest.fixture
def migrations_unchecked(monkeypatch):
    # As in a process that has not answered /readyz yet.
    monkeypatch.setattr(health, "_migrations_applied", False)


def _drop_last_migration_row():
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE id = (SELECT max(id) FROM django_migrations WHERE app = 'bookings')"
        )


def test_an_unapplied_migration_makes_readyz_503(migrations_unchecked):
    client = Client(HTTP_HOST="10.0.0.1")
    with transaction.atomic():
        _drop_last_migration_row()
        reply = client.get("/readyz")
        transaction.set_rollback(True)
    assert reply.status_code == 503
    body = reply.json()
    assert body["status"] == "unavailable" and body["migrations"] == "pending"
    assert len(body["pending"]) == 1 and body["pending"][0].startswith("bookings.")
    assert health._migrations_applied is False  # checked again by the next probe


def test_after_the_first_success_the_migrations_are_not_read_again(migrations_unchecked):
    client = Client(HTTP_HOST="10.0.0.1")
    assert client.get("/readyz").status_code == 200
    assert health._migrations_applied is True
    with transaction.atomic():
        _drop_last_migration_row()
        reply = client.get("/readyz")  # only SELECT 1 now
        transaction.set_rollback(True)
    assert reply.status_code == 200
