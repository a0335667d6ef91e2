"""Celery tasks of a comune. Each message carries its comune's schema (config/celery.py):
a task runs in the comune it was sent from; beat sends the periodic one to every comune
(config/beat.py, settings.CELERY_BEAT_SCHEDULE)."""

from django.conf import settings
from django.db import connection
from django_tenants.utils import tenant_context

from config.celery import app
from src.bookings.services import booking_jobs_run


class NoComune(RuntimeError):
    """A comune's task arrived without a comune (it was sent from the public schema)."""


@app.task(name="bookings.comune_jobs_run")
def comune_jobs_run() -> dict[str, int]:
    """Every periodic job of this task's comune: holds, no-shows, completions, waitlist
    offers, reminders (`booking_jobs_run`). Each job locks its rows with SKIP LOCKED, so a
    round overlapping another (or the `run_booking_jobs` command) does no harm."""
    if connection.schema_name == settings.PUBLIC_SCHEMA_NAME:
        raise NoComune("comune_jobs_run was sent from the public schema: send it inside tenant_context(comune).")
    return booking_jobs_run()


def comune_jobs_send(municipality, **options):
    """Queue `comune_jobs_run` for `municipality` (its schema goes in the message's headers)."""
    with tenant_context(municipality):
        return comune_jobs_run.apply_async(**options)
