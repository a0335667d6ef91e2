"""The periodic jobs of a comune: each app registers its own in its `jobs.py`, one runner runs them all.

    # src/<app>/jobs.py
    from src.common.jobs import job

    @job("holds_expired", order=10)
    def holds_expire(*, now): ...   # returns how many rows it changed

`jobs.py` modules are discovered in every installed app (like `admin.py`), so a new
app plugs in by writing its own, with no edit to another app. `comune_jobs_run` runs
every job in the current comune's schema, in `order` (lower first: what frees places
runs before what offers them); the runners are `manage.py run_comune_jobs` (a loop
under `make run`, or cron) and the Celery task `common.comune_jobs_run` that beat
sends to every comune each minute.
"""

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[..., int]
    order: int


_registry: dict[str, Job] = {}


def job(name: str, *, order: int = 100):
    """Register `run(*, now) -> int` as the comune job `name`."""

    def register(run):
        existing = _registry.get(name)
        if existing is not None and existing.run.__qualname__ != run.__qualname__:
            raise ValueError(f"Two periodic jobs are named {name!r}: {existing.run} and {run}.")
        _registry[name] = Job(name=name, run=run, order=order)
        return run

    return register


def registered_jobs() -> list[Job]:
    return sorted(_registry.values(), key=lambda j: (j.order, j.name))


def comune_jobs_run(*, now: datetime | None = None, only: Collection[str] | None = None) -> dict[str, int]:
    """Every registered job (or those named in `only`) in the current comune; {job name: rows changed}.

    One job's failure is logged (and left out of the result) and does not stop the
    others, each of which commits its own transaction: a broken reminder never keeps
    seats blocked.
    """
    now = now or timezone.now()
    results = {}
    for entry in registered_jobs():
        if only is not None and entry.name not in only:
            continue
        try:
            results[entry.name] = entry.run(now=now)
        except Exception:
            logger.exception("Periodic job %s failed", entry.name)
    return results
