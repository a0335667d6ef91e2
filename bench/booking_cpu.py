"""What each request of booking_path costs this process, measured in-process and repeatably.

    python -m config.localdb --temporary -- python -m bench booking_cpu
    BENCH_CPU_CALLGRIND=1 …        # also instructions per request, under valgrind's callgrind
    BENCH_CPU_PROFILE=1 …          # and a cProfile of each side in bench/results/booking_cpu/
    BENCH_CPU_REQUESTS=300 …       # requests timed per side (default 200; 20 under callgrind)
    BENCH_CPU_KEEP=DIR …           # keep the comune and plans in DIR and reuse them next time
                                   # (with `config.localdb --data`: a database that outlives the run)

The same comune, people, week of bookings and plans as `booking_path` (its `fill`), but each
plan line goes through Django's test client (every middleware, session authentication with its
CSRF check, the same views) in a worker process of its own (bench/cpu/worker.py, with
BENCH_FLOOR=1 and DEBUG=0 as the benchmark's gunicorn). Per request and per side: CPU
milliseconds of the Django process (`time.process_time`; PostgreSQL's work is not in it), SQL
statements and `SET search_path` sent, and with callgrind the instructions executed (the
same on a busy machine as on a quiet one, to a fraction of a percent). The wall-clock ratios
of booking_path depend on the machine's load; these figures do not, which is what makes
them fit for deciding whether a change helps.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import _site as site
from bench import booking_path

SLUG = "benchcpu"
ACCOUNTS = "bench-cpu"
HOST = site.host_of(SLUG)
CALLGRIND = os.environ.get("BENCH_CPU_CALLGRIND") == "1"
PROFILE = os.environ.get("BENCH_CPU_PROFILE") == "1"
REQUESTS = int(os.environ.get("BENCH_CPU_REQUESTS", 20 if CALLGRIND else 200))
WARM = 30
QUERIES = 5
KEEP = os.environ.get("BENCH_CPU_KEEP", "")


def _jobs(scenarios, first: int = 0) -> list[dict]:
    """Both sides of each scenario; a "once" plan (free seats) from line `first` on."""
    jobs = []
    for scenario in scenarios:
        for side, plan in zip(("target", "floor"), scenario.plans(0)):
            jobs.append(
                {
                    "key": scenario.key,
                    "side": side,
                    "plan": str(plan),
                    "expect": scenario.expect,
                    "once": scenario.once,
                    "first": first if scenario.once else 0,
                    "warm": WARM,
                    "requests": REQUESTS,
                    "queries": QUERIES,
                }
            )
    return jobs


def _kept() -> dict:
    """The comune and plans of an earlier run (BENCH_CPU_KEEP), the free seats not yet asked for."""
    folder = Path(KEEP)
    state = folder / "state.json"
    if state.exists():
        kept = json.loads(state.read_text())
    else:
        from django.db import connection

        folder.mkdir(parents=True, exist_ok=True)
        municipality = site.comune_create(SLUG, "Benchmark CPU", "999903", ACCOUNTS)
        scenarios, _taken = booking_path.fill(municipality, folder, ACCOUNTS)
        connection.set_schema_to_public()
        kept = {"first": 0, "jobs": _jobs(scenarios)}
    counts = {"warm": WARM, "requests": REQUESTS, "queries": QUERIES}  # this run's, not the first run's
    spec_jobs = [{**job, **counts, "first": kept["first"] if job["once"] else 0} for job in kept["jobs"]]
    kept["first"] += WARM + REQUESTS + QUERIES
    state.write_text(json.dumps(kept))
    return {"jobs": spec_jobs}


def _worker(folder: Path, spec: dict, callgrind: bool) -> list[dict]:
    jobs, result = folder / "jobs.json", folder / "result.json"
    jobs.write_text(json.dumps(spec))
    rates = {f"THROTTLE_{scope}": "1000000/min" for scope in ("ANON", "USER", "APPOINTMENT_ANON", "CHECK_IN")}
    env = {**os.environ, "BENCH_FLOOR": "1", "DEBUG": "0", "PYTHONHASHSEED": "0", **rates}
    command = [sys.executable, "-m", "bench.cpu.worker", str(jobs), str(result)]
    if callgrind:
        env["BENCH_CPU_UNDER_VALGRIND"] = "1"
        out = folder / "callgrind.out"
        command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}", *command]
    site.RESULTS.mkdir(exist_ok=True)
    with (site.RESULTS / "booking_cpu-worker.log").open("w") as log:  # django.request's line for each 4xx
        done = subprocess.run(command, cwd=site.ROOT, env=env, stderr=log)
    if done.returncode:
        raise RuntimeError(f"the worker failed ({done.returncode}): see bench/results/booking_cpu-worker.log")
    results = json.loads(result.read_text())
    if callgrind:
        instructions = {}
        for dump in folder.glob("callgrind.out*"):
            text = dump.read_text(errors="replace")
            trigger = next((x for x in text.splitlines() if x.startswith("desc: Trigger:")), "")
            total = next((x for x in text.splitlines() if x.startswith(("totals:", "summary:"))), None)
            if "Client Request:" in trigger and total:
                instructions[trigger.split("Client Request:", 1)[1].strip()] = int(total.split()[1])
        for r in results:
            r["instructions_m"] = round(instructions.get(f"{r['key']}/{r['side']}", 0) / r["requests"] / 1e6, 2)
    return results


def _table(results: list[dict]) -> str:
    by = {(r["key"], r["side"]): r for r in results}
    keys = list(dict.fromkeys(r["key"] for r in results))
    with_instr = any("instructions_m" in r for r in results)
    head = f"{'scenario':<15} {'side':<6} {'CPU ms':>7} {'SQL':>5} {'SET sp':>6}" + (
        f" {'M instr':>8}" if with_instr else ""
    )
    lines = [head, "-" * len(head)]
    for key in keys:
        for side in ("target", "floor"):
            r = by[(key, side)]
            lines.append(
                f"{key:<15} {side:<6} {r['cpu_ms']:>7.2f} {r['queries']:>5.1f} {r['search_path_sets']:>6.1f}"
                + (f" {r.get('instructions_m', 0):>8.2f}" if with_instr else "")
            )
        t, f = by[(key, "target")], by[(key, "floor")]
        ratio = f"{'':<15} {'floor/target CPU':<22} {f['cpu_ms'] / t['cpu_ms']:.2f}"
        if with_instr and t.get("instructions_m"):
            ratio += f", instructions {f['instructions_m'] / t['instructions_m']:.2f}"
        lines.append(ratio)
    return "\n".join(lines)


def run() -> dict:
    if KEEP:
        with tempfile.TemporaryDirectory(prefix="bench-cpu-") as folder:
            spec = {"host": HOST, "profile_dir": _profile_dir(), **_kept()}
            results = _worker(Path(folder), spec, CALLGRIND)
        return _report(results)
    municipality = site.comune_create(SLUG, "Benchmark CPU", "999903", ACCOUNTS)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-cpu-") as folder:
            folder = Path(folder)
            scenarios, _taken = booking_path.fill(municipality, folder, ACCOUNTS)
            spec = {"host": HOST, "profile_dir": _profile_dir(), "jobs": _jobs(scenarios)}
            results = _worker(folder, spec, CALLGRIND)
        return _report(results)
    finally:
        site.comune_drop(municipality, ACCOUNTS)


def _profile_dir() -> str | None:
    if not PROFILE:
        return None
    folder = site.RESULTS / "booking_cpu"
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder)


def _report(results: list[dict]) -> dict:
    if True:
        for r in results:
            odd = {code: n for code, n in r["statuses"].items() if int(code) != r["expect"]}
            if odd:
                print(f"   !! {r['key']} {r['side']}: statuses {r['statuses']}, expected only {r['expect']}")
        print(_table(results))
        print(
            f"   per request, {REQUESTS} requests a side after {WARM} of warm-up, Django's test client in one process"
            + (" under callgrind (instructions of the requests only)" if CALLGRIND else "")
            + (f"; profiles in {_profile_dir()}" if PROFILE else "")
        )
        return {"requests": REQUESTS, "callgrind": CALLGRIND, "results": results}
