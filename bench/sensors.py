"""Sensors: sustained ingestion through the real broker, and drawing a space's last 24 hours.

    make bench BENCH=sensors
    .venv/bin/python -m config.localdb --temporary -- .venv/bin/python -m bench sensors
    BENCH_SENSORS_MESSAGES=200000 make bench BENCH=sensors        # a longer ingestion run
    BENCH_SENSORS_RATE=0 make bench BENCH=sensors                 # offered as fast as the publisher can
    BENCH_SENSORS_PARTS=ingestion make bench BENCH=sensors        # one part (ingestion or chart)

1. **Ingestion.** A comune of its own (`bencharia`) with 75 hubs, one space each and four
   sensors per space (CO2, temperature, humidity, people): 300 sensors. A publisher process
   (paho, QoS 0) sends BENCH_SENSORS_MESSAGES readings (default 60,000) round-robin over the
   300 topics at a steady BENCH_SENSORS_RATE (default 6,000/s), through the machine's
   Mosquitto (MQTT_URL); the ingestion (src/sensors/ingest.py, in this process, batches of
   up to 2000) stores them. Reported: readings stored per second from the first to the last
   batch, and how many were lost (QoS 0: the broker drops what a slow subscriber cannot
   take, so "none lost" is what "keeps up" means); target >= 5,000/s sustained.
2. **Chart.** A year of hourly aggregates for the 300 sensors (2.6 million rows, written
   with one INSERT ... SELECT generate_series), then the time to build one space's
   "Qualità dell'aria adesso" (its queries and the three server-drawn SVG charts,
   `src.sensors.charts.air_panels`) and to render the whole kiosk page through Django's
   test client; median and 95th percentile of 50 runs; target < 50 ms.
"""

import json
import os
import statistics
import subprocess
import sys
import textwrap
import time

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from bench._site import ROOT

SLUG, NAME, ISTAT = "bencharia", "Bench aria", "919999"
HUBS = 75
KINDS = ("co2", "temperature", "humidity", "people")
UNITS = {"co2": "ppm", "temperature": "°C", "humidity": "%", "people": "persone"}
VALUES = {"co2": 650.0, "temperature": 21.0, "humidity": 45.0, "people": 3.0}
MESSAGES = int(os.environ.get("BENCH_SENSORS_MESSAGES", "60000"))
RATE = float(os.environ.get("BENCH_SENSORS_RATE", "6000"))  # readings/s offered; 0: as fast as possible
CHART_RUNS = 50
BATCH = int(os.environ.get("BENCH_SENSORS_BATCH", "5000"))
PARTS = os.environ.get("BENCH_SENSORS_PARTS", "ingestion,chart").split(",")

PUBLISHER = textwrap.dedent(
    """
    import json, sys, time
    from datetime import datetime, timedelta, timezone
    from urllib.parse import urlparse
    import paho.mqtt.client as mqtt

    url, count, rate, topics = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), json.loads(sys.stdin.read())
    parsed = urlparse(url)
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="bench-publisher")
    client.max_queued_messages_set(0)
    client.connect(parsed.hostname or "127.0.0.1", parsed.port or 1883)
    client.loop_start()
    start = datetime.now(timezone.utc) - timedelta(minutes=30)
    seqs = [0] * len(topics)
    began = time.perf_counter()
    for i in range(count):
        k = i % len(topics)
        topic, unit, value = topics[k]
        seqs[k] += 1
        at = start + timedelta(milliseconds=i)
        payload = json.dumps({"value": value + (i % 7), "unit": unit, "time": at.isoformat(), "seq": seqs[k]})
        client.publish(topic, payload, qos=0)
        if rate and i % 100 == 99:  # paced: devices publish steadily, not all at once
            ahead = (i + 1) / rate - (time.perf_counter() - began)
            if ahead > 0:
                time.sleep(ahead)
    client.loop_stop()
    client.disconnect()
    print(json.dumps({"published": count, "seconds": time.perf_counter() - began}))
    """
)


def _comune():
    from tenants.comuni.models import Municipality
    from tenants.comuni.services import municipality_create, template_schema_ensure

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    template_schema_ensure()
    for stale in Municipality.objects.filter(slug=SLUG):
        stale.delete(force_drop=True)
    connection.set_schema_to_public()
    return municipality_create(slug=SLUG, name=NAME, istat_code=ISTAT, province="FC").municipality


def _build(municipality) -> list[tuple[str, str, float]]:
    from src.hubs.models import Hub, Space
    from src.sensors.models import Sensor
    from src.sensors.services import sensor_topic

    topics = []
    with tenant_context(municipality):
        for h in range(HUBS):
            hub = Hub.objects.create(
                slug=f"hub-{h:02d}", name=f"Hub {h:02d}", address="Via Roma 1", town="Cesena", is_published=True
            )
            space = Space.objects.create(hub=hub, name="Sala coworking", kind="coworking", capacity=10)
            for kind in KINDS:
                sensor = Sensor.objects.create(space=space, kind=kind, device_id=f"b{h:02d}-{kind}")
                sensor.space = space
                topics.append((sensor_topic(sensor, comune_slug=SLUG), UNITS[kind], VALUES[kind]))
    return topics


def _ingestion(municipality, topics) -> dict:
    from src.sensors.ingest import Ingestor
    from src.sensors.models import Reading

    ingestor = Ingestor(topic=f"{SLUG}/+/+/+", batch_size=BATCH, flush_interval=0.2)
    ingestor.start()
    publisher = subprocess.Popen(
        [sys.executable, "-c", PUBLISHER, settings.MQTT_URL, str(MESSAGES), str(RATE)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    publisher.stdin.write(json.dumps(topics))
    publisher.stdin.close()
    first = last = None
    batches = []
    idle_since = time.perf_counter()
    while ingestor.received < MESSAGES and time.perf_counter() - idle_since < 15:
        started = time.perf_counter()
        result = ingestor.pump(timeout=0.5)
        handled = result.accepted + sum(result.refused.values())
        if handled:
            first = first or started
            last = time.perf_counter()
            idle_since = last
            batches.append((handled, last - started))
            if len(batches) % 10 == 0:
                print(f"  ingested {ingestor.received}/{MESSAGES} ...", flush=True)
    ingestor.stop()
    published = json.loads(publisher.stdout.read() or "{}")
    publisher.wait()
    with tenant_context(municipality):
        stored = Reading.objects.count()
    seconds = (last - first) if first and last else 0.0
    rate = stored / seconds if seconds else 0.0
    per_batch = [seconds_ / n * 1000 for n, seconds_ in batches if n]
    print(
        f"  ingestion (offered at {RATE:,.0f}/s): {stored} of {MESSAGES} readings stored in {seconds:.2f} s = {rate:,.0f} readings/s "
        f"(publisher sent them in {published.get('seconds', 0):.2f} s; {len(batches)} batches, "
        f"median batch {statistics.median(n for n, _ in batches):.0f} readings, "
        f"{statistics.median(per_batch):.3f} ms per reading); refused {dict(ingestor.counters)}",
        flush=True,
    )
    return {
        "messages": MESSAGES,
        "stored": stored,
        "seconds": round(seconds, 3),
        "readings_per_second": round(rate),
        "publisher_seconds": round(published.get("seconds", 0), 3),
        "batches": len(batches),
        "lost": MESSAGES - stored,
        "offered_rate": RATE,
    }


def _year_of_aggregates(municipality) -> int:
    from src.sensors.models import HourlyAggregate, Sensor

    table, sensors = HourlyAggregate._meta.db_table, Sensor._meta.db_table
    started = time.perf_counter()
    with tenant_context(municipality), connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{table}"')
        cursor.execute(
            f"""
            INSERT INTO "{table}" (sensor_id, hour, count, total, minimum, maximum)
            SELECT s.id, h, 60, 60 * (500 + 400 * random()), 450, 1100
            FROM "{sensors}" s
            CROSS JOIN generate_series(date_trunc('hour', now()) - interval '365 days', date_trunc('hour', now()),
                                       interval '1 hour') h
            """
        )
        rows = cursor.rowcount
        cursor.execute(f'ANALYZE "{table}"')
    print(f"  a year of hourly aggregates: {rows:,} rows written in {time.perf_counter() - started:.1f} s", flush=True)
    return rows


def _timed(work, runs=CHART_RUNS) -> dict:
    work()  # warm: imports, template compilation, connection
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"median_ms": round(statistics.median(times), 2), "p95_ms": round(times[int(len(times) * 0.95) - 1], 2)}


def _chart(municipality) -> dict:
    from src.hubs.models import Hub
    from src.sensors.charts import air_panels

    with tenant_context(municipality):
        hub = Hub.objects.get(slug="hub-37")
        panels = air_panels(hub)
        assert len(panels) == 1 and len(panels[0]["charts"]) == 3, panels
        assert all(v is not None for v in panels[0]["air"].hours["co2"]), "24 hours of data expected"
        panel = _timed(lambda: air_panels(hub, now=timezone.now()))
    client = Client(HTTP_HOST=f"{SLUG}.{settings.UNION_DOMAIN}")
    response = client.get("/hub/hub-37/aria/")
    assert response.status_code == 200, response.status_code
    page = _timed(lambda: client.get("/hub/hub-37/aria/"))
    connection.set_schema_to_public()
    print(
        f"  one space's last 24 hours (3 charts) among 300 sensors x 1 year: {panel['median_ms']} ms median, "
        f"{panel['p95_ms']} ms p95; the whole kiosk page: {page['median_ms']} ms median, {page['p95_ms']} ms p95",
        flush=True,
    )
    return {"panel": panel, "kiosk_page": page}


def run() -> dict:
    municipality = _comune()
    try:
        topics = _build(municipality)
        ingestion = _ingestion(municipality, topics) if "ingestion" in PARTS else None
        rows = _year_of_aggregates(municipality) if "chart" in PARTS else None
        chart = _chart(municipality) if "chart" in PARTS else None
    finally:
        from tenants.comuni.models import Municipality

        connection.set_schema_to_public()
        Municipality.objects.get(pk=municipality.pk).delete(force_drop=True)
        connection.set_schema_to_public()
    return {"ingestion": ingestion, "aggregate_rows": rows, "chart": chart, "at": timezone.now()}
