"""Staff page: people counted by the sensors beside the seats booked, per space, right now.

More bookings in progress than people in the room points at ghost bookings (booked, not
come); the front desk can then mark the no-shows and free the seats. Operators of the hub
and the comune's administrators only (the same gate as the front desk)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from src.bookings.selectors import hub_booked_now
from src.hubs.models import Hub
from src.hubs.permissions import can_operate_hub
from src.sensors.selectors import ingest_counters, people_counted


def space_occupancy(hub: Hub, *, now=None) -> list[dict]:
    now = now or timezone.now()
    counted = people_counted(hub, now=now)
    booked = hub_booked_now(hub, now=now)
    rows = []
    for space in hub.spaces.order_by("name"):
        people = counted.get(space.pk)
        entry = booked.get(space.pk)
        seats_booked = entry.booked if entry else 0
        rows.append(
            {
                "space": space,
                "people": people,
                "booked": seats_booked,
                "checked_in": entry.checked_in if entry else 0,
                "ghosts": max(seats_booked - people, 0) if people is not None else None,
            }
        )
    return rows


@login_required
def occupancy(request, hub_slug):
    hub = get_object_or_404(Hub, slug=hub_slug)
    if not can_operate_hub(request.user, request.municipality, hub):
        raise PermissionDenied(_("Non sei tra gli operatori di questo hub."))
    return render(
        request,
        "portal/occupancy.html",
        {
            "hub": hub,
            "rows": space_occupancy(hub),
            "counters": ingest_counters(),
            "breadcrumbs": [
                (_("Home"), "/"),
                (_("Accoglienza"), reverse("bookings:front_desk", args=[hub.slug])),
                (_("Persone presenti e prenotazioni"), None),
            ],
        },
    )
