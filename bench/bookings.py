"""Seat bookings through the real API: throughput, availability time, contention.

A gunicorn server (deploy/gunicorn.conf.py: gthread, 2 workers × 4 threads) on
127.0.0.1 serves a comune of its own ("benchmark"), created here with a hub of
50 seats. Clients are threads of this process, each with its own keep-alive
HTTP connection and its own signed-in account.

1. Throughput: CLIENTS clients POST /api/v1/bookings/ for distinct seats and
   slots (no conflicts) for a bounded number of requests: bookings per second.
2. Availability: GET /api/v1/availability/ for a day of a week holding 2,000
   bookings on the 50 seats: median and 95th percentile, plus the same
   selector in-process (no HTTP).
3. Contention: RACERS requests released at once for one seat and slot:
   winners (201) and refusals (409); anything else is a failure.

Everything the benchmark commits is removed at the end (the comune's schema,
its accounts and their sessions), so it can also run against DATABASE_URL.
"""

import http.client
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import connection
from psycopg2.extras import DateTimeTZRange

SLUG = "benchmark"
HOST = f"{SLUG}.{settings.UNION_DOMAIN}"
SEATS = 50
WEEK_BOOKINGS = 2000
CLIENTS = 8
REQUESTS_PER_CLIENT = 60
AVAILABILITY_REQUESTS = 40
RACERS = 32
ROOT = Path(__file__).resolve().parent.parent
LOG = Path(__file__).resolve().parent / "results" / "bookings-server.log"
_SESSIONS: list[str] = []


# --- Set-up -------------------------------------------------------------------------------------


def _comune():
    from tenants.comuni.models import Municipality
    from tenants.comuni.services import municipality_create

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    stale = Municipality.objects.filter(slug=SLUG).first()
    if stale is not None:  # a previous run that did not finish
        _drop(stale)
    outcome = municipality_create(slug=SLUG, name="Benchmark", istat_code="999901", province="FC")
    connection.set_schema_to_public()
    return outcome.municipality


def _hub(municipality):
    from src.bookings.services import policy_update
    from src.hubs.models import Hub, OpeningHours, Seat, Space

    connection.set_tenant(municipality)
    hub = Hub.objects.create(
        slug="hub-bench", name="Hub benchmark", address="Via Prova 1", town="Cesena", is_published=True
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(hub=hub, weekday=d, opens=clock(8), closes=clock(20)) for d in range(7)
    )  # 12 one-hour slots a day
    space = Space.objects.create(hub=hub, name="Coworking", kind="coworking", capacity=SEATS, bookable_whole=True)
    seats = Seat.objects.bulk_create(Seat(space=space, label=f"P{n:02d}") for n in range(1, SEATS + 1))
    policy_update(max_days_ahead=120, max_active_per_person=100, max_hours=12)
    connection.set_schema_to_public()
    return hub, space, seats


def _fill_week(municipality, hub, space, seats, person, monday) -> int:
    """WEEK_BOOKINGS confirmed bookings spread over the seats and slots of the week from `monday`."""
    from src.bookings.models import Booking
    from src.common.codes import code_new
    from src.common.time import ROME

    connection.set_tenant(municipality)
    cells = [(seat, day, hour) for seat in seats for day in range(7) for hour in range(8, 20)]
    random.Random(4).shuffle(cells)
    rows = []
    for seat, day, hour in cells[:WEEK_BOOKINGS]:
        start = datetime.combine(monday + timedelta(days=day), clock(hour), tzinfo=ROME)
        rows.append(
            Booking(
                code=code_new(),
                person=person,
                hub=hub,
                space=space,
                seat=seat,
                period=DateTimeTZRange(start, start + timedelta(hours=1)),
                channel="web",
            )
        )
    Booking.objects.bulk_create(rows, batch_size=1000)
    connection.set_schema_to_public()
    return len(rows)


def _accounts(count: int):
    """Accounts with a signed-in session each: (user, session key, csrf secret)."""
    from tenants.identity.models import User

    accounts = []
    for i in range(count):
        user = User.objects.create_user(email=f"bench{i}@benchmark.invalid", password=None)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        _SESSIONS.append(session.session_key)
        accounts.append((user, session.session_key, secrets.token_hex(16)))  # a 32-character CSRF secret
    return accounts


def _drop(municipality) -> None:
    municipality.delete(force_drop=True)
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_session WHERE session_key = ANY(%s)", [_SESSIONS])
        # Raw SQL: Django's cascade would look for the comuni's tables in the public schema.
        cursor.execute("DELETE FROM identity_user WHERE email LIKE 'bench%%@benchmark.invalid'")


# --- The server ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server(port: int) -> subprocess.Popen:
    LOG.parent.mkdir(exist_ok=True)
    env = dict(os.environ, BIND=f"127.0.0.1:{port}", WEB_WORKERS="2", WEB_THREADS="4", DEBUG="0", LOG_LEVEL="ERROR")
    # The benchmark measures the booking path, not the request rates (docs/security.md): lift them.
    env.update(THROTTLE_ANON="1000000/min", THROTTLE_USER="1000000/min")
    log = LOG.open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "deploy/gunicorn.conf.py",
            "--access-logfile",
            "/dev/null",
            "config.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: see {LOG}")
        try:
            status, _ = Client(port, None).request("GET", "/api/v1/booking-policy/")
            if status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("gunicorn did not answer within 60 s")


class Client:
    """One keep-alive connection, as one signed-in person (or anonymous)."""

    def __init__(self, port: int, account):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Host": HOST, "Content-Type": "application/json"}
        if account is not None:
            _user, session_key, csrf = account
            self.headers["Cookie"] = f"sessionid={session_key}; csrftoken={csrf}"
            self.headers["X-CSRFToken"] = csrf

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


# --- The measures -------------------------------------------------------------------------------


def _period(day, hour: int) -> dict:
    from src.common.time import ROME

    start = datetime.combine(day, clock(hour), tzinfo=ROME)
    return {"start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat()}


def _throughput(port, accounts, space, seats, first_day) -> dict:
    # Client c books seat c, c+CLIENTS, ... : distinct cells, so every request should succeed.
    work = []
    for c in range(CLIENTS):
        cells = [
            (seat, first_day + timedelta(days=d), h)
            for d in range(30)
            for h in range(8, 20)
            for seat in seats[c::CLIENTS]
        ]
        work.append(cells[:REQUESTS_PER_CLIENT])
    statuses: list[int] = []
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(CLIENTS + 1)

    def client(index):
        http_client = Client(port, accounts[index])
        barrier.wait()
        for seat, day, hour in work[index]:
            started = time.perf_counter()
            status, _ = http_client.request(
                "POST", "/api/v1/bookings/", {"space": space.pk, "seat": seat.pk, **_period(day, hour)}
            )
            with lock:
                statuses.append(status)
                latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(300)
    elapsed = time.perf_counter() - started
    created = statuses.count(201)
    latencies.sort()
    return {
        "clients": CLIENTS,
        "requests": len(statuses),
        "created": created,
        "other_statuses": sorted(set(statuses) - {201}),
        "seconds": round(elapsed, 2),
        "bookings_per_second": round(created / elapsed, 1),
        "latency_ms_p50": round(statistics.median(latencies) * 1000, 1),
        "latency_ms_p95": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1),
    }


def _availability(port, municipality, hub, day) -> dict:
    from src.bookings.selectors import hub_availability

    client = Client(port, None)
    path = f"/api/v1/availability/?hub={hub.pk}&date={day.isoformat()}"
    for _ in range(5):  # warm-up: connections, caches
        status, body = client.request("GET", path)
        assert status == 200, body
    taken = sum(not free for space in body["spaces"] for seat in space["seats"] for free in seat["free"])
    times = []
    for _ in range(AVAILABILITY_REQUESTS):
        started = time.perf_counter()
        client.request("GET", path)
        times.append(time.perf_counter() - started)
    connection.set_tenant(municipality)
    in_process = []
    for _ in range(AVAILABILITY_REQUESTS):
        started = time.perf_counter()
        hub_availability(hub, day)
        in_process.append(time.perf_counter() - started)
    connection.set_schema_to_public()
    times.sort()
    return {
        "seats": SEATS,
        "bookings_in_week": WEEK_BOOKINGS,
        "taken_cells_that_day": taken,
        "http_ms_median": round(statistics.median(times) * 1000, 1),
        "http_ms_p95": round(times[int(len(times) * 0.95) - 1] * 1000, 1),
        "selector_ms_median": round(statistics.median(in_process) * 1000, 1),
    }


def _contention(port, accounts, space, seat, day) -> dict:
    barrier = threading.Barrier(RACERS)
    statuses: list = [None] * RACERS
    clients = [Client(port, accounts[i]) for i in range(RACERS)]
    for c in clients:  # open the connections before the start
        c.request("GET", "/api/v1/booking-policy/")
    body = {"space": space.pk, "seat": seat.pk, **_period(day, 10)}

    def racer(index):
        barrier.wait()
        statuses[index] = clients[index].request("POST", "/api/v1/bookings/", body)[0]

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return {
        "racers": RACERS,
        "winners": statuses.count(201),
        "refused_409": statuses.count(409),
        "other": [s for s in statuses if s not in (201, 409)],
    }


def run() -> dict:
    from src.common.time import local_today

    municipality = _comune()
    server = None
    try:
        hub, space, seats = _hub(municipality)
        accounts = _accounts(max(CLIENTS, RACERS) + 1)
        seeder = accounts.pop()[0]  # owns the week's bookings: far past any per-person limit
        today = local_today()
        monday = today + timedelta(days=7 - today.weekday())  # next week, all of it ahead
        filled = _fill_week(municipality, hub, space, seats, seeder, monday)
        port = _free_port()
        server = _server(port)
        print(
            f"   server: gunicorn gthread 2×4 on 127.0.0.1:{port}; hub with {SEATS} seats, {filled} bookings in the week of {monday}"
        )

        throughput = _throughput(port, accounts, space, seats, monday + timedelta(days=14))
        print(
            f"Bookings created through the API: {throughput['bookings_per_second']} /s "
            f"({throughput['created']} in {throughput['seconds']} s, {CLIENTS} clients; "
            f"latency p50 {throughput['latency_ms_p50']} ms, p95 {throughput['latency_ms_p95']} ms)"
        )
        if throughput["other_statuses"]:
            print(f"   !! unexpected statuses: {throughput['other_statuses']}")

        availability = _availability(port, municipality, hub, monday + timedelta(days=2))
        print(
            f"Availability, {SEATS} seats, {WEEK_BOOKINGS} bookings that week ({availability['taken_cells_that_day']} cells taken that day): "
            f"HTTP median {availability['http_ms_median']} ms, p95 {availability['http_ms_p95']} ms; "
            f"selector alone {availability['selector_ms_median']} ms"
        )

        contention = _contention(port, accounts, space, seats[0], monday + timedelta(days=60))
        print(
            f"Contention, {RACERS} requests for one seat at once: {contention['winners']} winner, "
            f"{contention['refused_409']} refused with 409, other {contention['other'] or 'none'}"
        )
        return {"throughput": throughput, "availability": availability, "contention": contention}
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        _drop(municipality)
