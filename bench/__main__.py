"""Benchmarks: `make bench` runs them all against a temporary embedded PostgreSQL.

    python -m config.localdb --temporary -- python -m bench              # every benchmark
    python -m config.localdb --temporary -- python -m bench bookings     # some of them

A benchmark is a module of this package (not starting with "_") with a `run()`
that prints its numbers and returns them as a dict; they are also written to
bench/results/<name>.json (not committed). Each benchmark migrates and creates
the comuni it needs itself. See bench/README.md for the numbers on this machine.
"""

import importlib
import json
import os
import pkgutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def available() -> list[str]:
    # Modules only: packages (floor/, load/) are parts of benchmarks, not benchmarks.
    return sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if not m.name.startswith("_") and not m.ispkg)


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(HERE.parent))
    import django

    django.setup()

    names = argv or available()
    unknown = [n for n in names if n not in available()]
    if unknown:
        print(f"Unknown benchmark(s): {', '.join(unknown)}. Available: {', '.join(available())}", file=sys.stderr)
        return 2
    results_dir = HERE / "results"
    results_dir.mkdir(exist_ok=True)
    failed = 0
    for name in names:
        print(f"\n== bench {name}", flush=True)
        started = time.perf_counter()
        try:
            result = importlib.import_module(f"bench.{name}").run()
        except Exception as exc:  # one broken benchmark must not hide the others' numbers
            import traceback

            traceback.print_exc()
            print(f"!! bench {name} failed: {exc!r}", flush=True)
            failed += 1
            continue
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
        (results_dir / f"{name}.json").write_text(json.dumps(result, indent=2, default=str))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
