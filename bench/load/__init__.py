"""HTTP load from a process of its own: wrk (Debian's `apt-get install wrk`) when it is on PATH,
else bench/load/pyload.py (asyncio, standard library only). BENCH_LOADGEN=python|wrk forces one.

Both replay a *plan* file, one request a line: METHOD, PATH, Cookie, X-CSRFToken and BODY
separated by tabs (empty when absent). Connections take the lines in turn and never send the
same line twice at once; "once" plans (each line books a different seat) must not run out, and
a run that had to reuse lines says so (`plan_reused`), for its repeats would be refusals.

A run lasts `ramp` + `seconds`, and only the answers of the last `seconds` count: every
connection starts at once, so the first answers come late, and the requests in flight at the
end are cut off; at tens of requests a second, counting the whole run would understate the rate.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
MARK = "BENCH-JSON "


def plan_write(path: Path, requests) -> None:
    """`requests`: (method, path, cookie, csrf, body) tuples; body already encoded JSON or ''."""
    with path.open("w") as out:
        for request in requests:
            assert not any("\t" in part or "\n" in part for part in request), request
            out.write("\t".join(request) + "\n")


def tool() -> str:
    forced = os.environ.get("BENCH_LOADGEN", "")
    if forced in ("python", "wrk"):
        return forced
    return "wrk" if shutil.which("wrk") else "python"


def load_run(*, port: int, host: str, plan: Path, connections: int, ramp: int, seconds: int, once: bool) -> dict:
    """Replay `plan` against 127.0.0.1:`port` over `connections` keep-alive connections for
    `ramp` + `seconds`, counting the answers of the last `seconds` only (see plan.lua)."""
    generator = tool()
    mode = "once" if once else "cycle"
    if generator == "wrk":
        # Few threads: the server under test needs the cores more than the (event-driven) generator.
        threads = max(1, min(os.cpu_count() or 1, connections, 2))
        command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{ramp + seconds}s", "--timeout", "10s"]
        command += ["-s", str(HERE / "plan.lua"), f"http://127.0.0.1:{port}/", "--", str(plan), host, str(threads)]
        command += [mode, str(ramp), str(seconds)]
    else:
        command = [sys.executable, "-m", "bench.load.pyload", "--port", str(port), "--host", host, "--plan", str(plan)]
        command += ["--connections", str(connections), "--ramp", str(ramp), "--seconds", str(seconds), "--mode", mode]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=ramp + seconds + 60)
    line = next((x for x in done.stdout.splitlines() if x.startswith(MARK)), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"{generator} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    raw = json.loads(line[len(MARK) :])
    # Without a window (a wrk without LuaJIT's ffi) every answer of the whole run counts.
    elapsed = seconds if raw["windowed"] else raw["duration_us"] / 1e6
    return {
        "tool": generator,
        "requests": raw["requests"],
        "seconds": round(elapsed, 2),
        "windowed": raw["windowed"],
        "rps": round(raw["requests"] / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "statuses": {int(code): count for code, count in sorted(raw["statuses"].items())},
        "socket_errors": raw["socket_errors"],
        "plan_reused": raw["wrapped"] > 0 and once,
    }
