"""How long creating one comune takes: by running migrations vs by cloning the template schema.

make bench            (all benchmarks)
python -m config.localdb --temporary -- python -m bench tenant_creation
"""

import statistics
import time

from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from tenants.comuni.models import Municipality
from tenants.comuni.services import municipality_create, template_schema_ensure

ROUNDS = 7


def _create(prefix: str, index: int, istat_prefix: str) -> float:
    started = time.perf_counter()
    municipality_create(
        slug=f"{prefix}{index}",
        name=f"Bench {prefix} {index}",
        istat_code=f"{istat_prefix}{index:04d}",
        province="FC",
    )
    return time.perf_counter() - started


def _drop(prefix: str) -> None:
    for municipality in Municipality.objects.filter(slug__startswith=prefix):
        municipality.delete(force_drop=True)
    connection.set_schema_to_public()


def run() -> dict:
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    started = time.perf_counter()
    template_schema_ensure()
    template_seconds = time.perf_counter() - started

    # Interleaved, so a busy moment of the machine weighs on both methods alike.
    times = {"migrations": [], "clone": []}
    for index in range(ROUNDS):
        for label, clone, istat_prefix in (("migrations", False, "91"), ("clone", True, "92")):
            with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=clone):
                times[label].append(_create(f"bench{label[:3]}", index, istat_prefix))
        print(
            f"  round {index + 1}/{ROUNDS}: migrations {times['migrations'][-1]:.2f} s, "
            f"clone {times['clone'][-1]:.2f} s",
            flush=True,
        )
    for label in times:
        _drop(f"bench{label[:3]}")
    results = {label: statistics.median(values) for label, values in times.items()}

    print(f"Template schema (first time, migrations): {template_seconds:.2f} s")
    print(f"Create one comune by migrations: median {results['migrations'] * 1000:.0f} ms over {ROUNDS}")
    print(f"Create one comune by cloning:    median {results['clone'] * 1000:.0f} ms over {ROUNDS}")
    faster = "cloning" if results["clone"] < results["migrations"] else "migrations"
    ratio = max(results.values()) / min(results.values())
    print(f"Faster: {faster}, by {ratio:.1f}x")
    return results
