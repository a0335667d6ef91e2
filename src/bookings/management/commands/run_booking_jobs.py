"""Run the periodic booking jobs in every comune: once, or every N seconds.

    python manage.py run_booking_jobs              # once (cron, Kubernetes CronJob)
    python manage.py run_booking_jobs --every 60   # loop (make run starts this)

Each comune runs in its own schema (tenant_context), one after the other; a
failure in one comune is reported and does not stop the others.
"""

import os
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django_tenants.utils import tenant_context

from src.bookings.services import booking_jobs_run
from tenants.comuni.selectors import municipality_list


def run_everywhere(stdout=None, stderr=None) -> dict[str, dict[str, int]]:
    results = {}
    for municipality in list(municipality_list()):
        try:
            with tenant_context(municipality):
                results[municipality.slug] = booking_jobs_run()
        except Exception as exc:  # one comune's trouble must not stop the round
            if stderr is not None:
                stderr.write(f"{municipality.slug}: {exc!r}")
    connection.set_schema_to_public()
    return results


class Command(BaseCommand):
    help = "Release no-shows, expire holds, complete bookings, offer waitlist places, send reminders."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="Repeat every N seconds (0: run once).")
        parser.add_argument(
            "--exit-with-parent", action="store_true", help="Stop when the process that started this one ends."
        )

    def handle(self, *args, every: int = 0, exit_with_parent: bool = False, **options):
        parent = os.getppid()
        while True:
            results = run_everywhere(stderr=self.stderr)
            changed = {slug: {k: v for k, v in counts.items() if v} for slug, counts in results.items()}
            changed = {slug: counts for slug, counts in changed.items() if counts}
            if changed or options["verbosity"] > 1:
                self.stdout.write(f"booking jobs: {changed or 'nothing to do'}")
            if not every:
                return
            close_old_connections()
            for _second in range(every):
                if exit_with_parent and os.getppid() != parent:
                    return
                time.sleep(1)
