"""Reads about service desks (sportelli)."""

from datetime import date

from django.db.models import Prefetch, QuerySet

from src.common.time import Interval, local_datetime
from src.desks.models import DeskHours, ServiceDesk
from src.hubs.models import Hub
from src.hubs.selectors import hub_open_intervals, intersect_intervals


def desk_open_intervals(desk: ServiceDesk, day: date) -> list[Interval]:
    """The desk's hours on `day`, only while its hub is open: a closure of the hub closes the desk."""
    own = [
        (local_datetime(day, h.opens), local_datetime(day, h.closes))
        for h in desk.hours.all()  # few rows; prefetched by desk_list()
        if h.weekday == day.weekday()
    ]
    if not own:
        return []
    return intersect_intervals(own, hub_open_intervals(desk.hub, day))


def desk_list(hub: Hub | None = None, *, published_only: bool = True) -> QuerySet[ServiceDesk]:
    desks = ServiceDesk.objects.select_related("hub").prefetch_related(
        Prefetch("hours", queryset=DeskHours.objects.order_by("weekday", "opens")),
        "hub__opening_hours",
    )
    if hub is not None:
        desks = desks.filter(hub=hub)
    if published_only:
        desks = desks.filter(hub__is_published=True)
    return desks.order_by("hub__name", "name")


def hub_desks_prefetch() -> Prefetch:
    """A hub's desks with their hours, for `hub_list(prefetch=...)`: no query per desk."""
    return Prefetch(
        "desks",
        queryset=ServiceDesk.objects.order_by("name").prefetch_related(
            Prefetch("hours", queryset=DeskHours.objects.order_by("weekday", "opens"))
        ),
    )
