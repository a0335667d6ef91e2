"""Sensors against the machine's real Mosquitto broker (MQTT_URL, default 127.0.0.1:1883).

Each test's hubs get a slug of their own, and its ingestor subscribes to that slug's topics
only (`+/<slug>/+/+`), so another run publishing on the same broker cannot disturb it. The
ingestor's batches are stored on the test's own thread and connection, inside the test's
transaction (rolled back after it); paho's network thread only queues what arrives.
"""

import json
import socket
import uuid
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import tenant_context

from src.sensors.ingest import Ingestor
from src.sensors.models import Kind
from src.sensors.services import sensor_register
from tests.hubs.factories import make_hub, make_space


def _broker_answers(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 1883), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def broker_url():
    url = settings.MQTT_URL
    if not _broker_answers(url):
        pytest.skip(f"No MQTT broker answers at {url} (set MQTT_URL, or start Mosquitto): the sensor tests need one.")
    return url


class Publisher:
    def __init__(self, url: str):
        import paho.mqtt.client as mqtt

        parsed = urlparse(url)
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"test-pub-{uuid.uuid4().hex[:8]}")
        self.client.connect(parsed.hostname or "127.0.0.1", parsed.port or 1883)
        self.client.loop_start()
        self.sent = 0

    def raw(self, topic: str, payload: bytes | str) -> None:
        info = self.client.publish(topic, payload, qos=1)
        info.wait_for_publish(timeout=5)
        self.sent += 1

    def reading(self, topic: str, *, value, at, seq: int, unit: str = "ppm") -> None:
        self.raw(topic, json.dumps({"value": value, "unit": unit, "time": at.isoformat(), "seq": seq}))

    def close(self):
        self.client.loop_stop()
        self.client.disconnect()


@pytest.fixture
def publisher(broker_url):
    pub = Publisher(broker_url)
    yield pub
    pub.close()


@dataclass
class AirHub:
    slug: str
    hub: object
    space: object
    co2: object
    temperature: object
    humidity: object
    people: object
    topics: dict

    def topic(self, kind: str) -> str:
        return self.topics[kind]


def build_air_hub(municipality, slug: str, *, prefix: str) -> AirHub:
    with tenant_context(municipality):
        hub = make_hub(slug=slug, name=f"Hub {municipality.name}")
        space = make_space(hub, "Sala coworking", seats=6)
        made = {
            kind: sensor_register(
                space=space, kind=kind, device_id=f"{prefix}-{kind}-{slug}", comune_slug=municipality.slug
            )
            for kind in (Kind.CO2, Kind.TEMPERATURE, Kind.HUMIDITY, Kind.PEOPLE)
        }
    return AirHub(
        slug=slug,
        hub=hub,
        space=space,
        co2=made[Kind.CO2].sensor,
        temperature=made[Kind.TEMPERATURE].sensor,
        humidity=made[Kind.HUMIDITY].sensor,
        people=made[Kind.PEOPLE].sensor,
        topics={kind: r.topic for kind, r in made.items()},
    )


@pytest.fixture
def hub_slug():
    return f"aria-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def cesena_air(cesena, hub_slug):
    return build_air_hub(cesena, hub_slug, prefix="cesena")


@pytest.fixture
def sarsina_air(sarsina, hub_slug):
    return build_air_hub(sarsina, hub_slug, prefix="sarsina")


@pytest.fixture
def ingestor(broker_url, hub_slug):
    ingest = Ingestor(url=broker_url, topic=f"+/{hub_slug}/+/+", batch_size=500, flush_interval=0.2)
    ingest.start()
    yield ingest
    ingest.stop()
    connection.set_schema_to_public()
