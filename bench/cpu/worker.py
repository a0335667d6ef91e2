"""Runs plan lines (bench/load/) through Django's test client in this process and measures each
job: CPU seconds per request, SQL statements and `SET search_path` per request, and, under
callgrind, instructions per request. Started by bench/booking_cpu.py with a job file:

    python -m bench.cpu.worker JOBS.json RESULT.json

`JOBS.json`: {"host", "profile_dir" (or null), "jobs": [{"key", "side", "plan", "expect", "warm",
"requests", "queries", "first"}]}. Each job sends `warm` lines (not measured), then `requests`
lines timed (and profiled, and counted by callgrind), then `queries` lines whose statements
are counted (a debug cursor of its own: not while timing). Lines are taken from `first` on,
each at most once, so a free seat is asked for only once.
"""

import ctypes
import json
import os
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _callgrind():
    """The client requests, compiled once into bench/results/ (not committed); no-ops outside valgrind."""
    library = HERE.parent / "results" / "callgrind_requests.so"
    if not library.exists():
        library.parent.mkdir(exist_ok=True)
        subprocess.run(
            ["cc", "-O1", "-shared", "-fPIC", "-o", str(library), str(HERE / "callgrind.c")],
            check=True,
        )
    lib = ctypes.CDLL(str(library))
    lib.cg_dump.argtypes = [ctypes.c_char_p]
    return lib


def _lines(plan: str) -> list[tuple[str, str, str, str, str]]:
    return [tuple(line.rstrip("\n").split("\t")) for line in Path(plan).read_text().splitlines() if line]


def _job(job: dict, send, cg, profile_dir, search_path_sets: list, connection) -> dict:
    from django.test.utils import CaptureQueriesContext

    lines = _lines(job["plan"])
    at = job.get("first", 0)
    if job.get("once") and at + job["warm"] + job["requests"] + job["queries"] > len(lines):
        raise SystemExit(f"{job['key']} {job['side']}: the plan ran out")
    statuses: dict[int, int] = {}

    def take(count):
        nonlocal at
        chosen = [lines[(at + i) % len(lines)] for i in range(count)]
        at += count
        return chosen

    def run(chosen):
        for line in chosen:
            code = send(line)
            statuses[code] = statuses.get(code, 0) + 1

    run(take(job["warm"]))
    measured = take(job["requests"])
    profiler = None
    if profile_dir:
        import cProfile

        profiler = cProfile.Profile()
    if cg is not None:
        cg.cg_start()
        cg.cg_zero()
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler is not None:
        profiler.enable()
    run(measured)
    if profiler is not None:
        profiler.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if cg is not None:
        cg.cg_dump(f"{job['key']}/{job['side']}".encode())
        cg.cg_stop()
    if profiler is not None:
        profiler.dump_stats(str(Path(profile_dir) / f"{job['key']}-{job['side']}.prof"))
    counted = take(job["queries"])
    search_path_sets[0] = 0
    with CaptureQueriesContext(connection) as queries:
        run(counted)
    per = max(1, len(counted))
    return {
        "key": job["key"],
        "side": job["side"],
        "requests": len(measured),
        "cpu_ms": round(1000 * cpu / len(measured), 3),
        "wall_ms": round(1000 * wall / len(measured), 3),
        "queries": round(len(queries) / per, 2),
        "search_path_sets": round(search_path_sets[0] / per, 2),
        "statuses": statuses,
        "expect": job["expect"],
        # The last request's statements (a sample of what one request sends).
        "statements": [q["sql"][:200] for q in queries.captured_queries[-int(len(queries) / per) :]],
    }


def main(jobs_path: str, result_path: str) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(HERE.parent.parent))
    import django

    django.setup()

    from django.db import connection, connections
    from django.test import Client

    spec = json.loads(Path(jobs_path).read_text())
    host = spec["host"]
    under_valgrind = os.environ.get("BENCH_CPU_UNDER_VALGRIND") == "1"
    cg = _callgrind() if under_valgrind else None

    # `SET search_path` goes through a raw cursor, not Django's: counted here.
    search_path_sets = [0]
    wrapper = type(connections["default"])
    original = wrapper._handle_search_path

    def counting(self, cursor=None):
        before = self.search_path_set_schemas
        original(self, cursor)
        if before is None and self.search_path_set_schemas is not None:
            search_path_sets[0] += 1

    wrapper._handle_search_path = counting

    client = Client(enforce_csrf_checks=True)

    def send(line) -> int:
        method, path, cookie, csrf, body = line
        client.cookies = SimpleCookie(cookie)
        extra = {"HTTP_HOST": host}
        if csrf:
            extra["HTTP_X_CSRFTOKEN"] = csrf
        if body:
            return client.generic(method, path, data=body, content_type="application/json", **extra).status_code
        return client.generic(method, path, **extra).status_code

    results = [_job(job, send, cg, spec.get("profile_dir"), search_path_sets, connection) for job in spec["jobs"]]
    Path(result_path).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
