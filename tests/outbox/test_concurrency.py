"""Two drains at once, each on its own thread and database connection: every message is sent
exactly once. Threads see only committed rows, so the messages are committed in Cesena's
schema (by another connection) and deleted afterwards."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from src.outbox.models import OutboxMessage
from src.outbox.services import outbox_drain, outbox_enqueue
from tests.events.threads import in_thread

MESSAGES = 12
KIND = "tests.counted"


@pytest.fixture
def committed_messages(cesena, handlers):
    sent = []

    @handlers(KIND)
    def counted(message, municipality):
        time.sleep(0.02)  # a mail server's round trip: the two drains overlap
        sent.append((message.obj_id, threading.get_ident()))

    def create():
        connection.set_tenant(cesena)
        return [outbox_enqueue(kind=KIND, obj_id=n).pk for n in range(MESSAGES)]

    ids = in_thread(create)
    yield ids, sent

    def clean():
        connection.set_tenant(cesena)
        OutboxMessage.objects.filter(pk__in=ids).delete()

    in_thread(clean)


def test_two_drains_at_once_never_send_a_message_twice(cesena, committed_messages):
    ids, sent = committed_messages
    barrier = threading.Barrier(2)
    counts, errors = [0, 0], []

    def drainer(index):
        try:
            connection.set_tenant(cesena)
            connection.ensure_connection()  # connected before the start, so both really start together
            barrier.wait()
            counts[index] = outbox_drain(now=timezone.now() + timedelta(seconds=1))
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=drainer, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert sorted(obj_id for obj_id, _ in sent) == list(range(MESSAGES))  # each once, none twice
    assert sum(counts) == MESSAGES
    assert all(counts), counts  # both drains sent some: they did run side by side
    assert len({thread for _, thread in sent}) == 2

    def states():
        connection.set_tenant(cesena)
        return set(OutboxMessage.objects.filter(pk__in=ids).values_list("state", "attempts"))

    assert in_thread(states) == {("sent", 1)}
