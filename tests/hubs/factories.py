"""Small builders for catalogue rows; call them inside `tenant_context(comune)`."""

from datetime import time

from src.hubs.models import Hub, Layout, OpeningHours, Seat, Space


def make_hub(slug="hub-prova", name="Hub di prova", *, published=True, hours=None, **fields) -> Hub:
    """A hub; `hours` maps weekday -> [(opens, closes)] as "HH:MM" strings."""
    hub = Hub.objects.create(
        slug=slug, name=name, address="Via Roma 1", town="Cesena", is_published=published, **fields
    )
    for weekday, ranges in (hours or {}).items():
        for opens, closes in ranges:
            OpeningHours.objects.create(
                hub=hub, weekday=weekday, opens=time.fromisoformat(opens), closes=time.fromisoformat(closes)
            )
    return hub


def make_space(hub, name="Sala coworking", *, seats=0, kind=Space.Kind.COWORKING, **fields) -> Space:
    space = Space.objects.create(hub=hub, name=name, kind=kind, capacity=max(seats, 1), **fields)
    for n in range(1, seats + 1):
        Seat.objects.create(space=space, label=f"P{n}")
    return space


def make_layout(space, name, seats=(), *, whole_room_only=False) -> Layout:
    layout = Layout.objects.create(space=space, name=name, whole_room_only=whole_room_only)
    layout.seats.set(seats)
    return layout
