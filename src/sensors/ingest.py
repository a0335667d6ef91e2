"""The ingestion service: MQTT in, each comune's tables out (`manage.py sensors_ingest`).

    <comune slug>/<hub slug>/<space id>/<device id>    {"value": 812, "unit": "ppm",
                                                         "time": "2026-11-30T09:00:00Z", "seq": 41}

The MQTT network loop runs in paho's thread and only queues what arrives; `pump()` takes
a batch off the queue and writes it, one transaction per comune per batch:

- the schema is the topic's comune, and the device must be registered in THAT schema
  with that hub and space: a forged topic finds no device there and is refused, so a
  Cesena device can never write into Sarsina's tables, whatever topic it publishes to
  (the broker's ACLs refuse it first, deploy/mosquitto/; this is the second wall);
- malformed, out-of-range, unknown-device and replayed messages (a `seq` not above the
  device's last one) are refused and counted, per comune (`IngestCounter`) and per process
  (`Ingestor.counters`, also served as Prometheus text with `--metrics-port`);
- raw readings are inserted in one statement, the hourly aggregates upserted in another
  (count, sum, min, max add up, so a split or late batch gives the same figures);
- CO2 above the alert line for SENSORS_ALERT_MINUTES opens an `AirAlert` and enqueues the
  operators' notice in the same transaction (src/outbox): once per episode.

Nothing stops it: a bad message is counted and skipped; a database error rolls the
comune's batch back, drops the connection and retries the same batch with backoff until
the database answers again (the broker keeps queueing meanwhile); a broker that goes away
is reconnected to by paho, which subscribes again on every connect.
"""

import io
import json
import logging
import math
import threading
import time as clock
import uuid
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from src.hubs.models import Space
from src.sensors.models import UNITS, AirAlert, IngestCounter, Kind, Rejection, Sensor
from src.sensors.services import sensor_alerts_step
from tenants.comuni.models import Municipality

logger = logging.getLogger(__name__)

ACCEPTED = "accepted"
DB_ERRORS = (OperationalError, InterfaceError, DatabaseError)


@dataclass
class Raw:
    topic: str
    payload: bytes


@dataclass
class Parsed:
    comune: str
    hub: str
    space: str
    device: str
    value: float
    unit: str
    time: datetime
    seq: int


class Refused(Exception):
    def __init__(self, reason: str, comune: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.comune = comune


def parse(raw: Raw, *, now: datetime) -> Parsed:
    """The message, or Refused(reason). Bounded: a huge or deep payload is malformed, not parsed."""
    parts = raw.topic.split("/")
    if len(parts) != 4 or not all(parts):
        raise Refused(Rejection.MALFORMED)
    comune = parts[0]
    if len(raw.payload) > 4096:
        raise Refused(Rejection.MALFORMED, comune)
    try:
        data = json.loads(raw.payload)
    except (ValueError, UnicodeDecodeError):
        raise Refused(Rejection.MALFORMED, comune)
    if not isinstance(data, dict):
        raise Refused(Rejection.MALFORMED, comune)
    value, unit, when, seq = data.get("value"), data.get("unit"), data.get("time"), data.get("seq")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Refused(Rejection.MALFORMED, comune)
    try:
        value = float(value)  # an integer too large for a float overflows here
    except OverflowError:
        raise Refused(Rejection.OUT_OF_RANGE, comune)
    if not math.isfinite(value):
        raise Refused(Rejection.MALFORMED, comune)
    if not isinstance(unit, str) or not isinstance(when, str) or isinstance(seq, bool) or not isinstance(seq, int):
        raise Refused(Rejection.MALFORMED, comune)
    if not 0 <= seq < 2**63:
        raise Refused(Rejection.MALFORMED, comune)
    try:
        # fromisoformat reads ISO 8601 (with "Z" since 3.11) several times faster than parse_datetime.
        moment = datetime.fromisoformat(when) if len(when) <= 40 else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise Refused(Rejection.MALFORMED, comune)
    if moment > now + timedelta(minutes=5) or moment < now - timedelta(hours=settings.SENSORS_MAX_AGE_HOURS):
        raise Refused(Rejection.OUT_OF_RANGE, comune)
    return Parsed(comune, parts[1], parts[2], parts[3], value, unit.strip().lower(), moment, seq)


@dataclass
class BatchResult:
    accepted: int = 0
    refused: Counter = field(default_factory=Counter)


class Ingestor:
    """One broker subscription feeding every comune's tables; see the module's docstring."""

    def __init__(
        self,
        *,
        url: str | None = None,
        topic: str | None = None,
        batch_size: int = 2000,
        flush_interval: float = 0.5,
        client_id: str | None = None,
        max_queue: int = 200_000,
    ):
        self.url = url or settings.MQTT_URL
        self.topic = topic or settings.SENSORS_TOPIC
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self.client_id = client_id or f"hub-sensors-ingest-{uuid.uuid4().hex[:8]}"
        # paho's thread appends, the loop pops: a deque needs no lock for that. A full one makes
        # paho's thread wait, so the broker holds the rest: memory stays bounded.
        self.queue: deque[tuple[str, bytes]] = deque()
        self.max_queue = max_queue
        self._arrived = threading.Event()
        self.counters: Counter = Counter()
        self.received = 0
        self.subscribed = threading.Event()
        self._comuni: dict[str, str] = {}
        self._comuni_read_at = 0.0
        self._client = None

    # --- the broker ---------------------------------------------------------------------

    def start(self, *, wait: float = 10.0) -> None:
        import paho.mqtt.client as mqtt

        parsed = urlparse(self.url)
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=self.client_id)
        if parsed.username:
            client.username_pw_set(unquote(parsed.username), unquote(parsed.password or ""))
        if parsed.scheme == "mqtts":
            client.tls_set()
        client.reconnect_delay_set(min_delay=1, max_delay=30)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        client.on_subscribe = self._on_subscribe
        client.connect_async(parsed.hostname or "127.0.0.1", parsed.port or 1883, keepalive=30)
        client.loop_start()
        self._client = client
        if wait and not self.subscribed.wait(wait):
            self.stop()
            raise ConnectionError(f"The MQTT broker at {parsed.hostname}:{parsed.port or 1883} did not answer.")

    def stop(self) -> None:
        if self._client is not None:
            self._client.disconnect()
            self._client.loop_stop()
            self._client = None

    def _on_connect(self, client, userdata, flags, reason_code, properties=None):
        if reason_code.is_failure:
            logger.error("MQTT broker refused the connection: %s", reason_code)
            return
        # Subscribed again on every (re)connect: a broker restart loses a clean session's subscriptions.
        client.subscribe(self.topic, qos=1)

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties=None):
        if any(code.is_failure for code in reason_codes):
            logger.error("MQTT broker refused the subscription to %s: %s", self.topic, reason_codes)
            return
        self.subscribed.set()  # from here on, what is published reaches us
        logger.info("Subscribed to %s", self.topic)

    def _on_disconnect(self, client, userdata, flags, reason_code, properties=None):
        self.subscribed.clear()
        if reason_code != 0:
            logger.warning("MQTT broker connection lost (%s); paho reconnects", reason_code)

    def _on_message(self, client, userdata, message):
        while len(self.queue) >= self.max_queue:
            clock.sleep(0.01)
        self.queue.append((message.topic, message.payload))
        self._arrived.set()

    # --- the loop -----------------------------------------------------------------------

    def take(self, *, timeout: float | None = None) -> list[Raw]:
        """Up to batch_size queued messages, waiting at most `timeout` (default flush_interval) to fill."""
        deadline = clock.monotonic() + (self.flush_interval if timeout is None else timeout)
        while len(self.queue) < self.batch_size:
            remaining = deadline - clock.monotonic()
            if remaining <= 0:
                break
            self._arrived.clear()
            if len(self.queue) < self.batch_size:
                self._arrived.wait(min(remaining, 0.05))
        batch: list[Raw] = []
        popleft = self.queue.popleft
        for _ in range(min(self.batch_size, len(self.queue))):
            topic, payload = popleft()
            batch.append(Raw(topic, payload))
        return batch

    def pump(self, *, timeout: float | None = None) -> BatchResult:
        """Take one batch off the queue and store it; returns what happened to it."""
        batch = self.take(timeout=timeout)
        return self.process(batch) if batch else BatchResult()

    def pump_until(self, count: int, *, timeout: float = 10.0) -> int:
        """Pump until `count` messages have been handled since the start (tests, benchmark)."""
        deadline = clock.monotonic() + timeout
        while self.received < count and clock.monotonic() < deadline:
            self.pump(timeout=0.1)
        return self.received

    def run_forever(self, *, stop: threading.Event | None = None, progress=None, every: float = 10.0) -> None:
        stop = stop or threading.Event()
        last, last_count = clock.monotonic(), 0
        while not stop.is_set():
            self.pump()
            if progress and clock.monotonic() - last >= every:
                rate = (self.received - last_count) / (clock.monotonic() - last)
                progress(self.received, rate, dict(self.counters))
                last, last_count = clock.monotonic(), self.received

    # --- one batch ----------------------------------------------------------------------

    def _schema_of(self, slug: str) -> str | None:
        # Comuni are few and change rarely: read all once a minute, and again on an unknown slug.
        fresh = clock.monotonic() - self._comuni_read_at < 60
        if slug not in self._comuni and not (fresh and self._comuni):
            self._comuni = dict(Municipality.objects.values_list("slug", "schema_name"))
            self._comuni_read_at = clock.monotonic()
        return self._comuni.get(slug)

    def process(self, batch: list[Raw], *, now: datetime | None = None) -> BatchResult:
        now = now or timezone.now()
        result = BatchResult()
        by_comune: dict[str, list[Parsed]] = defaultdict(list)
        refused_by_comune: dict[str, Counter] = defaultdict(Counter)
        for raw in batch:
            try:
                message = parse(raw, now=now)
            except Refused as refused:
                if refused.comune:  # counted with the comune's batch below
                    refused_by_comune[refused.comune][refused.reason] += 1
                else:
                    result.refused[refused.reason] += 1
                continue
            by_comune[message.comune].append(message)
        for slug in sorted(set(by_comune) | set(refused_by_comune)):
            messages, refused = by_comune.get(slug, []), refused_by_comune.get(slug, Counter())
            schema = self._with_retry(lambda slug=slug: self._schema_of(slug))
            if schema is None:  # no such comune: nothing of ours to write to
                result.refused[Rejection.UNKNOWN_DEVICE] += len(messages)
                result.refused.update(refused)
                continue
            try:
                accepted, refused_here = self._with_retry(
                    lambda s=schema, m=messages, r=refused: self._store(s, m, r, now)
                )
            except DB_ERRORS:
                raise  # inside a caller's transaction (see _with_retry)
            except Exception:
                # A message that trips a bug must not take the others down with it: one at a time,
                # and whichever still fails is counted as malformed and dropped.
                logger.exception("Batch for %s failed; storing its messages one at a time", slug)
                accepted, refused_here = self._one_by_one(schema, messages, refused, now)
            result.accepted += accepted
            result.refused.update(refused_here)
        self.received += len(batch)
        self.counters[ACCEPTED] += result.accepted
        self.counters.update(result.refused)
        return result

    def _with_retry(self, work):
        """Run `work` until the database takes it: a blink rolls back, reconnects and tries again."""
        delay = 0.5
        while True:
            try:
                return work()
            except DB_ERRORS as exc:
                if connection.in_atomic_block and not connection.get_autocommit():
                    raise  # inside someone else's transaction (a test): theirs to handle
                logger.warning("Database unavailable (%s); retrying in %.1f s", type(exc).__name__, delay)
                self.counters["database_retries"] += 1
                try:
                    connection.close()
                except Exception:
                    pass
                clock.sleep(delay)
                delay = min(delay * 2, 30.0)

    def _one_by_one(self, schema: str, messages: list[Parsed], refused: Counter, now: datetime) -> tuple[int, Counter]:
        accepted, total = 0, Counter(refused)
        if refused:
            self._with_retry(lambda: self._store(schema, [], refused, now))
        for message in messages:
            try:
                ok, refused_here = self._with_retry(lambda m=message: self._store(schema, [m], Counter(), now))
            except DB_ERRORS:
                raise
            except Exception:
                logger.exception("A message for %s could not be stored: dropped", schema)
                self._with_retry(lambda: _count_in(schema, Counter({Rejection.MALFORMED: 1}), now))
                total[Rejection.MALFORMED] += 1
                continue
            accepted += ok
            total.update(refused_here)
        return accepted, total

    def _store(self, schema: str, messages: list[Parsed], refused: Counter, now: datetime) -> tuple[int, Counter]:
        refused = Counter(refused)
        with schema_context(schema), transaction.atomic():
            sensors = {
                s.device_id: s
                for s in Sensor.objects.select_for_update()
                .only("pk", "device_id", "kind", "space_id", "last_seq", "last_time", "last_value", "above_since")
                .filter(device_id__in={m.device for m in messages}, is_active=True)
            }
            hubs = dict(
                Space.objects.filter(pk__in={s.space_id for s in sensors.values()}).values_list("pk", "hub__slug")
            )
            rows: list[tuple[Sensor, Parsed]] = []
            for message in messages:  # in arrival order: a lower seq after a higher one is a replay
                sensor = sensors.get(message.device)
                if sensor is None or message.hub != hubs.get(sensor.space_id) or message.space != str(sensor.space_id):
                    refused[Rejection.UNKNOWN_DEVICE] += 1
                    continue
                canonical, spellings, (low, high) = UNITS[Kind(sensor.kind)]
                if message.unit not in spellings and message.unit != canonical.lower():
                    refused[Rejection.MALFORMED] += 1
                    continue
                if not low <= message.value <= high:
                    refused[Rejection.OUT_OF_RANGE] += 1
                    continue
                if sensor.last_seq is not None and message.seq <= sensor.last_seq:
                    refused[Rejection.REPLAYED] += 1
                    continue
                sensor.last_seq = message.seq
                rows.append((sensor, message))
            if rows:
                _insert(rows, now)
                # The open alert episodes of this batch's CO2 sensors, in one query (alerts_step reads them).
                co2 = {sensor.pk: sensor for sensor, _m in rows if sensor.kind == Kind.CO2}
                for sensor in co2.values():
                    sensor._open_alert = None
                for alert in AirAlert.objects.filter(sensor_id__in=list(co2), ended_at__isnull=True):
                    co2[alert.sensor_id]._open_alert = alert
                touched = {}
                for sensor, message in sorted(rows, key=lambda r: r[1].time):
                    if sensor.last_time is None or message.time >= sensor.last_time:
                        sensor.last_time, sensor.last_value = message.time, message.value
                        if sensor.kind == Kind.CO2:
                            sensor_alerts_step(sensor=sensor, value=message.value, at=message.time)
                    touched[sensor.pk] = sensor
                _sensors_update(touched.values())
            counts = Counter(refused)
            if rows:
                counts[ACCEPTED] += len(rows)
            _count(counts, now)
        return len(rows), refused


def _insert(rows: list[tuple[Sensor, Parsed]], now: datetime) -> None:
    """The raw readings in one INSERT, then the hourly aggregates upserted in one more."""
    from psycopg2.extras import execute_values

    from src.sensors.models import HourlyAggregate, Reading

    hours: dict[tuple[int, datetime], list[float]] = {}
    for sensor, message in rows:
        hour = message.time.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        agg = hours.get((sensor.pk, hour))
        if agg is None:
            hours[(sensor.pk, hour)] = [1, message.value, message.value, message.value]
        else:
            agg[0] += 1
            agg[1] += message.value
            agg[2] = min(agg[2], message.value)
            agg[3] = max(agg[3], message.value)
    received = now.isoformat()
    copy = io.StringIO()
    for sensor, message in rows:
        copy.write(f"{sensor.pk}\t{message.time.isoformat()}\t{message.value!r}\t{message.seq}\t{received}\n")
    copy.seek(0)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg2's own cursor: COPY for the readings, one multi-row VALUES for the hours
        raw.copy_expert(f'COPY "{Reading._meta.db_table}" (sensor_id, time, value, seq, received_at) FROM STDIN', copy)
        table = HourlyAggregate._meta.db_table
        execute_values(
            raw,
            f'INSERT INTO "{table}" (sensor_id, hour, count, total, minimum, maximum) VALUES %s '
            f"ON CONFLICT (sensor_id, hour) DO UPDATE SET count = {table}.count + EXCLUDED.count, "
            f"total = {table}.total + EXCLUDED.total, minimum = LEAST({table}.minimum, EXCLUDED.minimum), "
            f"maximum = GREATEST({table}.maximum, EXCLUDED.maximum)",
            [(sensor_id, hour, *agg) for (sensor_id, hour), agg in sorted(hours.items())],
            page_size=5000,
        )


def _sensors_update(sensors) -> None:
    """The ingestion state of the batch's sensors in one UPDATE ... FROM (VALUES ...)
    (Django's bulk_update builds a CASE per field and row: 30 times slower at 300 sensors)."""
    from psycopg2.extras import execute_values

    table = Sensor._meta.db_table
    with connection.cursor() as cursor:
        execute_values(
            cursor.cursor,
            f'UPDATE "{table}" AS s SET last_seq = v.last_seq, last_time = v.last_time, last_value = v.last_value, '
            f"above_since = v.above_since FROM (VALUES %s) AS v(id, last_seq, last_time, last_value, above_since) "
            f"WHERE s.id = v.id",
            [(s.pk, s.last_seq, s.last_time, s.last_value, s.above_since) for s in sensors],
            template="(%s, %s::bigint, %s::timestamptz, %s::float8, %s::timestamptz)",
            page_size=1000,
        )


def _count_in(schema: str, counts: Counter, now: datetime) -> None:
    with schema_context(schema), transaction.atomic():
        _count(counts, now)


def _count(counts: Counter, now: datetime) -> None:
    if not counts:
        return
    from psycopg2.extras import execute_values

    table = IngestCounter._meta.db_table
    with connection.cursor() as cursor:
        execute_values(
            cursor.cursor,
            f'INSERT INTO "{table}" (reason, count, updated_at) VALUES %s ON CONFLICT (reason) '
            f"DO UPDATE SET count = {table}.count + EXCLUDED.count, updated_at = EXCLUDED.updated_at",
            [(str(reason), n, now) for reason, n in sorted(counts.items())],
        )


def metrics_text(counters: Counter) -> str:
    """The process's counters as Prometheus text exposition."""
    lines = [
        "# HELP hub_sensors_messages_total MQTT messages handled by the ingestion, by outcome.",
        "# TYPE hub_sensors_messages_total counter",
    ]
    for outcome in [ACCEPTED, *Rejection.values]:
        lines.append(f'hub_sensors_messages_total{{outcome="{outcome}"}} {counters.get(outcome, 0)}')
    lines += [
        "# TYPE hub_sensors_database_retries_total counter",
        f"hub_sensors_database_retries_total {counters.get('database_retries', 0)}",
    ]
    return "\n".join(lines) + "\n"
