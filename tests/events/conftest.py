from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from src.events.models import Event
from src.hubs.models import Hub


def make_event(
    municipality, *, capacity=2, title="Corso di competenze digitali: SPID, CIE e servizi pubblici online", **fields
):
    connection.set_tenant(municipality)
    hub, _ = Hub.objects.get_or_create(
        slug=f"hub-{municipality.slug}",
        defaults=dict(
            name=f"Hub di {municipality.name}", address="Piazza 1", town=municipality.name, is_published=True
        ),
    )
    starts = timezone.now() + timedelta(days=3)
    return Event.objects.create(
        hub=hub,
        title=title,
        kind=Event.Kind.COURSE,
        capacity=capacity,
        starts_at=fields.pop("starts_at", starts),
        ends_at=fields.pop("ends_at", starts + timedelta(hours=2)),
        **fields,
    )


@pytest.fixture
def cesena_event(cesena):
    return make_event(cesena)


@pytest.fixture
def sarsina_event(sarsina):
    event = make_event(sarsina, title="Serata di comunità a Sarsina", capacity=10)
    connection.set_schema_to_public()
    return event
