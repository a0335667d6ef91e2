"""The booking path and the catalogue reads over HTTP, each beside a plain-DRF floor, as ratios.

    python -m config.localdb --temporary -- python -m bench booking_path
    BENCH_PATH_ROUNDS=9 BENCH_PATH_SECONDS=5 …     # a longer, steadier run (default 5 rounds of 2 s)
    BENCH_LOADGEN=python …                         # the Python load generator even where wrk is installed

One gunicorn (deploy/gunicorn.conf.py as production runs it) serves a comune of its own with
BENCH_FLOOR=1, which adds the floor (bench/floor/): a plain APIView + serializer + one INSERT into
a table with the bookings' exclusion constraint, and a plain ListAPIView over a small table, both
with the same session authentication (and CSRF check) as the real endpoints. The load comes from
another process (wrk, else bench/load/pyload.py) over CONNECTIONS keep-alive connections.

Scenarios, each target beside its floor:
  - POST /api/v1/bookings/ on free seats: every request a different seat or slot, so all succeed;
  - POST /api/v1/bookings/ on a taken seat: every request refused, and only with 409;
  - GET /api/v1/hubs/ (7 hubs) beside the plain list;
  - GET /api/v1/availability/ (50 seats, a day of a week holding 2,000 bookings) beside the plain list.

Rounds are interleaved (every scenario's target and floor in each round, their order swapped
every other round), so a busy moment of the machine weighs on both; the figures are medians over
the rounds and the ratio is the median of the rounds' target/floor throughput ratios.
"""

import json
import os
import platform
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.db import connection

from bench import _site as site
from bench.load import load_run, plan_write, tool

SLUG = "benchpath"
HOST = site.host_of(SLUG)
SEATS = 50
WEEK_BOOKINGS = 2000
CONNECTIONS = 16
ROUNDS = int(os.environ.get("BENCH_PATH_ROUNDS", 5))
SECONDS = int(os.environ.get("BENCH_PATH_SECONDS", 2))
WARM_UP_SECONDS = 1
# Free cells for the booking POST: days FIRST_DAY..LAST_DAY from today (inside the policy's 120
# days, after the filled week), 12 slots, every seat: 57,000, split in one block per round.
FIRST_DAY, LAST_DAY = 21, 115
# The policy allows 100 active bookings per person: 600 people can make every cell's booking.
BOOKERS = 600
READERS = 64

API_BOOKINGS = "/api/v1/bookings/"
FLOOR_BOOKINGS = "/api/v1/bench-floor/bookings/"
FLOOR_LIST = "/api/v1/bench-floor/items/"


@dataclass
class Scenario:
    key: str
    label: str
    expect: int  # every other status is an error
    plans: Callable[[int], tuple[Path, Path]]  # block -> (target plan, floor plan); block 0: the warm-up
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


def _floor_tables(municipality, items: list[dict], taken) -> None:
    from bench.floor.schema import floor_tables_create

    floor_tables_create(municipality.schema_name, items)
    with connection.cursor() as cursor:  # the floor's taken place: the same seat and period
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(municipality.schema_name)}.bench_floor_booking"
            " (person_id, space_id, seat_id, period, created_at) VALUES (%s, %s, %s, %s, now())",
            [taken.person_id, taken.space_id, taken.seat_id, taken.period],
        )


def _cells(seats) -> list[tuple[int, date, int]]:
    from src.hubs.selectors import local_today

    today = local_today()
    # Slot by slot, seat by seat: requests in flight at once book different seats of one slot.
    return [
        (seat.pk, today + timedelta(days=d), hour)
        for d in range(FIRST_DAY, LAST_DAY + 1)
        for hour in range(8, 20)
        for seat in seats
    ]


def _scenarios(folder: Path, space, seats, hub, availability_day, taken, bookers, readers) -> list[Scenario]:
    from src.hubs.selectors import ROME

    cells = _cells(seats)
    block = len(cells) // (ROUNDS + 1)

    def booking_lines(path, first, accounts, cell_list):
        for index, (seat, day, hour) in enumerate(cell_list):
            account = accounts[(first + index) % len(accounts)]  # requests in flight: different people
            body = json.dumps({"space": space.pk, "seat": seat, **site.period(day, hour)})
            yield ("POST", path, account.cookie, account.csrf, body)

    free_plans = []
    for number in range(ROUNDS + 1):  # one block of cells per round, the same bodies for target and floor
        paths = (folder / f"free-{number}-target.plan", folder / f"free-{number}-floor.plan")
        cell_list = cells[number * block : (number + 1) * block]
        plan_write(paths[0], booking_lines(API_BOOKINGS, number * block, bookers, cell_list))
        plan_write(paths[1], booking_lines(FLOOR_BOOKINGS, number * block, bookers, cell_list))
        free_plans.append(paths)

    def fixed(name, target_lines, floor_lines):
        target, floor = folder / f"{name}-target.plan", folder / f"{name}-floor.plan"
        plan_write(target, target_lines)
        plan_write(floor, floor_lines)
        return lambda number: (target, floor)

    start = taken.period.lower.astimezone(ROME)
    taken_body = json.dumps({"space": space.pk, "seat": taken.seat_id, **site.period(start.date(), start.hour)})

    def reads(path):
        return [("GET", path, a.cookie, "", "") for a in readers]

    def conflicts(path):
        return [("POST", path, a.cookie, a.csrf, taken_body) for a in readers]

    availability = f"/api/v1/availability/?hub={hub.pk}&date={availability_day.isoformat()}"
    return [
        Scenario("booking_free", "POST /api/v1/bookings/ (free seat)", 201, free_plans.__getitem__, once=True),
        Scenario(
            "booking_taken",
            "POST /api/v1/bookings/ (taken seat)",
            409,
            fixed("taken", conflicts(API_BOOKINGS), conflicts(FLOOR_BOOKINGS)),
        ),
        Scenario("hub_list", "GET /api/v1/hubs/", 200, fixed("hubs", reads("/api/v1/hubs/"), reads(FLOOR_LIST))),
        Scenario(
            "availability",
            "GET /api/v1/availability/",
            200,
            fixed("availability", reads(availability), reads(FLOOR_LIST)),
        ),
    ]


# --- Figures ------------------------------------------------------------------------------------


def _errors(run: dict, expect: int) -> int:
    return sum(n for code, n in run["statuses"].items() if code != expect) + run["socket_errors"]


def _side(runs: list[dict], expect: int) -> dict:
    statuses: dict[int, int] = {}
    for run in runs:
        for code, n in run["statuses"].items():
            statuses[code] = statuses.get(code, 0) + n
    return {
        "rps": round(statistics.median(r["rps"] for r in runs), 1),
        "p50_ms": round(statistics.median(r["p50_ms"] for r in runs), 1),
        "p99_ms": round(statistics.median(r["p99_ms"] for r in runs), 1),
        "requests": sum(r["requests"] for r in runs),
        "errors": sum(_errors(r, expect) for r in runs),
        "statuses": statuses,
        "plan_reused": any(r["plan_reused"] for r in runs),
    }


def _summary(scenario: Scenario, runs: dict) -> dict:
    ratios = [t["rps"] / f["rps"] if f["rps"] else 0.0 for t, f in zip(runs["target"], runs["floor"])]
    return {
        "label": scenario.label,
        "expected_status": scenario.expect,
        "target": _side(runs["target"], scenario.expect),
        "floor": _side(runs["floor"], scenario.expect),
        "ratio": round(statistics.median(ratios), 3),
        "ratio_min": round(min(ratios), 3),
        "ratio_max": round(max(ratios), 3),
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
            f"{s['ratio']:.3f} ({s['ratio_min']:.3f}-{s['ratio_max']:.3f})"
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
        "database": "DATABASE_URL" if "host=/" not in os.environ.get("DATABASE_URL", "host=/") else "embedded",
    }


def _tool_version(name: str) -> str:
    if name == "python":
        why = "BENCH_LOADGEN=python" if os.environ.get("BENCH_LOADGEN") == "python" else "wrk not installed"
        return f"python bench/load/pyload.py ({why})"
    done = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return (done.stdout or done.stderr).splitlines()[0].split(" [")[0]


# --- Run ----------------------------------------------------------------------------------------


def _measure(server, scenarios: list[Scenario]) -> tuple[dict, dict]:
    def measure(scenario, side, block, seconds):
        result = load_run(
            port=server.port,
            host=HOST,
            plan=scenario.plans(block)[0 if side == "target" else 1],
            connections=CONNECTIONS,
            seconds=seconds,
            once=scenario.once,
        )
        # The generator stops with up to CONNECTIONS requests still being served: let them end
        # before the next run, or a slow target's leftovers would weigh on the floor after it.
        time.sleep(min(1.0, result["p50_ms"] / 1000))
        return result

    warm_up = {}
    for scenario in scenarios:  # every worker's imports, connections and caches; not counted
        warm_up[scenario.key] = {
            side: measure(scenario, side, 0, WARM_UP_SECONDS)["statuses"] for side in ("target", "floor")
        }
        odd = {side: s for side, s in warm_up[scenario.key].items() if set(s) - {scenario.expect}}
        if odd:
            print(f"   !! warm-up of {scenario.key}: statuses {odd}, expected only {scenario.expect}")

    runs = {s.key: {"target": [], "floor": []} for s in scenarios}
    for number in range(ROUNDS):
        # Interleaved: each scenario's target beside its floor in every round, who goes first swapped.
        order = ("target", "floor") if number % 2 == 0 else ("floor", "target")
        for scenario in scenarios:
            for side in order:
                runs[scenario.key][side].append(measure(scenario, side, number + 1, SECONDS))
        figures = ", ".join(
            f"{s.key} {runs[s.key]['target'][-1]['rps']:.0f}/{runs[s.key]['floor'][-1]['rps']:.0f}" for s in scenarios
        )
        print(f"   round {number + 1}/{ROUNDS}: {figures} req/s (target/floor)", flush=True)
    return warm_up, runs


def run() -> dict:
    from src.bookings.models import Booking
    from src.hubs.selectors import local_today

    started = time.perf_counter()
    municipality = site.comune_create(SLUG, "Benchmark percorso", "999902")
    # Booted now, so its workers start while the comune is filled.
    server = site.Server(HOST, "booking_path", env={"BENCH_FLOOR": "1"}).start()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-path-") as folder:
            hub, space, seats = site.bookable_hub(municipality, SEATS)
            items = _catalogue(municipality)
            bookers = site.accounts_create("bench-path-booker", BOOKERS)
            readers = site.accounts_create("bench-path-reader", READERS)
            (seeder,) = site.accounts_create("bench-path-seeder", 1)
            today = local_today()
            monday = today + timedelta(days=7 - today.weekday())  # next week, all of it ahead
            week = site.week_fill(municipality, hub, space, seats, seeder.user_id, monday, WEEK_BOOKINGS)
            taken = week[0]  # the taken seat: one of the week's bookings
            _floor_tables(municipality, items, taken)
            with connection.cursor() as cursor:  # planner statistics for the rows just loaded, as autovacuum would
                cursor.execute(f"ANALYZE {connection.ops.quote_name(municipality.schema_name)}.bookings_booking")
            scenarios = _scenarios(Path(folder), space, seats, hub, monday + timedelta(days=2), taken, bookers, readers)
            method = {
                "date": time.strftime("%Y-%m-%d %H:%M"),
                "machine": _machine(),
                "load_generator": _tool_version(tool()),
                "gunicorn": {**server.settings, "config": "deploy/gunicorn.conf.py"},
                "connections": CONNECTIONS,
                "rounds": ROUNDS,
                "seconds_per_run": SECONDS,
                "warm_up_seconds": WARM_UP_SECONDS,
            }
            server.ready()
            set_up, started = time.perf_counter() - started, time.perf_counter()
            load_before = os.getloadavg()[0]  # other work on the machine: the ratios are read beside it
            g = server.settings
            print(
                f"   gunicorn {g['worker_class']} {g['workers']} workers x {g['threads']} threads on 127.0.0.1:{server.port}; "
                f"load: {method['load_generator']}, {CONNECTIONS} connections, {ROUNDS} rounds x {SECONDS} s per side "
                f"(set-up {set_up:.0f} s)",
                flush=True,
            )
            warm_up, runs = _measure(server, scenarios)
            measuring = time.perf_counter() - started
            method["load_average_1min"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
        server.stop()

        summaries = {s.key: _summary(s, runs[s.key]) for s in scenarios}
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
            for side in ("target", "floor"):
                if s[side]["plan_reused"]:
                    print(f"   !! {s['label']} {side}: the plan ran out, seats were asked twice (raise LAST_DAY)")
        print(
            f"   bookings written through the API: {written}; 201 answers counted, warm-up included: {created} "
            f"(the rest were in flight when a run stopped: at most {CONNECTIONS} a run)"
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
        site.comune_drop(municipality, "bench-path")
