"""The Celery task of the comune jobs. Each message carries its comune's schema
(config/celery.py): beat sends it to every comune each minute (config/beat.py,
settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.conf import settings
from django.db import connection
from django_tenants.utils import tenant_context

from src.common.jobs import comune_jobs_run as run_registered_jobs


class NoComune(RuntimeError):
    """A comune's task arrived without a comune (it was sent from the public schema)."""


@shared_task(name="common.comune_jobs_run")
def comune_jobs_run() -> dict[str, int]:
    """Every registered periodic job of this task's comune (src/common/jobs.py). Each job
    locks its rows with SKIP LOCKED, so a round overlapping another (or the
    `run_comune_jobs` command) does no harm."""
    if connection.schema_name == settings.PUBLIC_SCHEMA_NAME:
        raise NoComune("comune_jobs_run was sent from the public schema: send it inside tenant_context(comune).")
    return run_registered_jobs()


def comune_jobs_send(municipality, **options):
    """Queue `comune_jobs_run` for `municipality` (its schema goes in the message's headers)."""
    with tenant_context(municipality):
        return comune_jobs_run.apply_async(**options)
