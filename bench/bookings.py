"""Seat bookings: who wins a race for one seat through the real API, and the availability selector alone.

Throughput and latency over HTTP, beside a plain-DRF floor, are measured by booking_path.py;
this section keeps what that one does not:

1. Contention: RACERS signed-in people POST /api/v1/bookings/ for one seat and slot at once,
   through gunicorn (deploy/gunicorn.conf.py) on 127.0.0.1: exactly one 201, the rest 409.
2. The availability selector in-process (no HTTP) for the 50-seat hub on a day of a week
   holding 2,000 bookings: the part of GET /api/v1/availability/ that is the query work.

Everything the benchmark commits is removed at the end (the comune's schema, its accounts and
their sessions), so it can also run against DATABASE_URL.
"""

import statistics
import threading
import time
from datetime import timedelta

from django.db import connection

from bench import _site as site

SLUG = "benchmark"
ACCOUNTS = "bench-bookings"  # e-mail prefix of the benchmark's people, removed at the end
HOST = site.host_of(SLUG)
SEATS = 50
WEEK_BOOKINGS = 2000
SELECTOR_RUNS = 40
RACERS = 32


def _availability_selector(municipality, hub, day) -> dict:
    from src.bookings.availability import hub_availability

    connection.set_tenant(municipality)
    for _ in range(3):  # warm-up: connection, caches
        grid = hub_availability(hub, day)
    times = []
    for _ in range(SELECTOR_RUNS):
        started = time.perf_counter()
        hub_availability(hub, day)
        times.append(time.perf_counter() - started)
    connection.set_schema_to_public()
    times.sort()
    return {
        "seats": SEATS,
        "bookings_in_week": WEEK_BOOKINGS,
        "taken_cells_that_day": sum(not free for space in grid.spaces for row in space.seats for free in row.free),
        "selector_ms_median": round(statistics.median(times) * 1000, 1),
        "selector_ms_p95": round(times[int(len(times) * 0.95) - 1] * 1000, 1),
    }


def _contention(server, accounts, space, seat, day) -> dict:
    barrier = threading.Barrier(RACERS)
    statuses: list = [None] * RACERS
    clients = [site.Client(server.port, HOST, accounts[i]) for i in range(RACERS)]
    for c in clients:  # open the connections before the start
        c.request("GET", "/api/v1/booking-policy/")
    body = {"space": space.pk, "seat": seat.pk, **site.period(day, 10)}

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

    municipality = site.comune_create(SLUG, "Benchmark", "999901", ACCOUNTS)
    try:
        hub, space, seats = site.bookable_hub(municipality, SEATS)
        accounts = site.accounts_create(f"{ACCOUNTS}-racer", RACERS)
        (seeder,) = site.accounts_create(f"{ACCOUNTS}-seeder", 1)
        today = local_today()
        monday = today + timedelta(days=7 - today.weekday())  # next week, all of it ahead
        site.week_fill(municipality, hub, space, seats, seeder.user_id, monday, WEEK_BOOKINGS)

        availability = _availability_selector(municipality, hub, monday + timedelta(days=2))
        print(
            f"Availability selector (no HTTP), {SEATS} seats, {WEEK_BOOKINGS} bookings that week "
            f"({availability['taken_cells_that_day']} seat-hours taken that day): "
            f"median {availability['selector_ms_median']} ms, p95 {availability['selector_ms_p95']} ms"
        )
        with site.Server(HOST, "bookings") as server:
            contention = _contention(server, accounts, space, seats[0], monday + timedelta(days=60))
        print(
            f"Contention, {RACERS} requests for one seat at once: {contention['winners']} winner, "
            f"{contention['refused_409']} refused with 409, other {contention['other'] or 'none'}"
        )
        return {"availability_selector": availability, "contention": contention}
    finally:
        site.comune_drop(municipality, ACCOUNTS)
