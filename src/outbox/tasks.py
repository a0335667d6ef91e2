"""The Celery task that drains one comune's outbox, sent by `outbox_enqueue` right after the
commit when a broker is configured (settings.OUTBOX_CELERY). Like every task of ours it
carries its comune's schema (config/celery.py). The minute's comune job round drains too,
so a kick lost with a broker outage only delays the message."""

from celery import shared_task
from django.conf import settings
from django.db import connection

from src.common.tasks import NoComune
from src.outbox.services import outbox_drain


@shared_task(name="outbox.drain")
def outbox_drain_task() -> int:
    """Send what is due in this task's comune. Two at once are harmless: each message is taken by one (SKIP LOCKED)."""
    if connection.schema_name == settings.PUBLIC_SCHEMA_NAME:
        raise NoComune("outbox.drain was sent from the public schema: send it inside the comune's context.")
    return outbox_drain()
