"""A keep-alive HTTP/1.1 load generator, standard library only: the fallback when wrk is missing.

    python -m bench.load.pyload --port P --host H --plan FILE --connections 16 --ramp 1 --seconds 2 --mode once|cycle

Run by bench/load/__init__.py in a process of its own, so its CPU is not the server's
interpreter's; it prints one BENCH-JSON line in the same shape as bench/load/plan.lua, with
the answers (and their latencies) of the window after the ramp only.
Slower than wrk: on a small machine it takes more of the cores away from the server,
which lowers target and floor alike (the ratio is what to read).
"""

import argparse
import asyncio
import json
import time


def _requests(path: str, host: str) -> list[bytes]:
    out = []
    with open(path) as plan:
        for line in plan:
            method, target, cookie, csrf, body = line.rstrip("\n").split("\t", 4)
            data = body.encode()
            head = [f"{method} {target} HTTP/1.1", f"Host: {host}"]
            if cookie:
                head.append(f"Cookie: {cookie}")
            if csrf:
                head.append(f"X-CSRFToken: {csrf}")
            if data:
                head += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
            out.append(("\r\n".join(head) + "\r\n\r\n").encode() + data)
    return out


async def _response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """(status, whether the server keeps the connection); the body is read and dropped."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length, chunked, keep = None, False, True
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value:
            chunked = True
        elif name == b"connection" and value == b"close":
            keep = False
    if chunked:
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length is not None:
        await reader.readexactly(length)
    else:
        await reader.read()
        keep = False
    return status, keep


async def _run(args) -> dict:
    requests = _requests(args.plan, args.host)
    state = {"next": 0, "wrapped": 0}
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    stopping = False

    def take() -> bytes:
        index = state["next"]
        if index == len(requests):
            index, state["wrapped"] = 0, state["wrapped"] + 1
        state["next"] = index + 1
        return requests[index]

    async def connection():
        nonlocal errors
        reader = writer = None
        # Until the end, as wrk does. The flag as well as the cancel: Python 3.11 could swallow a
        # cancel that comes as an answer does, and the loop would go on.
        while not stopping:
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", args.port)
                request = take()
                started = time.perf_counter()
                writer.write(request)
                async with asyncio.timeout(10):
                    status, keep = await _response(reader)
                finished = time.perf_counter()
                if stopping:
                    break
                if opens <= finished < closes:  # the measuring window, as in plan.lua
                    latencies.append(finished - started)
                    statuses[status] = statuses.get(status, 0) + 1
                if not keep:
                    writer.close()
                    writer = None
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                errors += 1
                if writer is not None:
                    writer.close()
                writer = None
                await asyncio.sleep(0.01)  # a refused connection must not spin

    opens = time.perf_counter() + args.ramp
    closes = opens + args.seconds
    tasks = [asyncio.create_task(connection()) for _ in range(args.connections)]
    await asyncio.sleep(closes - time.perf_counter())
    stopping = True
    for task in tasks:
        task.cancel()
    await asyncio.wait(tasks, timeout=5)
    latencies.sort()

    def percentile(p: float) -> int:
        return int(latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] * 1e6) if latencies else 0

    return {
        "requests": len(latencies),
        "windowed": True,
        "duration_us": int(args.seconds * 1e6),
        "p50_us": percentile(50),
        "p99_us": percentile(99),
        "socket_errors": errors,
        "wrapped": state["wrapped"],
        "statuses": {str(code): n for code, n in statuses.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", required=True)
    parser.add_argument("--plan", required=True)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--ramp", type=float, default=1, help="seconds before the answers count")
    parser.add_argument("--seconds", type=float, default=2, help="seconds in which the answers count")
    parser.add_argument("--mode", choices=["once", "cycle"], default="cycle")
    print("BENCH-JSON " + json.dumps(asyncio.run(_run(parser.parse_args()))), flush=True)


if __name__ == "__main__":
    main()
