"""The citizen's pages about a comune's hubs: the list and one hub's page (with its desks,
so they live in portal, above hubs and desks)."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from src.common.time import local_today
from src.desks.selectors import hub_desks_prefetch
from src.hubs.selectors import hub_closures_ahead, hub_get, hub_is_open, hub_list, hub_week_hours
from src.portal.summaries import desk_today, hub_today
from src.sensors.selectors import hub_has_sensors
from src.sensors.views import air_section_context


def hub_index(request):
    now, today = timezone.now(), local_today()
    hubs = [hub_today(hub, today=today, open_now=hub_is_open(hub, now)) for hub in hub_list(today=today)]
    return render(
        request,
        "hubs/index.html",
        {"hubs": hubs, "breadcrumbs": [(_("Home"), "/"), (_("Hub di comunità"), None)]},
    )


def hub_detail(request, slug):
    today = local_today()
    hub = hub_get(
        slug=slug, prefetch=(hub_desks_prefetch(),)
    )  # published only: a draft hub does not exist for citizens
    if hub is None:
        raise Http404(_("Questo hub non esiste o non è pubblicato."))
    has_air = hub_has_sensors(hub)
    return render(
        request,
        "hubs/detail.html",
        {
            "hub": hub,
            "today": today,
            "summary": hub_today(hub, today=today, open_now=hub_is_open(hub, timezone.now())),
            "week": hub_week_hours(hub, today),
            "closures": hub_closures_ahead(hub, today),
            "spaces": hub.spaces.all(),
            "desks": [desk_today(desk, today=today) for desk in hub.desks.all()],
            # "Qualità dell'aria adesso", when the hub has sensors (src/sensors).
            "has_air": has_air,
            **(air_section_context(hub) if has_air else {}),
            "breadcrumbs": [(_("Home"), "/"), (_("Hub di comunità"), reverse("hubs:index")), (hub.name, None)],
        },
    )
