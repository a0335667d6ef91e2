"""Sending things (e-mails, messages) about rows of a comune, after their transaction commits."""

import logging
from datetime import datetime, time, timedelta

from django.db import connection, transaction
from django_tenants.utils import schema_context

from src.common.time import ROME

logger = logging.getLogger(__name__)


def after_commit(send, obj) -> None:
    """Run `send(obj, municipality)` once the current transaction commits, in the same comune.

    A mail server down must not undo or break what was saved, so failures are logged.
    """
    municipality = getattr(connection, "tenant", None)
    schema = connection.schema_name

    def run():
        try:
            with schema_context(schema):
                send(obj, municipality)
        except Exception:
            logger.exception("%s failed for %s", getattr(send, "__name__", send), obj)

    transaction.on_commit(run)


def send_once(due, *, sent_field: str, now: datetime, send) -> int:
    """Stamp each row of `due` with `now` in `sent_field` and send it after commit; returns how many.

    The rows are locked with SKIP LOCKED, so two runners of the jobs at once never
    send the same reminder twice; the stamp keeps the next round from sending it again.
    """
    with transaction.atomic():
        rows = list(due.select_for_update(skip_locked=True, of=("self",)))
        for row in rows:
            setattr(row, sent_field, now)
            row.save(update_fields=[sent_field])
            after_commit(send, row)
    return len(rows)


# Day-before reminders (appointments, events) go out from this local time on, not at midnight.
REMINDERS_FROM = time(9)


def reminder_window(now: datetime) -> tuple[datetime, datetime, datetime] | None:
    """(start of today, of tomorrow, of the day after) in Rome; None before REMINDERS_FROM."""
    local = now.astimezone(ROME)
    if local.time() < REMINDERS_FROM:
        return None
    return tuple(datetime.combine(local.date() + timedelta(days=n), time(0), tzinfo=ROME) for n in (0, 1, 2))
