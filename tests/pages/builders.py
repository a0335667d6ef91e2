"""Hubs with everything their pages show. Call inside `tenant_context(comune)`.

Shared with tests/browser (the live-server comune is filled with them).
"""

from datetime import time

from src.desks.models import DeskHours, ServiceDesk
from src.hubs.models import Closure, Hub, HubPhoto, OpeningHours, Space

# Open every day, all day: "aperto ora" whatever the time the test runs
# (except the last second before midnight).
ALL_WEEK = {day: [("00:00", "23:59:59")] for day in range(7)}


def _hours(model, owner_field, owner, hours):
    for weekday, ranges in (hours or {}).items():
        for opens, closes in ranges:
            model.objects.create(
                **{owner_field: owner},
                weekday=weekday,
                opens=time.fromisoformat(opens),
                closes=time.fromisoformat(closes),
            )


def build_hub(slug, name, *, town, published=True, hours=None, **fields) -> Hub:
    fields.setdefault("address", "Piazza del Popolo 1")
    hub = Hub.objects.create(slug=slug, name=name, town=town, is_published=published, **fields)
    _hours(OpeningHours, "hub", hub, hours)
    return hub


def add_desk(
    hub, name="Sportello Facile", *, kind=ServiceDesk.Kind.SPORTELLO_FACILE, hours=None, **fields
) -> ServiceDesk:
    desk = ServiceDesk.objects.create(hub=hub, kind=kind, name=name, **fields)
    _hours(DeskHours, "desk", desk, hours)
    return desk


def add_space(hub, name="Sala coworking", *, kind=Space.Kind.COWORKING, capacity=8, **fields) -> Space:
    return Space.objects.create(hub=hub, name=name, kind=kind, capacity=capacity, **fields)


def add_photo(hub, alt_text, image="site/img/hub-esempio.svg", order=0) -> HubPhoto:
    return HubPhoto.objects.create(hub=hub, image=image, alt_text=alt_text, order=order)


def add_closure(hub, starts_on, ends_on=None, reason="") -> Closure:
    return Closure.objects.create(hub=hub, starts_on=starts_on, ends_on=ends_on or starts_on, reason=reason)
