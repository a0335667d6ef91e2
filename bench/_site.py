"""What the HTTP benchmarks share: a comune of their own, a bookable hub, signed-in accounts,
and the gunicorn server (deploy/gunicorn.conf.py) on 127.0.0.1 that serves them.

Everything is removed again by `comune_drop` (the schema, the accounts and their sessions),
so the benchmarks can also run against DATABASE_URL.
"""

import http.client
import json
import os
import random
import runpy
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from psycopg2.extras import DateTimeTZRange

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
EMAIL_DOMAIN = "benchmark.invalid"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
_SESSIONS: list[str] = []


@dataclass(frozen=True)
class Account:
    user_id: int
    session_key: str
    csrf: str  # a 32-character CSRF secret, sent as cookie and as X-CSRFToken

    @property
    def cookie(self) -> str:
        return f"sessionid={self.session_key}; csrftoken={self.csrf}"


# --- The comune ---------------------------------------------------------------------------------


def comune_create(slug: str, name: str, istat_code: str, account_prefix: str):
    """A comune of the benchmark's own; what a run that did not finish left behind goes first."""
    from tenants.comuni.models import Municipality
    from tenants.comuni.services import municipality_create

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    stale = Municipality.objects.filter(slug=slug).first()
    if stale is not None:
        stale.delete(force_drop=True)
        connection.set_schema_to_public()
    _accounts_delete(account_prefix)
    outcome = municipality_create(slug=slug, name=name, istat_code=istat_code, province="FC")
    connection.set_schema_to_public()
    return outcome.municipality


def comune_drop(municipality, account_prefix: str) -> None:
    municipality.delete(force_drop=True)  # first: its bookings point at the accounts
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_session WHERE session_key = ANY(%s)", [_SESSIONS])
    _accounts_delete(account_prefix)


def _accounts_delete(prefix: str) -> None:
    with connection.cursor() as cursor:
        # Raw SQL: Django's cascade would look for the comuni's tables in the public schema.
        cursor.execute("DELETE FROM identity_user WHERE email LIKE %s", [f"{prefix}-%@{EMAIL_DOMAIN}"])


def bookable_hub(municipality, seats: int):
    """A published hub open 08:00-20:00 every day (12 one-hour slots) with one room of `seats` seats,
    and a policy that lets a person book 120 days ahead and hold up to 100 active bookings."""
    from src.bookings.services import policy_update
    from src.hubs.models import Hub, OpeningHours, Seat, Space

    connection.set_tenant(municipality)
    hub = Hub.objects.create(
        slug="hub-bench", name="Hub benchmark", address="Via Prova 1", town="Cesena", is_published=True
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(hub=hub, weekday=d, opens=clock(8), closes=clock(20)) for d in range(7)
    )
    space = Space.objects.create(hub=hub, name="Coworking", kind="coworking", capacity=seats, bookable_whole=True)
    rows = Seat.objects.bulk_create(Seat(space=space, label=f"P{n:02d}") for n in range(1, seats + 1))
    policy_update(max_days_ahead=120, max_active_per_person=100, max_hours=12)
    connection.set_schema_to_public()
    return hub, space, rows


def week_fill(municipality, hub, space, seats, person_id: int, monday, count: int) -> list:
    """`count` confirmed bookings spread at random over the seats and slots of the week from `monday`."""
    from src.bookings.models import Booking
    from src.common.codes import code_new
    from src.common.time import ROME

    connection.set_tenant(municipality)
    cells = [(seat, day, hour) for seat in seats for day in range(7) for hour in range(8, 20)]
    random.Random(4).shuffle(cells)
    rows = []
    for seat, day, hour in cells[:count]:
        start = datetime.combine(monday + timedelta(days=day), clock(hour), tzinfo=ROME)
        rows.append(
            Booking(
                code=code_new(),
                person_id=person_id,
                hub=hub,
                space=space,
                seat=seat,
                period=DateTimeTZRange(start, start + timedelta(hours=1)),
                channel="web",
            )
        )
    Booking.objects.bulk_create(rows, batch_size=1000)
    connection.set_schema_to_public()
    return rows


def accounts_create(prefix: str, count: int) -> list[Account]:
    """`count` people, each signed in (a session row, as after a real sign-in)."""
    from tenants.identity.models import User
    from tenants.identity.second_factor import session_stamp

    now = timezone.now()
    # Confirmed addresses: an unconfirmed account may not book (tenants.identity.selectors.can_book).
    users = [
        User(email=email, email_verified_address=email, email_verified_at=now)
        for email in (f"{prefix}-{i}@{EMAIL_DOMAIN}" for i in range(count))
    ]
    for user in users:
        user.set_unusable_password()
    User.objects.bulk_create(users)
    # The rows SessionStore.create() would write, in one statement (hundreds of people).
    store = SessionStore()
    expires = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    accounts, rows = [], []
    for user in users:
        key = get_random_string(32, VALID_KEY_CHARS)  # as SessionStore draws them
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        # What a real sign-in also writes (tenants/identity/second_factor.py): without it the
        # first request of each person, on whichever side of a benchmark, reads the person's
        # roles and rewrites the session.
        session_stamp(data, user)
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        _SESSIONS.append(key)
        accounts.append(Account(user.pk, key, secrets.token_hex(16)))
    Session.objects.bulk_create(rows)
    return accounts


def period(day, hour: int) -> dict:
    from src.common.time import ROME

    start = datetime.combine(day, clock(hour), tzinfo=ROME)
    return {"start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat()}


# --- The server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_settings(env: dict) -> dict:
    """workers and threads as deploy/gunicorn.conf.py computes them for this machine and environment."""
    saved = os.environ.copy()
    try:
        os.environ.update(env)
        conf = runpy.run_path(str(GUNICORN_CONF))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {"worker_class": conf["worker_class"], "workers": conf["workers"], "threads": conf["threads"]}


class Server:
    """gunicorn with deploy/gunicorn.conf.py as production runs it (workers and threads from the
    file's defaults unless WEB_WORKERS/WEB_THREADS are set), bound to 127.0.0.1 on a free port.
    The access log goes to results/<name>-access.log, stderr to results/<name>-server.log, and
    stdout (the console e-mail backend's messages) is dropped."""

    def __init__(self, host: str, name: str, env: dict | None = None):
        self.host = host
        self.port = free_port()
        # The request rates (tenants/identity/throttling.py) would answer 429 to a load test.
        rates = {f"THROTTLE_{scope}": "1000000/min" for scope in ("ANON", "USER", "APPOINTMENT_ANON", "CHECK_IN")}
        self.env = {**os.environ, "BIND": f"127.0.0.1:{self.port}", "DEBUG": "0", **rates, **(env or {})}
        self.settings = gunicorn_settings(self.env)
        self.log = RESULTS / f"{name}-server.log"
        self.access_log = RESULTS / f"{name}-access.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Server":
        """Boot gunicorn without waiting for it (the caller can prepare its data meanwhile)."""
        import gunicorn

        RESULTS.mkdir(exist_ok=True)
        self.access_log.unlink(missing_ok=True)  # gunicorn appends to it
        command = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "config.wsgi"]
        # The access log the configuration writes to stdout, into a file: what the server answered.
        command += ["--access-logfile", str(self.access_log)]
        if gunicorn.version_info >= (25, 1):  # a throw-away server: no shared ~/.gunicorn/gunicorn.ctl to claim
            command.append("--no-control-socket")
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,  # its own process group: stopped as a whole, workers included
            )
        return self

    def ready(self) -> "Server":
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {self.log}")
            try:  # a read that writes nothing: the caller may still be filling the comune
                if Client(self.port, self.host).request("GET", "/api/v1/hubs/")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within 90 s: see {self.log}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        # SIGINT: quick shutdown; a graceful SIGTERM waits for the load's kept-alive connections.
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self) -> "Server":
        self.start()
        try:
            return self.ready()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()


class Client:
    """One keep-alive connection from this process, as one signed-in person (or anonymous)."""

    def __init__(self, port: int, host: str, account: Account | None = None):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Host": host, "Content-Type": "application/json"}
        if account is not None:
            self.headers["Cookie"] = account.cookie
            self.headers["X-CSRFToken"] = account.csrf

    def request(self, method: str, path: str, body=None) -> tuple[int, dict | list]:
        data = json.dumps(body) if body is not None else None
        try:
            self.connection.request(method, path, body=data, headers=self.headers)
            response = self.connection.getresponse()
        except (http.client.HTTPException, ConnectionError):
            self.connection.close()  # the server closed a kept-alive connection: open a new one
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.connection.request(method, path, body=data, headers=self.headers)
            response = self.connection.getresponse()
        payload = response.read()
        return response.status, json.loads(payload) if payload else {}


def host_of(slug: str) -> str:
    return f"{slug}.{settings.UNION_DOMAIN}"
