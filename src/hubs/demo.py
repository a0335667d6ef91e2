"""Demo hubs for `make run`: Cesena's hub as the comune describes it, and a
smaller hub in each other comune. Safe to run again: nothing is duplicated.

Addresses and coordinates are plausible for each town, not surveyed.
"""

from dataclasses import dataclass, field
from datetime import date, time

from django.db import transaction
from django_tenants.utils import tenant_context

from src.hubs.models import Hub, Layout, OpeningHours, Seat, Space

A = Space.Amenity


@dataclass
class RoomPlan:
    name: str
    kind: str
    capacity: int
    amenities: list[str]
    description: str
    seats: int = 0  # bookable desks; 0 for rooms booked whole
    layouts: bool = False  # open desks vs whole-room meeting, by moving the furniture
    bookable_whole: bool = True


@dataclass
class HubPlan:
    slug: str
    name: str
    address: str
    postal_code: str
    town: str
    latitude: str
    longitude: str
    description: str
    accessibility_notes: str
    hours: dict[int, list[tuple[time, time]]]
    rooms: list[RoomPlan] = field(default_factory=list)
    opened_on: date | None = None
    phone: str = ""
    email: str = ""


def _hours(weekdays, *ranges) -> dict[int, list[tuple[time, time]]]:
    return {day: [(time(*a), time(*b)) for a, b in ranges] for day in weekdays}


def _coworking(name: str, seats: int, *, layouts: bool = True) -> RoomPlan:
    return RoomPlan(
        name=name,
        kind=Space.Kind.COWORKING,
        capacity=seats,
        amenities=[A.SOUND_ABSORBING_PANELS, A.MOVABLE_FURNITURE, A.WIFI, A.POWER_AT_EVERY_DESK, A.ACCESSIBLE],
        description=(
            "Sala con pannelli fonoassorbenti e arredi mobili: si allestisce a postazioni libere "
            "o come sala riunioni per gruppi e imprese."
        ),
        seats=seats,
        layouts=layouts,
    )


CESENA = HubPlan(
    slug="hub-cesena",
    name="Hub di comunità di Cesena",
    address="Piazza Aldo Moro 1",
    postal_code="47521",
    town="Cesena",
    latitude="44.139000",
    longitude="12.246000",
    opened_on=date(2022, 1, 8),
    phone="0547 356111",
    email="hub@comune.cesena.fc.it",
    description=(
        "Spazio pubblico multiservizio aperto dal martedì alla domenica: coworking, un punto della "
        "rete bibliotecaria cittadina, lo Sportello Facile, lo Sportello di Comunità e lo Sportello Energia."
    ),
    accessibility_notes="Ingresso senza gradini, ascensore, servizi igienici accessibili.",
    hours={**_hours(range(1, 6), ((9, 0), (19, 0))), **_hours([6], ((9, 0), (13, 0)))},
    rooms=[
        _coworking("Sala coworking Savio", 8),
        _coworking("Sala coworking Cesuola", 6),
        RoomPlan(
            name="Sala riunioni",
            kind=Space.Kind.MEETING,
            capacity=10,
            amenities=[A.SCREEN, A.WHITEBOARD, A.WIFI, A.ACCESSIBLE],
            description="Sala per riunioni fino a 10 persone, con schermo e lavagna.",
        ),
        RoomPlan(
            name="Cabina telefonica",
            kind=Space.Kind.PHONE_BOOTH,
            capacity=1,
            amenities=[A.SOUND_ABSORBING_PANELS, A.WIFI],
            description="Cabina insonorizzata per telefonate e videochiamate.",
        ),
    ],
)

SMALL_HUBS = {
    "bagno-di-romagna": ("San Piero in Bagno", "Via Verdi 4", "47021", "43.857000", "11.976000"),
    "mercato-saraceno": ("Mercato Saraceno", "Piazza Mazzini 9", "47025", "43.963000", "12.197000"),
    "montiano": ("Montiano", "Piazza Maggiore 3", "47020", "44.081000", "12.304000"),
    "sarsina": ("Sarsina", "Largo De Gasperi 2", "47027", "43.919000", "12.142000"),
    "verghereto": ("Verghereto", "Via Caduti d'Ungheria 5", "47028", "43.794000", "12.006000"),
}


def small_hub_plan(slug: str, comune_name: str) -> HubPlan | None:
    if slug not in SMALL_HUBS:
        return None
    town, address, postal_code, latitude, longitude = SMALL_HUBS[slug]
    seats = 4 + len(slug) % 3  # 4 to 6 seats, varying by comune
    return HubPlan(
        slug=f"hub-{slug}",
        name=f"Hub di comunità di {comune_name}",
        address=address,
        postal_code=postal_code,
        town=town,
        latitude=latitude,
        longitude=longitude,
        description="Sala coworking e sportelli del comune, parte della rete degli hub della Valle del Savio.",
        accessibility_notes="Ingresso al piano terra, senza gradini.",
        # Split hours on Thursday: morning and afternoon.
        hours={**_hours(range(1, 6), ((9, 0), (13, 0))), **_hours([3], ((9, 0), (13, 0)), ((15, 0), (18, 0)))},
        rooms=[_coworking("Sala coworking", seats, layouts=False)],
    )


def plan_for(municipality) -> HubPlan | None:
    if municipality.slug == "cesena":
        return CESENA
    return small_hub_plan(municipality.slug, municipality.name)


def _room_ensure(hub: Hub, plan: RoomPlan) -> Space:
    space, _ = Space.objects.get_or_create(
        hub=hub,
        name=plan.name,
        defaults={
            "kind": plan.kind,
            "capacity": plan.capacity,
            "amenities": list(plan.amenities),
            "bookable_whole": plan.bookable_whole,
            "description": plan.description,
        },
    )
    seats = [Seat.objects.get_or_create(space=space, label=f"P{n}")[0] for n in range(1, plan.seats + 1)]
    if plan.layouts:
        desks, _ = Layout.objects.get_or_create(space=space, name=f"Postazioni libere: {len(seats)} posti")
        desks.seats.set(seats)
        Layout.objects.get_or_create(space=space, name="Riunione: sala intera", defaults={"whole_room_only": True})
        if space.default_layout_id is None:
            space.default_layout = desks
            space.save(update_fields=["default_layout"])
    return space


@transaction.atomic
def hub_ensure(plan: HubPlan) -> tuple[Hub, bool]:
    hub, created = Hub.objects.get_or_create(
        slug=plan.slug,
        defaults={
            "name": plan.name,
            "address": plan.address,
            "postal_code": plan.postal_code,
            "town": plan.town,
            "latitude": plan.latitude,
            "longitude": plan.longitude,
            "description": plan.description,
            "accessibility_notes": plan.accessibility_notes,
            "phone": plan.phone,
            "email": plan.email,
            "opened_on": plan.opened_on,
            "is_published": True,
        },
    )
    if not hub.opening_hours.exists():
        OpeningHours.objects.bulk_create(
            OpeningHours(hub=hub, weekday=day, opens=opens, closes=closes)
            for day, ranges in plan.hours.items()
            for opens, closes in ranges
        )
    for room in plan.rooms:
        _room_ensure(hub, room)
    return hub, created


def load_hubs(comuni, stdout) -> None:
    for municipality in comuni:
        plan = plan_for(municipality)
        if plan is None:
            continue
        with tenant_context(municipality):
            hub, created = hub_ensure(plan)
            rooms = hub.spaces.count()
        state = "created" if created else "already there"
        stdout.write(f"  {municipality.name}: {hub.name} ({rooms} rooms) {state}")


def demo_operator_assign(*, municipality, user) -> str | None:
    """Make `user` an operator of the comune's demo hub (the front desk, desk agendas, event
    attendance there). Returns the hub's name, or None when the comune has no demo hub."""
    from src.hubs.models import HubOperator

    plan = plan_for(municipality)
    if plan is None:
        return None
    with tenant_context(municipality):
        hub = Hub.objects.filter(slug=plan.slug).first()
        if hub is None:
            return None
        HubOperator.objects.get_or_create(hub=hub, user=user)
        return hub.name
