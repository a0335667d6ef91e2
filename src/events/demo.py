"""Demo events for `make run`: two in Cesena (one the digital-skills course), one in Sarsina. Safe to run again."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from src.common.occupancy import SpaceOccupied
from src.events.models import Event
from src.hubs.models import Hub, Space

# comune, title, kind, description, weekday, starts, hours, capacity, room kind
PLANS = [
    (
        "cesena",
        "Corso di competenze digitali: SPID, CIE e servizi pubblici online",
        Event.Kind.COURSE,
        "Un pomeriggio per imparare ad attivare e usare SPID e la Carta d'Identità Elettronica, "
        "pagare con pagoPA e usare l'app IO. Porta il tuo telefono e un documento d'identità.",
        2,  # Wednesday
        time(15, 0),
        2,
        12,
        Space.Kind.MEETING,
    ),
    (
        "cesena",
        "Caffè digitale di comunità",
        Event.Kind.COMMUNITY,
        "Incontro informale: volontari e operatori rispondono alle domande su telefono, computer e servizi online.",
        5,  # Saturday
        time(10, 0),
        2,
        20,
        None,
    ),
    (
        "sarsina",
        "Laboratorio: risparmiare energia in casa",
        Event.Kind.WORKSHOP,
        "Come leggere la bolletta, ridurre i consumi e chiedere i bonus per famiglie e imprese.",
        3,  # Thursday
        time(17, 30),
        2,
        15,
        None,
    ),
]


def _next(weekday: int, at: time) -> datetime:
    today = timezone.localdate()
    days = (weekday - today.weekday()) % 7 or 7
    return datetime.combine(today + timedelta(days=days), at, tzinfo=timezone.get_default_timezone())


def _ensure(hub: Hub, plan) -> bool:
    try:
        return _ensure_in(hub, plan, room=True)
    except SpaceOccupied:
        # Someone booked the room at that time (a demo in use): the event goes on without it.
        return _ensure_in(hub, plan, room=False)


@transaction.atomic
def _ensure_in(hub: Hub, plan, *, room: bool) -> bool:
    _slug, title, kind, description, weekday, at, hours, capacity, room_kind = plan
    starts = _next(weekday, at)
    event, created = Event.objects.get_or_create(
        hub=hub,
        title=title,
        defaults={
            "kind": kind,
            "description": description,
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=hours),
            "capacity": capacity,
            "space": hub.spaces.filter(kind=room_kind).first() if room_kind and room else None,
        },
    )
    if not created and event.ends_at < timezone.now():
        # A demo loaded weeks ago: move the event (and the room it holds) to its next date.
        event.starts_at, event.ends_at = starts, starts + timedelta(hours=hours)
        if not room:
            event.space = None
        event.save(update_fields=["starts_at", "ends_at", "space"])
    return created


def load_events(comuni, stdout) -> None:
    for municipality in comuni:
        plans = [p for p in PLANS if p[0] == municipality.slug]
        if not plans:
            continue
        with tenant_context(municipality):
            hub = Hub.objects.filter(slug=f"hub-{municipality.slug}").first()
            if hub is None:
                continue
            created = sum(_ensure(hub, plan) for plan in plans)
        stdout.write(f"  {municipality.name}: {len(plans)} eventi ({created} new)")
