"""The phone-first booking steps after the day: the seats of every room on a plan for the chosen
time (with the same seats as a list), and a room's week at a glance."""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from src.bookings import availability, selectors
from src.bookings.forms import SlotForm
from src.bookings.views import _hub
from src.common.time import local_today, parse_day


def seat_plan(request, hub_slug):
    """Step three: the chosen slot's seats, on each room's plan and in a list, free, taken or yours."""
    hub = _hub(request, hub_slug)
    form = SlotForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Scegli prima il giorno e l'orario."))
        return redirect("bookings:availability", hub_slug=hub.slug)
    start, end = form.period
    day = selectors.local_day(start)
    now = timezone.now()
    grid = availability.hub_availability(hub, day, now=now)
    slot = next(((a, b) for a, b in grid.slots if a == start and b == end), None)
    if slot is None or end <= now or day > local_today() + timedelta(days=grid.policy.max_days_ahead):
        messages.error(request, _("Questo orario non si può prenotare: scegline uno tra quelli proposti."))
        return redirect(f"{_availability_url(hub)}?giorno={day.isoformat()}")
    person = request.user if request.user.is_authenticated else None
    plans = availability.hub_seat_plans(hub, slot, person=person, now=now)
    return render(
        request,
        "bookings/seat_plan.html",
        {"hub": hub, "start": start, "end": end, "day": day, "plans": plans, "step": 3},
    )


def _availability_url(hub) -> str:
    return reverse("bookings:availability", args=[hub.slug])


def week(request, hub_slug):
    """A room's seven days × hours: how many places are free in each slot."""
    hub = _hub(request, hub_slug)
    spaces = list(hub.spaces.order_by("name"))
    if not spaces:
        messages.info(request, _("Questo hub non ha sale da prenotare."))
        return redirect("bookings:availability", hub_slug=hub.slug)
    chosen = request.GET.get("sala")
    space = next((s for s in spaces if str(s.pk) == chosen), None) if chosen else spaces[0]
    if space is None:
        raise Http404(_("Questa sala non è di questo hub."))
    today = local_today()
    first = parse_day(request.GET.get("dal")) or today
    first = max(first, today)
    policy = selectors.policy_get()
    last = today + timedelta(days=policy.max_days_ahead)
    return render(
        request,
        "bookings/week.html",
        {
            "hub": hub,
            "space": space,
            "spaces": spaces,
            "week": availability.space_week(space, first),
            "previous": first - timedelta(days=7) if first > today else None,
            "next": first + timedelta(days=7) if first + timedelta(days=7) <= last else None,
            "now": timezone.now(),
        },
    )
