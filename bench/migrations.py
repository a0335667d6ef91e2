"""Migrations at scale: a no-op `migrate_schemas` and one added migration over 300 comuni.

    python -m config.localdb --temporary -- python -m bench migrations
    BENCH_MIGRATION_COMUNI=50 …            # fewer comuni, a quicker run

The release step as production runs it: `manage.py migrate_schemas --executor=multiprocessing`
in a process of its own (Django's start-up included), MIGRATION_PROCESSES workers (one per
core by default). Set-up creates the comuni by cloning the template schema, as onboarding
does; then three no-op runs, then one run that applies one added migration (a tenant app that
exists only for this benchmark, `bench/migration_probe`, one CreateModel) to every schema.
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

from tenants.comuni.models import Municipality
from tenants.comuni.services import municipality_create, template_schema_ensure

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "benchmig"


def _migrate(*, probe: bool) -> float:
    env = {**os.environ, "BENCH_MIGRATION_PROBE": "1" if probe else "0"}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "migrate_schemas", "--executor=multiprocessing", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return time.perf_counter() - started


def _drop_probe_tables() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT LIKE 'pg_%%'")
        for (schema,) in cursor.fetchall():
            cursor.execute(f'DROP TABLE IF EXISTS "{schema}"."bench_migration_probe_probe"')
            cursor.execute(
                "SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = 'django_migrations'",
                [schema],
            )
            if cursor.fetchone():
                cursor.execute(f"DELETE FROM \"{schema}\".django_migrations WHERE app = 'bench_migration_probe'")


def run() -> dict:
    total = int(os.environ.get("BENCH_MIGRATION_COMUNI", "300"))
    _migrate(probe=False)  # public, template and whatever exists: the starting point
    template_schema_ensure()
    existing = Municipality.objects.count()
    started = time.perf_counter()
    for index in range(total - existing):
        municipality_create(slug=f"{PREFIX}{index}", name=f"Bench {index}", istat_code=f"97{index:04d}", province="FC")
        if (index + 1) % 25 == 0:
            print(
                f"  set-up: {existing + index + 1}/{total} comuni ({time.perf_counter() - started:.0f} s)", flush=True
            )
    connection.set_schema_to_public()
    comuni = Municipality.objects.count()
    print(f"  {comuni} comuni ready in {time.perf_counter() - started:.0f} s; measuring", flush=True)

    try:
        noop = []
        for round_ in range(3):
            noop.append(_migrate(probe=False))
            print(f"  no-op migrate_schemas, run {round_ + 1}/3: {noop[-1]:.1f} s", flush=True)
        added = _migrate(probe=True)
        print(f"  one added migration over {comuni} schemas: {added:.1f} s", flush=True)
    finally:
        _drop_probe_tables()
        for municipality in Municipality.objects.filter(slug__startswith=PREFIX):
            municipality.delete(force_drop=True)
        connection.set_schema_to_public()

    results = {
        "comuni": comuni,
        "processes": int(os.environ.get("MIGRATION_PROCESSES", os.cpu_count() or 2)),
        "noop_seconds_median": statistics.median(noop),
        "noop_seconds": noop,
        "added_migration_seconds": added,
    }
    print(
        f"No-op migrate_schemas over {comuni} comuni: median {results['noop_seconds_median']:.1f} s "
        f"(target < 30 s); one added migration: {added:.1f} s"
    )
    return results
