"""Concurrent writers on the same rows: what PostgreSQL says when two transactions collide,
and a bounded retry for the writes that can simply run again."""

import logging
from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, transaction

logger = logging.getLogger(__name__)

# deadlock_detected, serialization_failure, lock_not_available
CONTENTION_SQLSTATES = frozenset({"40P01", "40001", "55P03"})

T = TypeVar("T")


def is_contention(exc: BaseException) -> bool:
    cause = getattr(exc, "__cause__", None)
    return isinstance(exc, OperationalError) and getattr(cause, "pgcode", None) in CONTENTION_SQLSTATES


def run_retrying(write: Callable[[], T], *, attempts: int = 3, on_give_up: Callable[[], Exception]) -> T:
    """Run `write` in its own atomic block (a savepoint when nested), again when PostgreSQL
    aborted it for a deadlock or a serialization failure; after `attempts`, raise `on_give_up()`.

    A deadlock aborts only the savepoint, so a retry inside an outer transaction is safe:
    the locks taken by the failed attempt are gone with it.
    """
    for attempt in range(1, attempts + 1):
        try:
            with transaction.atomic():
                return write()
        except OperationalError as exc:
            if not is_contention(exc):
                raise
            logger.info("Contention (attempt %d of %d): %s", attempt, attempts, exc.__cause__.pgcode)
            if attempt == attempts:
                raise on_give_up() from exc
    raise AssertionError("unreachable")
