"""What a hub or a desk looks like today, ready for a page (comune home, hub pages).

Plain values built from the selectors, so templates never call them.
"""

from dataclasses import dataclass
from datetime import date

from src.common.time import Interval
from src.desks.models import ServiceDesk
from src.desks.selectors import desk_open_intervals
from src.hubs.models import Closure, Hub
from src.hubs.selectors import hub_closure_on, hub_open_intervals


@dataclass
class HubToday:
    hub: Hub
    intervals: list[Interval]
    closure: Closure | None
    open_now: bool

    @property
    def photo(self):
        photos = self.hub.photos.all()  # prefetched by hub_list()
        return photos[0] if photos else None


@dataclass
class DeskToday:
    desk: ServiceDesk
    intervals: list[Interval]


def hub_today(hub: Hub, *, today: date, open_now: bool) -> HubToday:
    return HubToday(
        hub=hub, intervals=hub_open_intervals(hub, today), closure=hub_closure_on(hub, today), open_now=open_now
    )


def desk_today(desk: ServiceDesk, *, today: date) -> DeskToday:
    return DeskToday(desk=desk, intervals=desk_open_intervals(desk, today))
