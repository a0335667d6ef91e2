"""Many people racing for the last places: the event row lock lets exactly `capacity` in.

Threads use their own database connections, which see only committed data, so
this test commits its rows (in Cesena's schema) and deletes them afterwards.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from src.events.models import Event, EventRegistration, RegistrationTransition
from src.events.services import event_register
from src.hubs.models import Hub
from src.outbox.models import OutboxMessage
from tenants.identity.models import User
from tests.events.threads import in_thread

RACERS = 8
CAPACITY = 3


@pytest.fixture
def committed_event(cesena):
    def create():
        connection.set_tenant(cesena)
        hub = Hub.objects.create(name="Hub gara", slug="hub-gara", address="Via 1", town="Cesena", is_published=True)
        starts = timezone.now() + timedelta(days=2)
        event = Event.objects.create(
            hub=hub, title="Ultimi posti", capacity=CAPACITY, starts_at=starts, ends_at=starts + timedelta(hours=1)
        )
        connection.set_schema_to_public()
        people = [User.objects.create_user(email=f"gara{n}@example.org") for n in range(RACERS)]
        return event, people

    event, people = in_thread(create)
    yield event, people

    def clean():
        connection.set_tenant(cesena)
        # Their e-mails, committed too, must not wait in Cesena's outbox for the rolled-back tests.
        registrations = EventRegistration.objects.filter(event=event).values_list("pk", flat=True)
        OutboxMessage.objects.filter(kind__startswith="events.", obj_id__in=list(registrations)).delete()
        RegistrationTransition.objects.filter(registration__event=event).delete()
        EventRegistration.objects.filter(event=event).delete()
        Event.objects.filter(pk=event.pk).delete()
        Hub.objects.filter(pk=event.hub_id).delete()
        connection.set_schema_to_public()
        with connection.cursor() as cursor:  # raw: the ORM's cascade would look for tenant tables in public
            cursor.execute("DELETE FROM identity_user WHERE email LIKE 'gara%%@example.org'")

    in_thread(clean)


def test_racing_registrations_never_exceed_capacity(cesena, committed_event):
    event, people = committed_event
    start = threading.Barrier(RACERS)
    states, errors = [], []

    def racer(person):
        try:
            connection.set_tenant(cesena)
            start.wait()
            states.append(event_register(event=event, person=person).state)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=racer, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(states) == ["registered"] * CAPACITY + ["waitlisted"] * (RACERS - CAPACITY)

    def count():
        connection.set_tenant(cesena)
        return EventRegistration.objects.filter(event=event, state="registered").count()

    assert in_thread(count) == CAPACITY
