"""The outbox's comune jobs (src/common/jobs.py): every round of every runner sends what is due,
and forgets what was sent more than OUTBOX_SENT_RETENTION_DAYS ago."""

from datetime import datetime

from django.utils import timezone

from src.common.jobs import job
from src.outbox.services import outbox_drain, outbox_purge


@job("outbox", order=90)  # last: the reminders this round has just enqueued go out in the same round
def outbox_send(*, now: datetime) -> int:
    # The round's `now` was read before the jobs above enqueued anything; what they wrote
    # is due by the clock, so never drain with an earlier cut-off than the clock's.
    return outbox_drain(now=max(now, timezone.now()))


@job("outbox_purged", order=95)
def outbox_sent_purge(*, now: datetime) -> int:
    return outbox_purge(now=now)
