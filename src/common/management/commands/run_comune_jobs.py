"""Run every registered periodic job (src/common/jobs.py) in every comune: once, or every N seconds.

    python manage.py run_comune_jobs                          # one round (cron, Kubernetes CronJob)
    python manage.py run_comune_jobs --every 60               # a loop (make run starts this)
    python manage.py run_comune_jobs --job outbox --every 2   # one job, more often (make run starts this too)

Each comune runs in its own schema, one after the other; a failure in one comune is
reported and does not stop the others. The loop never dies: a round that fails as a
whole (the database down) is logged, the connection dropped, and the next round waits
longer (up to five minutes) until one succeeds again.
"""

import logging
import os
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection
from django_tenants.utils import tenant_context

from src.common.jobs import comune_jobs_run, registered_jobs
from tenants.comuni.selectors import municipality_list

logger = logging.getLogger(__name__)

MAX_BACKOFF = 300


def run_everywhere(stderr=None, only=None) -> dict[str, dict[str, int]]:
    results = {}
    for municipality in list(municipality_list()):
        try:
            with tenant_context(municipality):
                results[municipality.slug] = comune_jobs_run(only=only)
        except Exception as exc:  # one comune's trouble must not stop the round
            logger.exception("Periodic jobs failed in %s", municipality.slug)
            if stderr is not None:
                stderr.write(f"{municipality.slug}: {exc!r}")
    connection.set_schema_to_public()
    return results


class Command(BaseCommand):
    help = "Run every comune's periodic jobs: holds, no-shows, waitlist offers, reminders, and what apps register."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="Repeat every N seconds (0: run once).")
        parser.add_argument(
            "--exit-with-parent", action="store_true", help="Stop when the process that started this one ends."
        )
        parser.add_argument(
            "--job", action="append", dest="only", metavar="NAME", help="Run only this job (repeatable); default: all."
        )

    def handle(self, *args, every: int = 0, exit_with_parent: bool = False, only=None, **options):
        unknown = set(only or ()) - {entry.name for entry in registered_jobs()}
        if unknown:
            raise CommandError(f"No such comune job: {', '.join(sorted(unknown))}.")
        parent = os.getppid()
        wait = every
        while True:
            try:
                self._round(verbosity=options["verbosity"], only=only)
                wait = every
            except Exception as exc:
                if not every:
                    raise
                # The database is down or restarting: drop the broken connection, try again later.
                logger.exception("Periodic jobs round failed")
                self.stderr.write(f"comune jobs: round failed ({exc.__class__.__name__}); next try in {wait}s")
                connection.close()
                wait = min(max(wait, 1) * 2, MAX_BACKOFF)
            if not every:
                return
            close_old_connections()
            for _second in range(wait):
                if exit_with_parent and os.getppid() != parent:
                    return
                time.sleep(1)

    def _round(self, *, verbosity: int, only=None) -> None:
        results = run_everywhere(stderr=self.stderr, only=only)
        changed = {slug: {k: v for k, v in counts.items() if v} for slug, counts in results.items()}
        changed = {slug: counts for slug, counts in changed.items() if counts}
        if changed or verbosity > 1:
            self.stdout.write(f"comune jobs: {changed or 'nothing to do'}")
