"""Test set-up: a real PostgreSQL, real schemas.

Two comuni (Cesena and Sarsina) are created once per test session, not per
class; each test runs in a transaction that is rolled back. Tests that need
committed data seen by another connection (browser tests, races) use the
`committed` fixtures and a comune of their own.
"""

import html
import re

import pytest
from django.db import connection
from django.test import Client

from tenants.comuni.services import UNION_COMUNI, municipality_create

pytest_plugins = ["tests.fixtures"]


def pytest_configure(config):
    from django.conf import settings

    # The real hasher costs ~0.3 s per person created; tests create many.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # WhiteNoise warns on every request when collectstatic has never run (a fresh clone).
    settings.STATIC_ROOT.mkdir(exist_ok=True)
    # A REDIS_URL in the environment must not make every test send Celery tasks to it;
    # tests/tasks/ turns this on against its own worker.
    settings.OUTBOX_CELERY = False
    # Uploaded files (hub photos) go to a throw-away folder, served by Django (the browser tests see them).
    import atexit
    import shutil
    import tempfile
    from pathlib import Path

    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="hub-media-"))
    atexit.register(shutil.rmtree, settings.MEDIA_ROOT, ignore_errors=True)
    settings.SERVE_MEDIA = True


def _comune(slug):
    data = next(c for c in UNION_COMUNI if c["slug"] == slug)
    return municipality_create(**data).municipality


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _comune("cesena")
        _comune("sarsina")
        connection.set_schema_to_public()


@pytest.fixture
def cesena(db):
    from tenants.comuni.models import Municipality

    return Municipality.objects.get(slug="cesena")


@pytest.fixture
def sarsina(db):
    from tenants.comuni.models import Municipality

    return Municipality.objects.get(slug="sarsina")


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached catalogue and policy must not outlive the test transaction that made them,
    # nor one test's request rates and daily quotas reach the next.
    from django.core.cache import caches

    caches["default"].clear()
    caches["throttle"].clear()


@pytest.fixture(autouse=True)
def _back_to_public():
    yield
    connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _italian_first():
    # A request in English leaves English active in the thread; each test starts in Italian.
    from django.utils import translation

    translation.activate("it")
    yield
    translation.activate("it")


def page_text(response) -> str:
    """The page's text as a person reads it: no tags, entities decoded, spaces folded."""
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(text))


def drain_outbox(municipality=None) -> int:
    """Send what the outbox holds, as the drain does outside the request: the due messages of
    `municipality` (else of the current comune). Returns how many were sent."""
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from src.outbox.services import outbox_drain

    if municipality is None:
        return outbox_drain(now=timezone.now(), limit=1000)
    with tenant_context(municipality):
        return outbox_drain(now=timezone.now(), limit=1000)


def host_client(host: str, user=None) -> Client:
    """A browser on `host`, signed in as `user` if given (staff with their second factor, tests/signin.py)."""
    from tests.signin import sign_in

    client = Client(HTTP_HOST=host)
    if user is not None:
        sign_in(client, user)
    return client


@pytest.fixture
def union_client(db):
    return host_client("localhost")


@pytest.fixture
def cesena_client(cesena):
    return host_client("cesena.localhost")


@pytest.fixture
def sarsina_client(sarsina):
    return host_client("sarsina.localhost")
