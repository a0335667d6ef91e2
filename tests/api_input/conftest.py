"""Bad input anyone can send: a hub with spaces and a desk in Cesena, an anonymous and a signed-in client."""

import json

import pytest
from django.db import connection

from tests.appointments.conftest import make_desk
from tests.bookings.conftest import build_hub
from tests.conftest import host_client


@pytest.fixture
def place(cesena):
    """A published hub (coworking with four seats, a meeting room) and a desk taking appointments."""
    connection.set_tenant(cesena)
    hub = build_hub("input")
    made = {"hub": hub, "space": hub.spaces.get(name="Coworking"), "desk": make_desk(cesena)}
    connection.set_schema_to_public()
    return made


@pytest.fixture
def anonymous(place):
    return host_client("cesena.localhost")


@pytest.fixture
def signed_in(place, citizen):
    return host_client("cesena.localhost", citizen)


def send(client, path, body, **headers):
    """POST `body` as it is (a str is sent verbatim, anything else as JSON)."""
    raw = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(path, raw, content_type="application/json", **headers)


def refusal(response, status=400) -> str:
    """The error body as text, after checking it is JSON with a message and a code."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"] and body["code"]
    return json.dumps(body, ensure_ascii=False)
