"""Property-based fuzzing of a comune's whole API from its own OpenAPI schema (schemathesis):
whatever the input, anonymous or signed in, the answer is never a server error.

Bounded for CI: a few examples per operation, derandomised so a failure reproduces.
The app runs in-process (WSGI) in the test's transaction, against a comune with a hub,
seats, a desk and an event, so the generated ids sometimes hit real rows.
"""

from contextlib import contextmanager
from datetime import timedelta

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, connection
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, given, settings

from src.desks.models import ServiceDesk
from src.events.models import Event
from tests.bookings.conftest import build_hub

HOST = "cesena.localhost"
FUZZ = settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def comune_api(cesena):
    connection.set_tenant(cesena)
    hub = build_hub("fuzz", seats=3)
    ServiceDesk.objects.create(hub=hub, kind="sportello_facile", name="Sportello", takes_appointments=True)
    start = timezone.now() + timedelta(days=2)
    Event.objects.create(hub=hub, title="Corso", starts_at=start, ends_at=start + timedelta(hours=2), capacity=10)
    connection.set_schema_to_public()
    with connection_kept():
        return schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler(), headers={"Host": HOST})


@contextmanager
def connection_kept():
    """Django's test client keeps the test's connection open across requests; a bare WSGI call
    would close it at the end of each request (and the test's transaction with it)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def signed_in(citizen):
    """Session and CSRF cookies of a signed-in citizen, and the CSRF header DRF asks for."""
    client = Client(HTTP_HOST=HOST)
    client.force_login(citizen)
    csrf = get_random_string(32)  # an unmasked secret is a valid token for both cookie and header
    cookies = {
        django_settings.SESSION_COOKIE_NAME: client.cookies[django_settings.SESSION_COOKIE_NAME].value,
        "csrftoken": csrf,
    }
    return cookies, {"X-CSRFToken": csrf}


def _fuzz(schema, **call) -> list[str]:
    """Every operation of `schema`, a few generated requests each; the server errors found."""
    errors: list[str] = []
    with connection_kept():
        for result in schema.get_all_operations():
            _fuzz_operation(result.ok(), errors, call)
    return errors


def _fuzz_operation(operation, errors: list[str], call: dict) -> None:
    @given(case=operation.as_strategy())
    @FUZZ
    def run(case):
        response = case.call(**call)
        if response.status_code >= 500:
            errors.append(f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:200]}")

    run()


# One test per audience rather than schemathesis' pytest parametrisation: its lazy
# fixture loader does not run on this pytest.
def test_anonymous_requests_never_get_a_server_error(comune_api):
    assert _fuzz(comune_api, headers={"Host": HOST}) == []


def test_signed_in_requests_never_get_a_server_error(comune_api, signed_in):
    cookies, headers = signed_in
    assert _fuzz(comune_api, headers={"Host": HOST, **headers}, cookies=cookies) == []
