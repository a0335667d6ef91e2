"""Demo data: Cesena's Sportello Facile publishes slots; two events in Cesena, one in Sarsina; idempotent."""

import io

from django_tenants.utils import tenant_context

from src.appointments.selectors import desk_slots_by_day, desks_taking_appointments
from src.desks.demo import load_desks
from src.events.demo import load_events
from src.events.models import Event
from src.hubs.demo import load_hubs
from tenants.union.demo import demo_loaders
from tests.conftest import host_client, page_text


def _load(comuni):
    for loader in (load_hubs, load_desks, load_events):
        loader(comuni=comuni, stdout=io.StringIO())


def test_demo_has_appointment_slots_and_events(cesena, sarsina):
    assert load_events in demo_loaders()
    _load([cesena, sarsina])
    _load([cesena, sarsina])  # twice: nothing doubles
    with tenant_context(cesena):
        titles = sorted(Event.objects.values_list("title", flat=True))
        desk = next(d for d in desks_taking_appointments() if d.name == "Sportello Facile")
        from django.utils import timezone

        slots = desk_slots_by_day(desk=desk, first_day=timezone.localdate(), days=8)
        assert sum(len(s) for s in slots.values()) > 0
    assert titles == ["Caffè digitale di comunità", "Corso di competenze digitali: SPID, CIE e servizi pubblici online"]
    with tenant_context(sarsina):
        assert Event.objects.count() == 1
    assert "Corso di competenze digitali" in page_text(host_client("cesena.localhost").get("/eventi/"))
    assert "Laboratorio: risparmiare energia" not in page_text(host_client("cesena.localhost").get("/eventi/"))
