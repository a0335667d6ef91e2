"""The periodic jobs through Celery for real: a worker (in a thread of this process) consuming
the machine's Redis (127.0.0.1:6379, database 15; skipped when none answers), tasks carrying
their comune's schema (tenant-schemas-celery), and beat's scheduler sending one message per comune.

The worker has its own database connection and sees only committed rows, so this module
creates two comuni of its own (Bagno di Romagna and Verghereto), commits a late booking
in each, and drops them at the end. It does not use transactional_db: its flush would
empty the public schema. Each run consumes a queue of its own, so two test runs sharing
the machine's Redis never take each other's messages.
"""

import queue
import time
import uuid
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from celery.result import AsyncResult
from celery.signals import before_task_publish
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context
from psycopg2.extras import DateTimeTZRange

from config.celery import app
from src.bookings.availability import free_seats
from src.bookings.models import Booking
from src.bookings.selectors import policy_get
from src.common.tasks import comune_jobs_run, comune_jobs_send
from src.outbox import services as outbox
from src.outbox.models import OutboxMessage
from src.outbox.tasks import outbox_drain_task  # registered before the worker starts
from tenants.comuni.models import Municipality
from tenants.comuni.selectors import municipality_list
from tenants.comuni.services import UNION_COMUNI, municipality_create
from tests.bookings.conftest import build_hub
from tests.tasks.conftest import REDIS_URL

OWN_COMUNI = ("bagno-di-romagna", "verghereto")
EMAIL = "celery-{}@example.org"
WAIT = 10  # seconds; a round takes milliseconds

# Celery's Redis result backend calls redis-py's deprecated setex: not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning")


def _late_booking(municipality) -> Booking:
    """A booking that started two hours ago and was never checked in: the jobs must make it a no-show."""
    person = get_user_model().objects.create_user(email=EMAIL.format(municipality.slug))
    connection.set_tenant(municipality)
    policy_get()
    hub = build_hub("celery", seats=2)
    space = hub.spaces.get(name="Coworking")
    now = timezone.now()
    booking = Booking.objects.create(
        code=f"CEL{municipality.pk:05d}",
        person=person,
        hub=hub,
        space=space,
        seat=space.seats.order_by("label").first(),
        period=DateTimeTZRange(now - timedelta(hours=2), now + timedelta(hours=2)),
        created_at=now - timedelta(days=1),
    )
    connection.set_schema_to_public()
    return booking


def _in(municipality, booking):
    """(state, whether its seat is free now) of `booking`, read in `municipality`'s schema."""
    connection.set_tenant(municipality)
    try:
        fresh = Booking.objects.select_related("space", "seat").get(pk=booking.pk)
        now = timezone.now()
        free = fresh.seat in free_seats(fresh.space, (now, now + timedelta(minutes=30)))
        return fresh.state, free
    finally:
        connection.set_schema_to_public()


@pytest.fixture(scope="module")
def comuni(django_db_setup, django_db_blocker):
    """Two comuni of this module's own, each with one late booking, committed; removed at the end.

    The blocker stays open for the whole module: the worker thread needs the database too.
    """
    with django_db_blocker.unblock():
        made = {}
        try:
            for slug in OWN_COMUNI:
                outcome = municipality_create(**next(c for c in UNION_COMUNI if c["slug"] == slug))
                if not outcome.created:
                    pytest.fail(f"{slug} already exists: this module only ever uses (and drops) a comune of its own")
                made[slug] = outcome.municipality
            bookings = {slug: _late_booking(municipality) for slug, municipality in made.items()}
            yield made, bookings
        finally:
            connection.set_schema_to_public()
            for municipality in made.values():
                Municipality.objects.get(pk=municipality.pk).delete(force_drop=True)
            connection.set_schema_to_public()
            with connection.cursor() as cursor:
                # Raw SQL: Django's cascade would look for the comuni's tables in the public schema.
                cursor.execute("DELETE FROM identity_user WHERE email LIKE 'celery-%%@example.org'")


@pytest.fixture(scope="module")
def worker(comuni):
    """A real Celery worker of the project's app, in a thread, on Redis database 15 and a queue of this run's own."""
    queue = f"hub-tests-{uuid.uuid4().hex[:12]}"
    test_conf = {
        "broker_url": REDIS_URL,
        "result_backend": REDIS_URL,
        "task_default_queue": queue,
        "worker_hijack_root_logger": False,
        "worker_enable_remote_control": False,
        "result_expires": 120,  # Redis drops the results by itself
    }
    saved = {key: app.conf.get(key) for key in test_conf}
    app.conf.update(test_conf)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=WAIT) as running:
            yield running
        with app.connection_for_write() as conn:  # leave nothing of this run's queue in Redis
            redis = conn.default_channel.client
            redis.delete(queue, *redis.keys(f"_kombu.binding*.{queue}"))
    finally:
        app.conf.update(saved)


def test_the_task_runs_the_jobs_in_its_own_comune_only(comuni, worker):
    made, bookings = comuni
    bagno, verghereto = made["bagno-di-romagna"], made["verghereto"]
    assert _in(bagno, bookings["bagno-di-romagna"]) == ("confirmed", False)

    # Sent from inside Bagno di Romagna: the message carries its schema, the worker runs there.
    result = comune_jobs_send(bagno, ignore_result=False)
    counts = result.get(timeout=WAIT)

    assert counts["no_shows_released"] == 1
    assert _in(bagno, bookings["bagno-di-romagna"]) == ("no_show", True)  # a no-show, and the seat is free again
    assert _in(verghereto, bookings["verghereto"]) == ("confirmed", False)  # the other comune is untouched


def test_a_task_sent_from_the_public_schema_is_refused(worker):
    connection.set_schema_to_public()
    result = comune_jobs_run.apply_async(ignore_result=False)
    with pytest.raises(Exception, match="public schema"):
        result.get(timeout=WAIT)


def test_a_committed_outbox_message_is_drained_by_the_worker_at_once(comuni, worker, settings):
    made, _bookings = comuni
    bagno = made["bagno-di-romagna"]
    seen = queue.Queue()

    def kicked(message, municipality):
        seen.put((connection.schema_name, municipality.slug, message.obj_id))

    settings.OUTBOX_CELERY = True  # as with a broker in production
    outbox._handlers["tests.kicked"] = kicked
    try:
        with tenant_context(bagno):  # autocommit: committed at once, and the task is sent on that commit
            message = outbox.outbox_enqueue(kind="tests.kicked", obj_id=7)
        # No round of the comune jobs runs here: only the task sent on commit can have drained it.
        assert seen.get(timeout=WAIT) == ("bagno_di_romagna", "bagno-di-romagna", 7)
        deadline = time.monotonic() + WAIT
        with tenant_context(bagno):  # the worker commits the state just after the handler returns
            while OutboxMessage.objects.get(pk=message.pk).state == "pending" and time.monotonic() < deadline:
                time.sleep(0.05)
            assert OutboxMessage.objects.get(pk=message.pk).state == "sent"
    finally:
        del outbox._handlers["tests.kicked"]
    assert outbox_drain_task.name == "outbox.drain"


def _apply_and_record(scheduler, entry) -> list[tuple[str, str]]:
    """Let beat send `entry` now; the (schema, task id) of every message it published."""
    sent = []

    def record(headers=None, **kwargs):
        sent.append((headers["_schema_name"], headers["id"]))

    before_task_publish.connect(record, weak=False)
    try:
        scheduler.apply_entry(entry, producer=scheduler.producer)
    finally:
        before_task_publish.disconnect(record)
    return sent


def test_beat_sends_the_jobs_to_every_comune_each_with_its_schema(comuni, worker):
    from config.beat import ComuniScheduler

    made, bookings = comuni
    scheduler = ComuniScheduler(app=app)  # the schedule of settings.CELERY_BEAT_SCHEDULE
    (name,) = [n for n in scheduler.schedule if n.startswith("comune-jobs@")]
    entry = scheduler.schedule[name]
    assert entry.task == comune_jobs_run.name and entry.schedule.run_every == timedelta(seconds=60)
    entry.options["ignore_result"] = False  # so the test can wait for every comune's round

    sent = _apply_and_record(scheduler, entry)

    schemas = [schema for schema, _id in sent]
    assert sorted(schemas) == sorted(m.schema_name for m in municipality_list())
    assert {"bagno_di_romagna", "verghereto"} <= set(schemas) and "public" not in schemas
    counts = {schema: AsyncResult(task_id, app=app).get(timeout=WAIT) for schema, task_id in sent}
    assert counts["verghereto"]["no_shows_released"] == 1
    assert counts["bagno_di_romagna"]["no_shows_released"] == 0  # done by the test above
    assert _in(made["verghereto"], bookings["verghereto"]) == ("no_show", True)


def test_beat_sends_the_reporting_refresh_once_in_the_public_schema(comuni, worker):
    from config.beat import ComuniScheduler

    scheduler = ComuniScheduler(app=app)
    entry = scheduler.schedule["reporting-rollups@public"]
    entry.options["ignore_result"] = False
    sent = _apply_and_record(scheduler, entry)

    [(schema, task_id)] = sent
    assert schema == "public"
    outcome = AsyncResult(task_id, app=app).get(timeout=WAIT)
    # The rollups now cover every comune, the two of this module included.
    assert outcome["comuni"] == municipality_list().count()
