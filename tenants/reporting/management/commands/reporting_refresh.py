"""Refresh the reporting rollups: recent and coming days by default, since last January with --full.

Schedule it (cron, Kubernetes CronJob or the Celery beat): every few minutes
without --full, nightly with --full. A union of a few comuni reads live and
does not need it (see REPORTING_SOURCE / REPORTING_LIVE_MAX_COMUNI).
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from tenants.reporting.rollup import rollup_refresh
from tenants.reporting.sql.source import Window


class Command(BaseCommand):
    help = "Recompute the reporting rollup tables for every comune (one INSERT per fact for the whole union)."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="from January 1st of last year")
        parser.add_argument("--since", type=date.fromisoformat, help="first day (YYYY-MM-DD)")
        parser.add_argument("--until", type=date.fromisoformat, help="day after the last (YYYY-MM-DD)")

    def handle(self, *args, full=False, since=None, until=None, **options):
        window = None
        if since or until:
            if not (since and until) or since >= until:
                raise CommandError("--since and --until go together, with --since before --until.")
            window = Window(since, until)
        outcome = rollup_refresh(window=window, full=full)
        rows = ", ".join(f"{name} {count}" for name, count in outcome.rows.items())
        self.stdout.write(
            f"Rollups refreshed for {outcome.comuni} comuni, {outcome.window.start} – {outcome.window.end} "
            f"in {outcome.seconds:.2f} s ({rows})."
        )
