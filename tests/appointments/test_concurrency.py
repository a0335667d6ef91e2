"""Several people booking the same desk slot at once: one wins, the others get a clear refusal.

Threads use their own connections, which see only committed rows: the desk is
committed in Cesena's schema and deleted afterwards.
"""

import threading
from datetime import datetime, time, timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from src.appointments.models import Appointment, AppointmentTransition
from src.appointments.services import appointment_book
from src.common.errors import Conflict
from src.desks.models import ServiceDesk
from src.hubs.models import Hub
from src.outbox.models import OutboxMessage
from tests.appointments.conftest import make_desk
from tests.events.threads import in_thread

RACERS = 6


@pytest.fixture
def committed_desk(cesena):
    desk = in_thread(lambda: make_desk(cesena, name="Sportello Gara"))
    yield desk

    def clean():
        connection.set_tenant(cesena)
        # The winner's e-mail, committed too, must not wait in Cesena's outbox for the rolled-back tests.
        appointments = Appointment.objects.filter(desk=desk).values_list("pk", flat=True)
        OutboxMessage.objects.filter(kind__startswith="appointments.", obj_id__in=list(appointments)).delete()
        AppointmentTransition.objects.filter(appointment__desk=desk).delete()
        Appointment.objects.filter(desk=desk).delete()
        ServiceDesk.objects.filter(pk=desk.pk).delete()
        Hub.objects.filter(pk=desk.hub_id).delete()

    in_thread(clean)


def test_one_slot_many_racers_exactly_one_wins(cesena, committed_desk):
    day = timezone.localdate() + timedelta(days=2)
    start = datetime.combine(day, time(9), tzinfo=timezone.get_default_timezone())
    barrier = threading.Barrier(RACERS)
    won, refused, errors = [], [], []

    def racer(n):
        try:
            connection.set_tenant(cesena)
            barrier.wait()
            appointment_book(
                desk=committed_desk, start=start, topic="x", applicant_name=f"P{n}", email=f"p{n}@example.org"
            )
            won.append(n)
        except Conflict as error:
            assert error.code == "slot_unavailable"
            refused.append(str(error))
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=racer, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(won) == 1 and len(refused) == RACERS - 1
    assert all("non è più disponibile" in message for message in refused)
