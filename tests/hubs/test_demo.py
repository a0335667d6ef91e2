"""Demo data for `make run`: Cesena's hub as described by the comune, a small hub elsewhere; idempotent."""

import io
from datetime import date, time

from django_tenants.utils import tenant_context

from src.desks.demo import load_desks
from src.desks.models import DeskHours, ServiceDesk
from src.hubs.demo import load_hubs
from src.hubs.models import Hub, Layout, OpeningHours, Seat, Space
from src.hubs.selectors import hub_open_intervals, seats_on
from tenants.union.demo import demo_loaders

MODELS = (Hub, Space, Seat, Layout, OpeningHours, ServiceDesk, DeskHours)


def load(comuni) -> str:
    out = io.StringIO()
    for loader in (load_hubs, load_desks):
        loader(comuni=comuni, stdout=out)
    return out.getvalue()


def counts(municipality):
    with tenant_context(municipality):
        return {model.__name__: model.objects.count() for model in MODELS}


def test_loaders_are_part_of_make_run():
    loaders = demo_loaders()
    assert loaders.index(load_hubs) < loaders.index(load_desks)


def test_demo_is_loaded_once_and_only_once(cesena, sarsina):
    output = load([cesena, sarsina])
    assert "Cesena" in output and "Sarsina" in output
    first = counts(cesena), counts(sarsina)
    assert load([cesena, sarsina])
    assert (counts(cesena), counts(sarsina)) == first


def test_cesena_hub_as_the_comune_describes_it(cesena):
    load([cesena])
    with tenant_context(cesena):
        hub = Hub.objects.get(name="Hub di comunità di Cesena")
        assert hub.opened_on == date(2022, 1, 8) and hub.is_published
        assert abs(float(hub.latitude) - 44.139) < 0.05 and abs(float(hub.longitude) - 12.246) < 0.05
        assert hub_open_intervals(hub, date(2026, 6, 8)) == []  # Monday: closed
        sunday = hub_open_intervals(hub, date(2026, 6, 14))
        assert [(s.time(), e.time()) for s, e in sunday] == [(time(9), time(13))]
        assert all(hub_open_intervals(hub, date(2026, 6, d)) for d in range(9, 14))  # Tuesday to Saturday

        coworking = hub.spaces.filter(kind=Space.Kind.COWORKING)
        assert coworking.count() >= 2
        for room in coworking:
            assert {"sound_absorbing_panels", "movable_furniture"} <= set(room.amenities)
            assert {layout.whole_room_only for layout in room.layouts.all()} == {False, True}
            assert len(seats_on(room, date(2026, 6, 9))) == room.seats.count()
        kinds = set(hub.spaces.values_list("kind", flat=True))
        assert {"meeting", "phone_booth"} <= kinds
        assert set(hub.desks.values_list("kind", flat=True)) == {
            "biblioteca",
            "sportello_facile",
            "comunita",
            "energia",
        }


def test_smaller_hub_in_sarsina(sarsina):
    load([sarsina])
    with tenant_context(sarsina):
        hub = Hub.objects.get()
        assert "Sarsina" in hub.name and 43.8 < float(hub.latitude) < 44.0
        room = hub.spaces.get(kind=Space.Kind.COWORKING)
        assert 4 <= room.seats.count() <= 6
        assert 1 <= hub.desks.count() <= 2
