"""Celery tests run a real worker against the machine's Redis (127.0.0.1:6379, database 15).

Where no Redis answers there, they are skipped, and the end of the run says why
(like the browser tests). CI machines have Redis running on that port.

Like the browser tests, they run WITHOUT a transaction around them: the worker has
its own connection and sees only committed rows. Their data lives in comuni of
their own, committed and dropped by the module (never `transactional_db`, whose
flush would empty the public schema).
"""

import socket
from pathlib import Path

import pytest

REDIS_HOST, REDIS_PORT, REDIS_DB = "127.0.0.1", 6379, 15
REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"


def _skip_reason() -> str | None:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            answer = sock.recv(64)
    except OSError as error:
        return f"no Redis answers at {REDIS_HOST}:{REDIS_PORT} ({error})"
    if not answer.startswith(b"+PONG"):
        return f"the server at {REDIS_HOST}:{REDIS_PORT} did not answer PING like Redis ({answer[:40]!r})"
    return None


SKIP_REASON = _skip_reason()
_skipped: list[str] = []


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            # Makes pytest-django create the test database; _django_db_helper below keeps
            # the test itself out of a transaction.
            item.add_marker(pytest.mark.django_db)
            if SKIP_REASON:
                item.add_marker(pytest.mark.skip(reason=f"Celery tests skipped: {SKIP_REASON}"))
                _skipped.append(item.nodeid)


@pytest.fixture
def _django_db_helper(django_db_setup, django_db_blocker):
    """Overrides pytest-django's private fixture for this folder: database access, no transaction."""
    from django.db import connection

    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _skipped:
        terminalreporter.write_sep("-", "celery tests", yellow=True)
        terminalreporter.write_line(f"Celery tests skipped: {SKIP_REASON} ({len(_skipped)} tests)", yellow=True)
