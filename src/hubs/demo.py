"""Demo hubs for `make run`: Cesena's hub as the comune describes it, and a
smaller hub in each other comune. Safe to run again: nothing is duplicated.

Addresses and coordinates are plausible for each town, not surveyed.
"""

from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal

from django.db import transaction
from django_tenants.utils import tenant_context

from src.hubs.models import Hub, Layout, OpeningHours, Seat, SeatPlacement, Space

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
    size: tuple[str, str] | None = None  # width and depth in metres: the plan's outline
    # Named arrangements of the desks, each a list of (x, y, rotation) per seat P1, P2...;
    # the first is the default layout.
    arrangements: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)


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


def _bench(count: int, left: float, top: float) -> list[tuple[str, str, int]]:
    """Desks side by side in two facing rows (a bench): chairs outside, people face each other."""
    half = (count + 1) // 2
    spots = [(f"{left + 1.2 * n:.2f}", f"{top:.2f}", 180) for n in range(half)]
    return spots + [(f"{left + 1.2 * n:.2f}", f"{top + 0.8:.2f}", 0) for n in range(count - half)]


def _islands(count: int, left: float, top: float, gap: float = 1.6) -> list[tuple[str, str, int]]:
    """Islands of four desks (two facing two), `gap` metres apart."""
    spots = []
    for n in range(count):
        island, place = divmod(n, 4)
        x = left + island * (2.4 + gap) + 1.2 * (place % 2)
        spots.append((f"{x:.2f}", f"{top + 0.8 * (place // 2):.2f}", 180 if place < 2 else 0))
    return spots


def _coworking(name: str, seats: int, *, layouts: bool = True, size=None, arrangements=None) -> RoomPlan:
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
        size=size,
        arrangements=arrangements or {},
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
        _coworking(
            "Sala coworking Savio",
            8,
            size=("8.4", "5.6"),
            arrangements={"Postazioni libere: 8 posti": _bench(8, 2.4, 2.4), "Isole da quattro": _islands(8, 1.8, 2.4)},
        ),
        _coworking(
            "Sala coworking Cesuola",
            6,
            size=("6.6", "4.8"),
            # Four desks facing the windows (top wall), two against the opposite wall.
            arrangements={
                "Postazioni libere: 6 posti": [
                    *((f"{1.2 + 1.4 * n:.2f}", "0.90", 0) for n in range(4)),
                    ("2.00", "3.90", 180),
                    ("4.60", "3.90", 180),
                ]
            },
        ),
        RoomPlan(
            name="Sala riunioni",
            kind=Space.Kind.MEETING,
            capacity=10,
            amenities=[A.SCREEN, A.WHITEBOARD, A.WIFI, A.ACCESSIBLE],
            description="Sala per riunioni fino a 10 persone, con schermo e lavagna.",
            size=("6.0", "4.5"),
        ),
        RoomPlan(
            name="Cabina telefonica",
            kind=Space.Kind.PHONE_BOOTH,
            capacity=1,
            amenities=[A.SOUND_ABSORBING_PANELS, A.WIFI],
            description="Cabina insonorizzata per telefonate e videochiamate.",
            size=("1.5", "1.5"),
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
        rooms=[
            _coworking(
                "Sala coworking",
                seats,
                layouts=False,
                size=("6.0", "4.5"),
                arrangements={f"Postazioni libere: {seats} posti": _bench(seats, 1.6, 1.8)},
            )
        ],
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
    if plan.size and space.width_m is None:
        space.width_m, space.depth_m = (Decimal(side) for side in plan.size)
        space.save(update_fields=["width_m", "depth_m"])
    arrangements = plan.arrangements or ({f"Postazioni libere: {len(seats)} posti": []} if plan.layouts else {})
    layouts = [_arrangement_ensure(space, name, seats, spots) for name, spots in arrangements.items()]
    if plan.layouts:
        Layout.objects.get_or_create(space=space, name="Riunione: sala intera", defaults={"whole_room_only": True})
    if layouts and space.default_layout_id is None:
        space.default_layout = layouts[0]
        space.save(update_fields=["default_layout"])
    return space


def _arrangement_ensure(space: Space, name: str, seats: list[Seat], spots) -> Layout:
    """A layout with every seat, each placed on the plan as `spots` says (the first seats first)."""
    layout, created = Layout.objects.get_or_create(space=space, name=name)
    if created:
        layout.seats.set(seats)
        SeatPlacement.objects.bulk_create(
            SeatPlacement(layout=layout, seat=seat, x=Decimal(x), y=Decimal(y), rotation=rotation)
            for seat, (x, y, rotation) in zip(seats, spots)
        )
    return layout


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
