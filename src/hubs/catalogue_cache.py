"""A comune's catalogue (hubs, hours, closures, spaces, seats, layouts) is read on every
booking and page and changes a few times a week: cached per comune (src/common/cache.py),
dropped whenever any of its rows changes."""

from src.common.cache import cached, namespace_changed
from src.hubs.models import Closure, Hub, HubPhoto, Layout, LayoutSchedule, OpeningHours, Seat, Space, SpecialOpening

NAMESPACE = "catalogue"
CATALOGUE_MODELS = (Hub, HubPhoto, OpeningHours, Closure, SpecialOpening, Space, Seat, Layout, LayoutSchedule)


def catalogue_changed(**_signal) -> None:
    namespace_changed(NAMESPACE)


def catalogue_cached(name: str, build, *parts, keep_none: bool = True):
    return cached(NAMESPACE, name, build, *parts, keep_none=keep_none)
