"""Real faults: the application in another process, PostgreSQL behind a proxy that can be cut.

Fixtures (package scope: one proxy, one server and one comune for the whole folder):

- `db_proxy`: a `DatabaseProxy` (proxy.py) to the test database.
- `fault_comune`: a comune of this folder's own ("Prova guasti", host
  `prova-guasti.localhost`), COMMITTED so that the other process sees it, and dropped
  after the folder's last test. The rolled-back tests never meet it.
- `app_server`: gunicorn with deploy/gunicorn.conf.py (one worker, two threads), its
  DATABASE_URL pointing at the proxy; `app_server.get(path, host=...)` -> `Reply`.
- `database_outage`: the proxy for one test, restored after it whatever happens.

Like tests/tasks/, the tests here run WITHOUT a transaction around them (another process
must see their rows): write with care, in `fault_comune` only, and clean up.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.faults.proxy import DatabaseProxy

ROOT = Path(__file__).resolve().parents[2]
COMUNE = {"slug": "prova-guasti", "name": "Prova guasti", "istat_code": "040999", "province": "FC"}


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            # Makes pytest-django create the test database; _django_db_helper below keeps
            # the test itself out of a transaction.
            item.add_marker(pytest.mark.django_db)


@pytest.fixture
def _django_db_helper(django_db_setup, django_db_blocker):
    """Overrides pytest-django's private fixture for this folder: database access, no transaction."""
    from django.db import connection

    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


def wait_for(predicate, *, timeout: float, interval: float = 0.2, what: str = "the condition"):
    """Call `predicate` until it returns something truthy; that value, or a failure after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {timeout} s waiting for {what} (last value: {value!r})")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_env(proxy: DatabaseProxy, **extra) -> dict:
    """The environment of a child process that reaches the test database through `proxy`."""
    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "REDIS_URL", "SENTRY_DSN")}
    env.update({"DATABASE_URL": proxy.database_url, "PYTHONUNBUFFERED": "1", **extra})
    return env


@pytest.fixture(scope="package")
def db_proxy(django_db_setup, django_db_blocker):
    from django.db import connection

    if not connection.settings_dict["NAME"].startswith("test_"):
        raise RuntimeError(f"Fault tests refuse to run on {connection.settings_dict['NAME']!r}: not a test database.")
    with DatabaseProxy.for_database(connection.settings_dict) as proxy:
        yield proxy


@pytest.fixture
def database_outage(db_proxy):
    db_proxy.restore()
    yield db_proxy
    db_proxy.restore()


@pytest.fixture(scope="package")
def fault_comune(django_db_setup, django_db_blocker):
    from django.db import connection

    from tenants.comuni.models import Municipality
    from tenants.comuni.services import municipality_create

    with django_db_blocker.unblock():
        outcome = municipality_create(**COMUNE)
        if not outcome.created:
            pytest.fail(f"{COMUNE['slug']} already exists: this folder only ever uses (and drops) a comune of its own")
        try:
            yield outcome.municipality
        finally:
            connection.set_schema_to_public()
            Municipality.objects.get(pk=outcome.municipality.pk).delete(force_drop=True)
            connection.set_schema_to_public()


@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self):
        return json.loads(self.body)


class AppServer:
    """gunicorn serving config.wsgi with deploy/gunicorn.conf.py, in a process of its own."""

    def __init__(self, proxy: DatabaseProxy, log_path: Path):
        self.port = free_port()
        self.log_path = log_path
        self._log = log_path.open("wb")
        env = database_env(proxy, BIND=f"127.0.0.1:{self.port}", WEB_WORKERS="1", WEB_THREADS="2", LOG_LEVEL="INFO")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi:application"],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def get(self, path: str, *, host: str = "localhost", headers: dict | None = None, timeout: float = 15) -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", path, headers={"Host": host, **(headers or {})})
            response = connection.getresponse()
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        finally:
            connection.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_until_up(self, timeout: float = 60) -> None:
        def up():
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            try:
                return self.get("/healthz", timeout=2).status == 200
            except OSError:
                return False

        wait_for(up, timeout=timeout, what="gunicorn to answer /healthz")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()


@pytest.fixture(scope="package")
def app_server(db_proxy, fault_comune, tmp_path_factory):
    server = AppServer(db_proxy, tmp_path_factory.mktemp("gunicorn") / "gunicorn.log")
    try:
        server.wait_until_up()
        yield server
    finally:
        server.stop()  # its database sessions end with it: the test database can be dropped
