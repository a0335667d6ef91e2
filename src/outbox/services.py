"""The transactional outbox: what to send about a comune's rows is written in the writer's own
transaction, and sent later, outside any request, by a drain.

    # in a service, inside its transaction
    outbox_enqueue(kind="bookings.confirmed", obj_id=booking.pk)

    # in the app's notifications.py (discovered at start-up by src/outbox/apps.py)
    @outbox_handler("bookings.confirmed")
    def booking_confirmed(message, municipality): ...   # re-reads the row, renders, sends

A rolled-back transaction takes its messages with it; a committed one keeps them until a
drain sends them: the comune job "outbox" (src/outbox/jobs.py: every few seconds under
`make run`, each minute from Celery beat) and, when a Celery broker is configured, the task
`outbox.drain` sent right after the commit (src/outbox/tasks.py).

Delivery is at least once: a drain that dies after the mail server said yes but before its
own commit leaves the message pending, and it goes out again.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from src.outbox.models import OutboxMessage
from tenants.comuni.models import Municipality

logger = logging.getLogger(__name__)

State = OutboxMessage.State

# After the n-th failure the next try waits 1, 2, 4 ... minutes, at most an hour; the
# eighth failure (about two hours after the first) gives up.
FIRST_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=1)
MAX_ATTEMPTS = 8

_handlers: dict[str, Callable] = {}


def outbox_handler(kind: str):
    """Register `handler(message, municipality)` as what sends the messages of `kind`."""

    def register(handler):
        existing = _handlers.get(kind)
        if existing is not None and existing.__qualname__ != handler.__qualname__:
            raise ValueError(f"Two outbox handlers for {kind!r}: {existing} and {handler}.")
        _handlers[kind] = handler
        return handler

    return register


def registered_kinds() -> list[str]:
    return sorted(_handlers)


def outbox_enqueue(*, kind: str, obj_id: int | None = None, payload: dict | None = None) -> OutboxMessage:
    """Write a message in the current comune, in the caller's transaction."""
    message = outbox_message_new(kind=kind, obj_id=obj_id, payload=payload)
    message.save(force_insert=True)
    outbox_written()
    return message


def outbox_message_new(*, kind: str, obj_id: int | None = None, payload: dict | None = None) -> OutboxMessage:
    """A message not yet written, for a caller that writes it with its own rows in one statement
    (src/common/rows.py) and then calls `outbox_written()`."""
    if kind not in _handlers:
        # Refused now rather than found failed hours later.
        raise LookupError(f"No outbox handler is registered for {kind!r}.")
    return OutboxMessage(kind=kind, obj_id=obj_id, payload=payload or {})


def outbox_written() -> None:
    """A message was written in the current transaction."""
    if settings.OUTBOX_CELERY:
        # Production: a worker drains this comune as soon as the message is visible, instead of
        # at the next minute's round. If the broker is down, the round still sends it.
        schema = connection.schema_name
        transaction.on_commit(lambda: _kick(schema), robust=True)


def _kick(schema: str) -> None:
    from src.outbox.tasks import outbox_drain_task  # the task module imports this one

    with schema_context(schema):  # the message carries the schema it is sent from
        outbox_drain_task.apply_async(retry=False, expires=300)


def outbox_enqueue_once(due, *, sent_field: str, now: datetime, kind: str) -> int:
    """Stamp each row of `due` with `now` in `sent_field` and enqueue `kind` for it, in one
    transaction; returns how many (the reminders).

    The rows are locked with SKIP LOCKED, so two runners of the jobs at once never remind
    the same row twice; the stamp keeps the next round from picking it again, and it is
    committed together with the message, so a reminder is neither lost nor doubled.
    """
    with transaction.atomic():
        rows = list(due.select_for_update(skip_locked=True, of=("self",)))
        for row in rows:
            setattr(row, sent_field, now)
            row.save(update_fields=[sent_field])
            outbox_enqueue(kind=kind, obj_id=row.pk)
    return len(rows)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure."""
    return min(FIRST_BACKOFF * 2 ** (attempts - 1), MAX_BACKOFF)


def outbox_drain(*, now: datetime | None = None, limit: int = 100) -> int:
    """Send up to `limit` due messages of the current comune, oldest first; returns how many were sent.

    Each message is locked (SKIP LOCKED), sent and marked in a transaction of its own: two
    drains at once never take the same message, and a failure (retried later, with backoff)
    never undoes the messages sent before it.
    """
    now = now or timezone.now()
    municipality = None
    handled = sent = 0
    while handled < limit:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(state=State.PENDING, next_attempt_at__lte=now)
                .order_by("next_attempt_at", "id")
                .first()
            )
            if message is None:
                break
            if municipality is None:
                municipality = _municipality()
            sent += _deliver(message, municipality, now)
        handled += 1
    return sent


def _municipality() -> Municipality:
    # Read once per drain, with its domains: every link of every e-mail needs the primary domain.
    # By schema, not connection.tenant: under schema_context() that is a stand-in without a name.
    return Municipality.objects.prefetch_related("domains").get(schema_name=connection.schema_name)


def _deliver(message: OutboxMessage, municipality: Municipality, now: datetime) -> bool:
    message.attempts += 1
    handler = _handlers.get(message.kind)
    try:
        if handler is None:
            raise LookupError(f"no handler for {message.kind!r}")
        with transaction.atomic():  # a savepoint: a database error in the handler leaves this transaction usable
            handler(message, municipality)
    except ObjectDoesNotExist as exc:
        # The row it was about has been deleted since: no later try will find it.
        message.state = State.FAILED
        message.last_error = _describe(exc)
        logger.warning("Outbox message %s (%s) failed: its row is gone", message.pk, message.kind)
    except Exception as exc:
        message.last_error = _describe(exc)
        if message.attempts >= MAX_ATTEMPTS:
            message.state = State.FAILED
            logger.exception(
                "Outbox message %s (%s) failed %d times: given up", message.pk, message.kind, message.attempts
            )
        else:
            message.next_attempt_at = now + backoff(message.attempts)
            logger.warning(
                "Outbox message %s (%s) failed (attempt %d of %d); next try at %s",
                message.pk,
                message.kind,
                message.attempts,
                MAX_ATTEMPTS,
                message.next_attempt_at.isoformat(),
                exc_info=True,
            )
    else:
        message.state = State.SENT
        message.sent_at = now
    message.save(update_fields=["state", "attempts", "next_attempt_at", "last_error", "sent_at"])
    return message.state == State.SENT


def outbox_purge(*, now: datetime, batch: int = 10_000) -> int:
    """Delete the messages sent more than OUTBOX_SENT_RETENTION_DAYS ago, in batches so a long
    backlog never holds one huge transaction; pending and failed ones stay. Returns how many."""
    cutoff = now - timedelta(days=settings.OUTBOX_SENT_RETENTION_DAYS)
    old = OutboxMessage.objects.filter(state=State.SENT, sent_at__lt=cutoff)
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(old.order_by().values_list("pk", flat=True)[:batch])
            if not ids:
                return deleted
            OutboxMessage.objects.filter(pk__in=ids).delete()
        deleted += len(ids)


def _describe(exc: Exception) -> str:
    """The class of the error and its SMTP or OS code: enough to act on, no addresses or names."""
    code = getattr(exc, "smtp_code", None) or getattr(exc, "errno", None)
    text = type(exc).__name__ + (f" ({code})" if isinstance(code, int) else "")
    return text[:200]
