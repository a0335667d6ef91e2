"""`manage.py sensors_ingest` survives a database cut: nothing received meanwhile is lost.

The ingestion runs as a process of its own, subscribed to the machine's Mosquitto, its
database behind the proxy. Readings published while the database is cut wait in the
ingestion (its batch is rolled back and tried again with backoff); once the proxy is
restored they are all stored, by the same process, and a malformed message sent during
the outage is counted, not fatal.
"""

import json
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from src.sensors.models import IngestCounter, Reading
from src.sensors.services import sensor_register
from tests.faults.conftest import ROOT, database_env, wait_for
from tests.hubs.factories import make_hub, make_space
from tests.sensors.conftest import Publisher, _broker_answers


@pytest.fixture
def air_sensor(fault_comune):
    from django.conf import settings

    if not _broker_answers(settings.MQTT_URL):
        pytest.skip(f"No MQTT broker answers at {settings.MQTT_URL}: the ingestion fault test needs one.")
    slug = f"guasti-{uuid.uuid4().hex[:8]}"
    with tenant_context(fault_comune):
        hub = make_hub(slug=slug)
        registered = sensor_register(
            space=make_space(hub),
            kind="co2",
            device_id=f"{fault_comune.slug}-co2-{slug}",
            comune_slug=fault_comune.slug,
        )
    yield slug, registered
    with tenant_context(fault_comune):
        hub.delete()
        IngestCounter.objects.all().delete()
    connection.set_schema_to_public()


def _stored(municipality, sensor) -> int:
    with tenant_context(municipality):
        return Reading.objects.filter(sensor=sensor).count()


def test_the_ingestion_waits_out_a_database_cut_and_loses_nothing(fault_comune, air_sensor, database_outage, tmp_path):
    from django.conf import settings

    slug, registered = air_sensor
    out = (tmp_path / "ingest.txt").open("wb")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "sensors_ingest", "--topic", f"+/{slug}/+/+", "--progress", "1"],
        cwd=ROOT,
        env=database_env(database_outage, DATABASE_CONNECT_TIMEOUT="2"),
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    publisher = Publisher(settings.MQTT_URL)
    try:
        wait_for(lambda: b"Ingesting" in (tmp_path / "ingest.txt").read_bytes(), timeout=30, what="the ingestion")
        time.sleep(1)  # the subscription's acknowledgement
        now = timezone.now()

        def publish(seq):
            publisher.raw(
                registered.topic,
                json.dumps(
                    {"value": 600 + seq, "unit": "ppm", "time": (now + timedelta(seconds=seq)).isoformat(), "seq": seq}
                ),
            )

        for seq in range(1, 6):
            publish(seq)
        wait_for(lambda: _stored(fault_comune, registered.sensor) == 5, timeout=20, what="the first readings")

        database_outage.cut()
        for seq in range(6, 11):
            publish(seq)
        publisher.raw(registered.topic, b"{broken")
        time.sleep(4)
        assert process.poll() is None, (tmp_path / "ingest.txt").read_text()

        database_outage.restore()
        wait_for(lambda: _stored(fault_comune, registered.sensor) == 10, timeout=60, what="the readings sent meanwhile")
        with tenant_context(fault_comune):
            counts = dict(IngestCounter.objects.values_list("reason", "count"))
        assert counts == {"accepted": 10, "malformed": 1}
        assert process.poll() is None
        wait_for(
            lambda: b"database retries 0" not in (tmp_path / "ingest.txt").read_bytes().rsplit(b"\n", 2)[-2],
            timeout=10,
            what="the progress line to show the retries",
        )
    finally:
        publisher.close()
        process.terminate()
        process.wait(timeout=15)
        out.close()
