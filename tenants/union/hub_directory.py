"""All the hubs of the union on one page: one SQL query across the comuni's schemas.

The design reads across schemas in SQL, not by switching tenants in Python:
one `UNION ALL` over the comuni's schemas answers in one round trip, whether
there are six comuni or hundreds. The comune filter only narrows the list of
schemas; the service and "open now" filters run in the database.
"""

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django import forms
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.comuni.clock import ROME
from tenants.comuni.models import Municipality
from tenants.comuni.selectors import municipality_list, municipality_url
from tenants.comuni.sql import union_all
from tenants.reporting.catalogue import SQL, DeskKind

# "Open now" must agree with src.hubs.selectors.hub_is_open (tests check that it does):
# a closure that day closes the hub, nothing before it opened, special openings on
# that date replace the weekly hours. Compared as wall-clock times in Europe/Rome.
_ONE_COMUNE = """
SELECT {i} AS comune_index, h.id, h.slug, h.name, h.address, h.postal_code, h.town, h.latitude, h.longitude,
       ARRAY(SELECT DISTINCT d.kind::text FROM {s}.{table.service_desk} d WHERE d.hub_id = h.id ORDER BY 1) AS desk_kinds,
       (
         NOT EXISTS (SELECT 1 FROM {s}.{table.closure} c
                     WHERE c.hub_id = h.id AND c.starts_on <= %(day)s AND c.ends_on >= %(day)s)
         AND (h.opened_on IS NULL OR h.opened_on <= %(day)s)
         AND CASE
           WHEN EXISTS (SELECT 1 FROM {s}.{table.special_opening} so WHERE so.hub_id = h.id AND so.date = %(day)s)
           THEN EXISTS (SELECT 1 FROM {s}.{table.special_opening} so
                        WHERE so.hub_id = h.id AND so.date = %(day)s AND so.opens <= %(time)s AND %(time)s < so.closes)
           ELSE EXISTS (SELECT 1 FROM {s}.{table.opening_hours} oh
                        WHERE oh.hub_id = h.id AND oh.weekday = %(weekday)s AND oh.opens <= %(time)s AND %(time)s < oh.closes)
         END
       ) AS open_now
  FROM {s}.{table.hub} h
 WHERE h.is_published
"""


@dataclass
class UnionHub:
    number: int  # the same number on the map and in the list
    comune: Municipality
    id: int  # in the comune's schema: what its API calls the hub
    slug: str
    name: str
    address: str
    postal_code: str
    town: str
    latitude: Decimal | None
    longitude: Decimal | None
    desk_kinds: list[str]
    open_now: bool
    url: str


def union_hubs(
    *,
    comune_slug: str | None = None,
    desk_kind: str | None = None,
    open_only: bool = False,
    at: datetime | None = None,
    request=None,
) -> list[UnionHub]:
    comuni = list(municipality_list().prefetch_related("domains"))
    if comune_slug:
        comuni = [m for m in comuni if m.slug == comune_slug]
    if not comuni:
        return []
    local = (at or timezone.now()).astimezone(ROME)
    sql = (
        "SELECT * FROM (" + union_all(_ONE_COMUNE, [m.schema_name for m in comuni], **SQL) + ") AS hubs"
        " WHERE (%(kind)s::text IS NULL OR %(kind)s::text = ANY(desk_kinds))"
        " AND (NOT %(open_only)s OR open_now)"
        " ORDER BY comune_index, name"
    )
    params = {
        "day": local.date(),
        "weekday": local.weekday(),
        "time": local.time(),
        "kind": desk_kind or None,
        "open_only": open_only,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [c.name for c in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    hubs = []
    for number, row in enumerate(rows, start=1):
        comune = comuni[row.pop("comune_index")]
        hubs.append(
            UnionHub(
                number=number,
                comune=comune,
                url=municipality_url(comune, f"/hub/{row['slug']}/", request=request),
                **row,
            )
        )
    return hubs


# --- The map: points projected from latitude and longitude, drawn as SVG ---------------

MAP_WIDTH = 640
_PADDING = 48
_LEGEND = 40  # a strip under the drawing for the scale bar and the north sign, so no point hides them
_KM_PER_DEGREE_LAT = 111.32


@dataclass
class MapPoint:
    hub: UnionHub
    x: float
    y: float


@dataclass
class HubMap:
    width: int
    height: int
    points: list[MapPoint]
    scale_km: int
    scale_px: float
    legend_y: int


def hub_map(hubs: list[UnionHub]) -> HubMap | None:
    """An equirectangular projection of the hubs that have coordinates, framed on them.

    Good enough at the scale of a valley (tens of km); the list next to the map
    carries the same information for whoever cannot use the map.
    """
    located = [h for h in hubs if h.latitude is not None and h.longitude is not None]
    if not located:
        return None
    lats = [float(h.latitude) for h in located]
    lons = [float(h.longitude) for h in located]
    mid_lat = (min(lats) + max(lats)) / 2
    km_per_degree_lon = _KM_PER_DEGREE_LAT * math.cos(math.radians(mid_lat))
    # Frame at least 12 x 8 km, so one hub (or two close ones) is not a blown-up dot.
    span_x_km = max((max(lons) - min(lons)) * km_per_degree_lon, 12.0)
    span_y_km = max((max(lats) - min(lats)) * _KM_PER_DEGREE_LAT, 8.0)
    inner_w = MAP_WIDTH - 2 * _PADDING
    inner_h = int(min(max(inner_w * span_y_km / span_x_km, 240), 720))
    px_per_km = min(inner_w / span_x_km, inner_h / span_y_km)
    centre_lon, centre_lat = (min(lons) + max(lons)) / 2, mid_lat
    centre_x, centre_y = MAP_WIDTH / 2, _PADDING + inner_h / 2

    points = []
    for hub, lat, lon in zip(located, lats, lons, strict=True):
        x = centre_x + (lon - centre_lon) * km_per_degree_lon * px_per_km
        y = centre_y - (lat - centre_lat) * _KM_PER_DEGREE_LAT * px_per_km
        points.append(MapPoint(hub=hub, x=round(x, 1), y=round(y, 1)))

    # A scale bar of a round length, about a quarter of the map's width.
    target_km = inner_w / px_per_km / 4
    scale_km = next((k for k in (1, 2, 5, 10, 20, 50, 100, 200, 500) if k >= target_km), 500)
    height = inner_h + 2 * _PADDING + _LEGEND
    return HubMap(
        width=MAP_WIDTH,
        height=height,
        points=points,
        scale_km=scale_km,
        scale_px=round(scale_km * px_per_km, 1),
        legend_y=height - 16,
    )


# --- The filters (a GET form: it works without JavaScript and the URL can be shared) ----


class HubFilterForm(forms.Form):
    comune = forms.ChoiceField(label=_("Comune"), required=False)
    servizio = forms.ChoiceField(label=_("Servizio"), required=False)
    aperto = forms.BooleanField(label=_("Solo gli hub aperti ora"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comune"].choices = [("", _("Tutti i comuni"))] + [
            (m.slug, m.name) for m in municipality_list().only("slug", "name")
        ]
        self.fields["servizio"].choices = [("", _("Tutti i servizi"))] + list(DeskKind.choices)

    def filters(self) -> dict:
        """The valid filters; a stale or hand-made value is dropped (and reported by the form)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else getattr(self, "cleaned_data", {})
        return {
            "comune_slug": data.get("comune") or None,
            "desk_kind": data.get("servizio") or None,
            "open_only": bool(data.get("aperto")),
        }
