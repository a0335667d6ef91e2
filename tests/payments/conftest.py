"""Payments against local fakes of the providers, with the real clients on our side: the real
`stripe` SDK pointed at `fakes/stripe_server.py`, real HTTP (requests) to the pagoPA fake built
from the specifications (`fakes/pagopa_server.py`). Real PostgreSQL, real schemas.

A hub in Cesena with a price list: coworking seats by the half day (6 €) and day (10 €) to the
Comune di Cesena through pagoPA (residents free, under 35 reduced), the meeting room by the
hour (15 €) by card to the cooperative's Connect account; a carnet and a membership for sale.
"""

import json
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from src.hubs.models import Space
from src.payments.models import Category, Creditor, Price, PriceReduction, Product
from tests.bookings.conftest import at, build_hub
from tests.fixtures import UserFactory
from tests.payments.fakes.pagopa_server import CHECKOUT_KEY, GPD_KEY, FakePagoPA
from tests.payments.fakes.stripe_server import CONNECT_WEBHOOK_SECRET, SECRET_KEY, WEBHOOK_SECRET, FakeStripe

COOPERATIVE_ACCOUNT = "acct_1CoopCesena0001"
OTHER_ACCOUNT = "acct_1CoopSarsina0002"
CESENA_FISCAL_CODE = "00143280402"


@pytest.fixture(scope="session")
def fake_stripe():
    server = FakeStripe().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def fake_pagopa():
    server = FakePagoPA().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def providers(settings, monkeypatch, fake_stripe, fake_pagopa):
    """Every payments test talks to the fakes, from a clean slate."""
    fake_stripe.reset()
    fake_pagopa.reset()
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_API_BASE = fake_stripe.url
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_CONNECT_WEBHOOK_SECRET = CONNECT_WEBHOOK_SECRET
    settings.PAGOPA_GPD_URL = fake_pagopa.gpd_url()
    settings.PAGOPA_GPD_PAYMENTS_URL = fake_pagopa.payments_url()
    settings.PAGOPA_CHECKOUT_URL = fake_pagopa.checkout_url()
    monkeypatch.setenv("PAGOPA_CESENA_GPD_KEY", GPD_KEY)
    monkeypatch.setenv("PAGOPA_CESENA_CHECKOUT_KEY", CHECKOUT_KEY)
    yield
    # Whatever a test did, nothing it sent may be off the pagoPA specification.
    assert fake_pagopa.violations == []


@pytest.fixture
def in_cesena(cesena):
    connection.set_tenant(cesena)
    yield cesena
    connection.set_schema_to_public()


def price_list(hub) -> dict:
    comune = Creditor.objects.create(
        name="Comune di Cesena",
        kind=Creditor.Kind.PAGOPA,
        fiscal_code=CESENA_FISCAL_CODE,
        iban="IT60X0542811101000000123456",
        segregation_code="01",
        station_id="00143280402_01",
        key_name="CESENA",
    )
    cooperative = Creditor.objects.create(
        name="Cooperativa Valle del Savio", kind=Creditor.Kind.CARD, stripe_account_id=COOPERATIVE_ACCOUNT
    )
    cowork = Space.Kind.COWORKING
    half = Price.objects.create(creditor=comune, hub=hub, space_kind=cowork, product=Product.HALF_DAY, amount_cents=600)
    day = Price.objects.create(creditor=comune, hub=hub, space_kind=cowork, product=Product.DAY, amount_cents=1000)
    PriceReduction.objects.create(price=day, category=Category.RESIDENT, amount_cents=0)
    PriceReduction.objects.create(price=half, category=Category.RESIDENT, amount_cents=0)
    PriceReduction.objects.create(price=day, category=Category.UNDER_35, amount_cents=500)
    room = Price.objects.create(
        creditor=cooperative, hub=hub, space_kind=Space.Kind.MEETING, product=Product.HOURLY, amount_cents=1500
    )
    carnet = Price.objects.create(
        creditor=comune, hub=hub, space_kind=cowork, product=Product.CARNET, amount_cents=4000, entries=5
    )
    monthly = Price.objects.create(
        creditor=comune, hub=hub, space_kind=cowork, product=Product.MONTHLY, amount_cents=9000
    )
    return {
        "comune": comune,
        "cooperative": cooperative,
        "half": half,
        "day": day,
        "room": room,
        "carnet": carnet,
        "monthly": monthly,
    }


@pytest.fixture
def hub(in_cesena):
    return build_hub("hub-pagato")


@pytest.fixture
def prices(hub):
    return price_list(hub)


@pytest.fixture
def cowork(hub):
    return hub.spaces.get(name="Coworking")


@pytest.fixture
def meeting(hub):
    return hub.spaces.get(name="Riunioni")


@pytest.fixture
def seats(cowork):
    return list(cowork.seats.order_by("label"))


@pytest.fixture
def day():
    """A day ahead, inside the policy's 14 days."""
    return timezone.localdate() + timedelta(days=3)


@pytest.fixture
def payer(db):
    """A person with a SPID-verified identity (born 1960: no under-35 price), living outside Cesena."""
    return UserFactory(fiscal_code_verified="RSSMRA60A01H199H", fiscal_code_verified_by="spid")


@pytest.fixture
def young_payer(db):
    return UserFactory(fiscal_code_verified="VRDLGU02M41C573E", fiscal_code_verified_by="cie")


def period(day, start="10:00", end="12:00"):
    return (at(day, start), at(day, end))


def stripe_event_post(client, event: dict, *, secret=None, timestamp=None, signature=None):
    """POST an event to the one webhook endpoint, signed with the SDK's scheme (or as given)."""
    from tests.payments.fakes.stripe_server import FakeStripe

    payload = json.dumps(event)
    header = signature if signature is not None else FakeStripe.sign(payload, secret or WEBHOOK_SECRET, timestamp)
    with same_schema():
        return client.post(
            "/pagamenti/stripe/webhook/", data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
        )


@contextmanager
def same_schema():
    """A request on another host leaves the connection on its schema: come back to the test's."""
    tenant = getattr(connection, "tenant", None)
    try:
        yield
    finally:
        if tenant is not None and tenant.schema_name != "public":
            connection.set_tenant(tenant)
