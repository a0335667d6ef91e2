"""The booking path and the catalogue reads over HTTP, each beside a plain-DRF floor, as ratios.

    python -m config.localdb --temporary -- python -m bench booking_path
    BENCH_PATH_ROUNDS=7 BENCH_PATH_SECONDS=4 …     # a longer, steadier run (default 5 rounds of 1 + 2 s)
    BENCH_LOADGEN=python …                         # the Python load generator even where wrk is installed
    BENCH_PATH_HOT_SEAT=1 …                        # the taken-seat POST all on one seat (see TAKEN_PLACES)

One gunicorn (deploy/gunicorn.conf.py as production runs it) serves a comune of its own with
BENCH_FLOOR=1, which adds the floor (bench/floor/): a plain APIView + serializer + one INSERT into
a table with the bookings' exclusion constraint, and a plain ListAPIView over a small table, both
with the same session authentication (and CSRF check) as the real endpoints. The load comes from
another process (wrk, else bench/load/pyload.py) over CONNECTIONS keep-alive connections.

Scenarios, each target beside its floor:
  - POST /api/v1/bookings/ on free seats: every request a different seat or slot, so all succeed;
  - POST /api/v1/bookings/ on taken seats (256 places in turn): every request refused, only with 409;
  - GET /api/v1/hubs/ (7 hubs) beside the plain list;
  - GET /api/v1/availability/ (50 seats, a day of a week holding 2,000 bookings) beside the plain list.

Rounds are interleaved (every scenario's target and floor in each round, their order swapped
every other round), so a busy moment of the machine weighs on both. Each run is a ramp (1 s, not
counted) and a measuring window (2 s); the figures are medians over the rounds and the ratio is
the median of the rounds' target/floor throughput ratios.
"""

import json
import os
import platform
import re
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.db import connection
from django.utils import timezone

from bench import _site as site
from bench.load import load_run, plan_write, tool

SLUG = "benchpath"
ACCOUNTS = "bench-path"  # e-mail prefix of the benchmark's people, removed at the end
HOST = site.host_of(SLUG)
SEATS = 50
WEEK_BOOKINGS = 2000
CONNECTIONS = 16
ROUNDS = int(os.environ.get("BENCH_PATH_ROUNDS", 5))
SECONDS = int(os.environ.get("BENCH_PATH_SECONDS", 2))
# Each run starts with RAMP seconds whose answers do not count: the connections all start at once
# (the first answers come late) and the previous run's last requests are still being served.
RAMP_SECONDS = int(os.environ.get("BENCH_PATH_RAMP", 1))
WARM_UP_SECONDS = 1
WARM_UP_BLOCKS = 3  # at most three warm-up runs a side
# Free cells for the booking POST: days FIRST_DAY..LAST_DAY from today (inside the policy's 120
# days, after the filled week), 12 slots, every seat: 57,000, one block for each run.
FIRST_DAY, LAST_DAY = 21, 115
# The policy allows 100 active bookings per person: 600 people can make every cell's booking.
BOOKERS = 600
READERS = 64
# The taken-seat POST asks for TAKEN_PLACES different taken places in turn, so requests in flight
# never conflict with each other. With one hot seat instead, two INSERTs conflicting with the same
# row wait for each other in the constraint check and PostgreSQL breaks the deadlock after
# deadlock_timeout (1 s) with SQLSTATE 40P01: a 500 (bench/README.md), and rounds that measure it.
TAKEN_PLACES = 256
HOT_SEAT = os.environ.get("BENCH_PATH_HOT_SEAT") == "1"

API_BOOKINGS = "/api/v1/bookings/"
FLOOR_BOOKINGS = "/api/v1/bench-floor/bookings/"
FLOOR_LIST = "/api/v1/bench-floor/items/"


@dataclass
class Scenario:
    key: str
    label: str
    expect: int  # every other status is an error
    plans: Callable[[int], tuple[Path, Path]]  # block -> (target plan, floor plan); the first: warm-up
    once: bool = False  # each line may be sent once (a free seat is free once)


# --- Set-up -------------------------------------------------------------------------------------


def _catalogue(municipality) -> list[dict]:
    """The union's demo hubs as more hubs of this comune: a hub list of realistic rows."""
    from src.hubs.demo import CESENA, SMALL_HUBS, hub_ensure, small_hub_plan
    from src.hubs.models import Hub

    connection.set_tenant(municipality)
    hub_ensure(CESENA)
    for slug in SMALL_HUBS:
        hub_ensure(small_hub_plan(slug, slug.replace("-", " ").title()))
    items = list(Hub.objects.order_by("id").values("name", "slug", "address", "town", "description"))
    connection.set_schema_to_public()
    return items


def _floor_tables(municipality, items: list[dict], taken: list) -> None:
    from bench.floor.schema import floor_tables_create

    floor_tables_create(municipality.schema_name, items)
    with connection.cursor() as cursor:  # the floor's taken places: the same seats and periods
        cursor.executemany(
            f"INSERT INTO {connection.ops.quote_name(municipality.schema_name)}.bench_floor_booking"
            " (person_id, space_id, seat_id, period, created_at) VALUES (%s, %s, %s, %s, now())",
            [(b.person_id, b.space_id, b.seat_id, b.period) for b in taken],
        )


def _cells(seats) -> list[tuple[int, date, int]]:
    from src.common.time import local_today

    today = local_today()
    # Slot by slot, seat by seat: requests in flight at once book different seats of one slot.
    return [
        (seat.pk, today + timedelta(days=d), hour)
        for d in range(FIRST_DAY, LAST_DAY + 1)
        for hour in range(8, 20)
        for seat in seats
    ]


def _tagged(path: str, key: str) -> str:
    """The path with ?bench=<scenario>: the views ignore it, and the server's access log can then
    be tallied by scenario (bench/README.md: "what the server saw")."""
    return f"{path}{'&' if '?' in path else '?'}bench={key}"


def _scenarios(folder: Path, space, seats, hub, availability_day, taken, bookers, readers) -> list[Scenario]:
    from src.common.time import ROME

    cells = _cells(seats)
    block = len(cells) // (WARM_UP_BLOCKS + ROUNDS)

    def booking_lines(path, first, cell_list):
        for index, (seat, day, hour) in enumerate(cell_list):
            account = bookers[(first + index) % len(bookers)]  # requests in flight: different people
            body = json.dumps({"space": space.pk, "seat": seat, **site.period(day, hour)})
            yield ("POST", _tagged(path, "booking_free"), account.cookie, account.csrf, body)

    free_plans = []
    for number in range(WARM_UP_BLOCKS + ROUNDS):  # a block of cells a run, the same bodies for target and floor
        paths = (folder / f"free-{number}-target.plan", folder / f"free-{number}-floor.plan")
        cell_list = cells[number * block : (number + 1) * block]
        plan_write(paths[0], booking_lines(API_BOOKINGS, number * block, cell_list))
        plan_write(paths[1], booking_lines(FLOOR_BOOKINGS, number * block, cell_list))
        free_plans.append(paths)

    def taken_body(booking):
        start = booking.period.lower.astimezone(ROME)
        return json.dumps({"space": space.pk, "seat": booking.seat_id, **site.period(start.date(), start.hour)})

    def fixed(key, method, target_path, floor_path, bodies=("",)):
        plans = folder / f"{key}-target.plan", folder / f"{key}-floor.plan"
        count = max(len(readers), len(bodies))
        for plan, path in zip(plans, (target_path, floor_path)):
            # Line by line a different person (and place): the requests in flight at once differ.
            lines = []
            for i in range(count):
                a, body = readers[i % len(readers)], bodies[i % len(bodies)]
                lines.append((method, _tagged(path, key), a.cookie, a.csrf if body else "", body))
            plan_write(plan, lines)
        return lambda number: plans

    availability = f"/api/v1/availability/?hub={hub.pk}&date={availability_day.isoformat()}"
    return [
        Scenario("booking_free", "POST /api/v1/bookings/ (free seat)", 201, free_plans.__getitem__, once=True),
        Scenario(
            "booking_taken",
            "POST /api/v1/bookings/ (taken, 1 seat)" if HOT_SEAT else "POST /api/v1/bookings/ (taken seat)",
            409,
            fixed("booking_taken", "POST", API_BOOKINGS, FLOOR_BOOKINGS, [taken_body(b) for b in taken]),
        ),
        Scenario("hub_list", "GET /api/v1/hubs/", 200, fixed("hub_list", "GET", "/api/v1/hubs/", FLOOR_LIST)),
        Scenario(
            "availability", "GET /api/v1/availability/", 200, fixed("availability", "GET", availability, FLOOR_LIST)
        ),
    ]


def _server_saw(access_log: Path) -> dict:
    """Statuses by scenario and side from gunicorn's access log: every request the server answered,
    warm-ups included, and those still in flight when a run stopped (the load generator never
    counts those, and the slowest requests are the likeliest to be among them)."""
    seen: dict = {}
    pattern = re.compile(r'"[A-Z]+ (\S+) HTTP/[\d.]+" (\d{3}) ')
    for line in access_log.read_text().splitlines():
        match = pattern.search(line)
        if match is None or "bench=" not in match[1]:
            continue
        key = match[1].split("bench=", 1)[1].split("&", 1)[0]
        side = "floor" if "/bench-floor/" in match[1] else "target"
        statuses = seen.setdefault(key, {"target": {}, "floor": {}})[side]
        statuses[int(match[2])] = statuses.get(int(match[2]), 0) + 1
    return seen


# --- Figures ------------------------------------------------------------------------------------


def _errors(run: dict, expect: int) -> int:
    return sum(n for code, n in run["statuses"].items() if code != expect) + run["socket_errors"]


def _side(runs: list[dict], expect: int) -> dict:
    statuses: dict[int, int] = {}
    for run in runs:
        for code, n in run["statuses"].items():
            statuses[code] = statuses.get(code, 0) + n
    answered = [r for r in runs if r["requests"]] or runs  # latencies of runs that had some
    return {
        "rps": round(statistics.median(r["rps"] for r in runs), 1),
        "p50_ms": round(statistics.median(r["p50_ms"] for r in answered), 1),
        "p99_ms": round(statistics.median(r["p99_ms"] for r in answered), 1),
        "requests": sum(r["requests"] for r in runs),
        "errors": sum(_errors(r, expect) for r in runs),
        "statuses": statuses,
        "plan_reused": any(r["plan_reused"] for r in runs),
        "runs_without_answers": sum(1 for r in runs if not r["requests"]),
        "windowed": all(r["windowed"] for r in runs),
    }


def _summary(scenario: Scenario, runs: dict) -> dict:
    # A run in which no answer came back measured nothing (a machine too busy for 2 s runs): left out.
    ratios = [t["rps"] / f["rps"] for t, f in zip(runs["target"], runs["floor"]) if t["requests"] and f["requests"]]
    return {
        "label": scenario.label,
        "expected_status": scenario.expect,
        "target": _side(runs["target"], scenario.expect),
        "floor": _side(runs["floor"], scenario.expect),
        "ratio": round(statistics.median(ratios), 3) if ratios else None,
        "ratio_min": round(min(ratios), 3) if ratios else None,
        "ratio_max": round(max(ratios), 3) if ratios else None,
        "rounds": runs,
    }


def _table(summaries: dict) -> str:
    head = (
        f"{'scenario':<37} {'target req/s':>12} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6}   "
        f"{'floor req/s':>11} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6}   {'ratio (min-max)':<17}"
    )
    lines = [head, "-" * len(head)]
    for s in summaries.values():
        t, f = s["target"], s["floor"]
        lines.append(
            f"{s['label']:<37} {t['rps']:>12.1f} {t['p50_ms']:>7.1f} {t['p99_ms']:>7.1f} {t['errors']:>6}   "
            f"{f['rps']:>11.1f} {f['p50_ms']:>7.1f} {f['p99_ms']:>7.1f} {f['errors']:>6}   "
            + (f"{s['ratio']:.3f} ({s['ratio_min']:.3f}-{s['ratio_max']:.3f})" if s["ratio"] is not None else "n/a")
        )
    return "\n".join(lines)


def _machine() -> dict:
    model = ""
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "postgres": postgres,
        # The embedded server: a socket folder, given as ?host= in DATABASE_URL.
        "database_host": connection.settings_dict["HOST"] or connection.settings_dict["OPTIONS"].get("host", ""),
    }


def _tool_version(name: str) -> str:
    if name == "python":
        why = "BENCH_LOADGEN=python" if os.environ.get("BENCH_LOADGEN") == "python" else "wrk not installed"
        return f"python bench/load/pyload.py ({why})"
    done = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return (done.stdout or done.stderr).splitlines()[0].split(" [")[0]


# --- Run ----------------------------------------------------------------------------------------


def _measure(server, scenarios: list[Scenario]) -> tuple[dict, dict]:
    def measure(scenario, side, block, seconds, ramp=RAMP_SECONDS):
        return load_run(
            port=server.port,
            host=HOST,
            plan=scenario.plans(block)[0 if side == "target" else 1],
            connections=CONNECTIONS,
            ramp=ramp,
            seconds=seconds,
            once=scenario.once,
        )

    warm_up = {}
    for scenario in scenarios:  # every worker's imports, connections and caches; not counted
        warm_up[scenario.key] = {"target": {}, "floor": {}}
        for side, seen in warm_up[scenario.key].items():
            # Until every connection had an answer: a cold server (fresh clone, no .pyc yet) or a busy
            # machine needs more than one short run; a fresh block of seats for each attempt.
            for block in range(WARM_UP_BLOCKS):
                for code, n in measure(scenario, side, block, WARM_UP_SECONDS, ramp=0)["statuses"].items():
                    seen[code] = seen.get(code, 0) + n
                if sum(seen.values()) >= CONNECTIONS:
                    break
        odd = {side: s for side, s in warm_up[scenario.key].items() if set(s) - {scenario.expect}}
        if odd:
            print(f"   !! warm-up of {scenario.key}: statuses {odd}, expected only {scenario.expect}")

    runs = {s.key: {"target": [], "floor": []} for s in scenarios}
    for number in range(ROUNDS):
        # Interleaved: each scenario's target beside its floor in every round, who goes first swapped.
        order = ("target", "floor") if number % 2 == 0 else ("floor", "target")
        for scenario in scenarios:
            for side in order:
                runs[scenario.key][side].append(measure(scenario, side, WARM_UP_BLOCKS + number, SECONDS))
        figures = ", ".join(
            f"{s.key} {runs[s.key]['target'][-1]['rps']:.0f}/{runs[s.key]['floor'][-1]['rps']:.0f}" for s in scenarios
        )
        print(f"   round {number + 1}/{ROUNDS}: {figures} req/s (target/floor)", flush=True)
    return warm_up, runs


def fill(municipality, folder: Path, accounts: str) -> tuple[list[Scenario], list]:
    """The comune's data (hub, catalogue, people, the filled week, the floor's tables) and each
    scenario's plans in `folder`; also what bench/booking_cpu.py measures in-process."""
    from src.common.time import local_today

    hub, space, seats = site.bookable_hub(municipality, SEATS)
    items = _catalogue(municipality)
    bookers = site.accounts_create(f"{accounts}-booker", BOOKERS)
    readers = site.accounts_create(f"{accounts}-reader", READERS)
    (seeder,) = site.accounts_create(f"{accounts}-seeder", 1)
    today = local_today()
    monday = today + timedelta(days=7 - today.weekday())  # next week, all of it ahead
    week = site.week_fill(municipality, hub, space, seats, seeder.user_id, monday, WEEK_BOOKINGS)
    # The taken places: the week's bookings, or one seat for all (BENCH_PATH_HOT_SEAT=1).
    taken = week[:1] if HOT_SEAT else week[:TAKEN_PLACES]
    _floor_tables(municipality, items, taken)
    with connection.cursor() as cursor:  # planner statistics for the rows just loaded, as autovacuum would
        cursor.execute(f"ANALYZE {connection.ops.quote_name(municipality.schema_name)}.bookings_booking")
    return _scenarios(folder, space, seats, hub, monday + timedelta(days=2), taken, bookers, readers), taken


def run() -> dict:
    from src.bookings.models import Booking

    started = time.perf_counter()
    municipality = site.comune_create(SLUG, "Benchmark percorso", "999902", ACCOUNTS)
    server = site.Server(HOST, "booking_path", env={"BENCH_FLOOR": "1"})
    try:
        server.start()  # its workers boot while the comune is filled
        with tempfile.TemporaryDirectory(prefix="bench-path-") as folder:
            scenarios, taken = fill(municipality, Path(folder), ACCOUNTS)
            method = {
                "date": timezone.localtime().isoformat(timespec="minutes"),
                "machine": _machine(),
                "load_generator": _tool_version(tool()),
                "gunicorn": {**server.settings, "config": "deploy/gunicorn.conf.py"},
                "connections": CONNECTIONS,
                "rounds": ROUNDS,
                "seconds_per_run": SECONDS,
                "ramp_seconds_per_run": RAMP_SECONDS,
                "taken_places": len(taken),
                "warm_up_seconds": WARM_UP_SECONDS,
            }
            server.ready()
            set_up, started = time.perf_counter() - started, time.perf_counter()
            load_before = os.getloadavg()[0]  # other work on the machine: the ratios are read beside it
            g = server.settings
            print(
                f"   gunicorn {g['worker_class']} {g['workers']} workers x {g['threads']} threads on 127.0.0.1:{server.port}; "
                f"load: {method['load_generator']}, {CONNECTIONS} connections, {ROUNDS} rounds x ({RAMP_SECONDS} + {SECONDS}) s a side "
                f"(set-up {set_up:.0f} s)",
                flush=True,
            )
            warm_up, runs = _measure(server, scenarios)
            measuring = time.perf_counter() - started
            method["load_average_1min"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
        server.stop()

        summaries = {s.key: _summary(s, runs[s.key]) for s in scenarios}
        for key, saw in _server_saw(server.access_log).items():
            summaries[key]["server_saw"] = saw
        connection.set_tenant(municipality)
        written = Booking.objects.filter(channel="api").count()
        connection.set_schema_to_public()
        created = sum(r["statuses"].get(201, 0) for r in runs["booking_free"]["target"])
        created += warm_up["booking_free"]["target"].get(201, 0)
        print()
        print(_table(summaries))
        print()
        for s in summaries.values():
            print(f"   {s['label']}: statuses target {s['target']['statuses']}, floor {s['floor']['statuses']}")
            saw = s.get("server_saw", {})
            odd = {side: saw[side] for side in ("target", "floor") if set(saw.get(side, {})) - {s["expected_status"]}}
            if odd:
                print(f"   !! every answer of the server (warm-up and runs' last requests included): {odd}")
            for side in ("target", "floor"):
                if s[side]["plan_reused"]:
                    print(f"   !! {s['label']} {side}: the plan ran out, seats were asked twice (raise LAST_DAY)")
                if not s[side]["windowed"]:
                    print(f"   !! {s['label']} {side}: whole runs counted, ramp included (wrk without LuaJIT's ffi)")
                if s[side]["runs_without_answers"]:
                    print(
                        f"   !! {s['label']} {side}: {s[side]['runs_without_answers']} run(s) without a single answer "
                        "(machine too busy, or runs too short: BENCH_PATH_SECONDS)"
                    )
        answered = summaries["booking_free"].get("server_saw", {}).get("target", {}).get(201, 0)
        print(
            f"   bookings written through the API: {written}; 201 answers in the server's access log: {answered}; "
            f"counted by the load generator, warm-up included: {created} (the rest were in flight when a run stopped)"
        )
        print(
            f"   ratio = target req/s / floor req/s, median of {ROUNDS} interleaved rounds; "
            f"load generator: {method['load_generator']}; set-up {set_up:.0f} s, measuring {measuring:.0f} s; "
            f"machine load average {method['load_average_1min'][0]} before, {method['load_average_1min'][1]} after "
            f"({os.cpu_count()} cores)"
        )
        return {"method": method, "scenarios": summaries, "bookings_written": written, "warm_up": warm_up}
    finally:
        server.stop()
        site.comune_drop(municipality, ACCOUNTS)
