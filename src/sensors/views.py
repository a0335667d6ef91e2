"""The kiosk: a page for a screen in the hub, "Qualità dell'aria adesso" in large type,
refreshed by static JavaScript (static/sensors/kiosk.js); the hub's own page shows the
same section (src/portal/hub_pages.py)."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from src.hubs.selectors import hub_get
from src.sensors.charts import air_panels

KIOSK_REFRESH_SECONDS = 60


def air_section_context(hub, *, refresh: int = 0) -> dict:
    """The context `sensors/_air_now.html` needs (also used by the hub page in src/portal)."""
    return {
        "air_panels": air_panels(hub, now=timezone.now()),
        "air_line": int(settings.SENSORS_CO2_ALERT_PPM),
        "air_recent_minutes": settings.SENSORS_RECENT_MINUTES,
        "air_refresh": refresh,
    }


def kiosk(request, slug):
    hub = hub_get(slug=slug)
    if hub is None:
        raise Http404(_("Questo hub non esiste o non è pubblicato."))
    context = {"hub": hub, **air_section_context(hub, refresh=KIOSK_REFRESH_SECONDS), "air_heading_class": "h2"}
    response = render(request, "sensors/kiosk.html", context)
    response["Cache-Control"] = "no-cache"
    return response
