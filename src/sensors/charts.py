"""The last 24 hours as an inline SVG drawn on the server: no script, no style attribute (the
colours are presentation attributes), readable by screen readers (title, description, and the
table of values the page puts under each chart)."""

from datetime import datetime

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from src.common.time import ROME
from src.sensors.selectors import CATEGORIES

WIDTH, HEIGHT = 320, 160
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 8, 22
# Category bands, lightest to darkest; the line and the text stay above 4.5:1 on each of them.
BAND_FILLS = ["#e3f4ea", "#f3f7d9", "#fdf0d5", "#fbe1df"]
LINE = "#0b5394"
ALERT = "#a61d24"
AXIS = "#404040"


def _y(value: float, low: float, high: float) -> float:
    value = min(max(value, low), high)
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - (value - low) / (high - low))


def _x(i: int, n: int) -> float:
    return LEFT + (WIDTH - LEFT - RIGHT) * (i / max(n - 1, 1))


def chart_svg(
    values: list[float | None],
    slots: list[datetime],
    *,
    title: str,
    unit: str,
    low: float,
    high: float,
    alert_line: float | None = None,
    bands: bool = False,
    chart_id: str,
) -> SafeString:
    present = [v for v in values if v is not None]
    if present:
        high = max(high, max(present) * 1.05)
        low = min(low, min(present) * 0.95)
    n = len(values)
    parts = [
        f'<svg class="sensor-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" focusable="false">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
    ]
    if present:
        description = _("Ultime 24 ore: minimo %(low).0f, massimo %(high).0f %(unit)s.") % {
            "low": min(present),
            "high": max(present),
            "unit": unit,
        }
    else:
        description = _("Nessun dato nelle ultime 24 ore.")
    parts.append(f'<desc id="{chart_id}-d">{escape(description)}</desc>')
    plot_bottom = HEIGHT - BOTTOM
    if bands:
        floor = low
        for (_code, upper, _label), fill in zip(CATEGORIES, BAND_FILLS):
            top = high if upper is None else min(upper, high)
            if top > floor:
                y1, y2 = _y(top, low, high), _y(floor, low, high)
                parts.append(
                    f'<rect x="{LEFT}" y="{y1:.1f}" width="{WIDTH - LEFT - RIGHT}" height="{y2 - y1:.1f}" fill="{fill}"/>'
                )
            floor = max(floor, top)
    # Axes and labels: the range at the left, the hours at the bottom (Rome time).
    parts.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{plot_bottom}" stroke="{AXIS}" stroke-width="1"/>')
    parts.append(
        f'<line x1="{LEFT}" y1="{plot_bottom}" x2="{WIDTH - RIGHT}" y2="{plot_bottom}" stroke="{AXIS}" stroke-width="1"/>'
    )
    for value in (low, high):
        parts.append(
            f'<text x="{LEFT - 4}" y="{_y(value, low, high) + 4:.1f}" text-anchor="end" font-size="10" fill="{AXIS}">'
            f"{value:.0f}</text>"
        )
    for i in (0, n // 2, n - 1):
        if 0 <= i < n:
            label = slots[i].astimezone(ROME).strftime("%H:%M")
            parts.append(
                f'<text x="{_x(i, n):.1f}" y="{HEIGHT - 6}" text-anchor="middle" font-size="10" fill="{AXIS}">{label}</text>'
            )
    if alert_line is not None and low < alert_line < high:
        y = _y(alert_line, low, high)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{ALERT}" stroke-width="1.5" '
            f'stroke-dasharray="5 3"/>'
        )
        parts.append(
            f'<text x="{WIDTH - RIGHT - 2}" y="{y - 3:.1f}" text-anchor="end" font-size="10" fill="{ALERT}">'
            f"{alert_line:.0f} {escape(unit)}</text>"
        )
    # The line, broken where an hour has no data; a lone hour is a dot.
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, value in enumerate(values):
        if value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{_x(i, n):.1f},{_y(value, low, high):.1f}")
    if segment:
        segments.append(segment)
    for points in segments:
        if len(points) == 1:
            x, y = points[0].split(",")
            parts.append(f'<circle cx="{x}" cy="{y}" r="2.5" fill="{LINE}"/>')
        else:
            parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{LINE}" stroke-width="2"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


# The kinds a panel draws for the last 24 hours, with the range the axis starts from.
CHARTED = [
    ("co2", "ppm", 400.0, 1400.0, True),
    ("temperature", "°C", 16.0, 28.0, False),
    ("humidity", "%", 20.0, 70.0, False),
]


def air_panels(hub, *, now=None) -> list[dict]:
    """What the hub page and the kiosk show per space: the latest values, the CO2 category,
    and a chart of the last 24 hours for CO2, temperature and humidity, with the hourly values."""
    from django.conf import settings
    from django.utils import timezone

    from src.sensors.models import Kind
    from src.sensors.selectors import hour_slots, hub_air_quality

    now = now or timezone.now()
    slots = hour_slots(now)
    panels = []
    for air in hub_air_quality(hub, now=now):
        charts = []
        for kind, unit, low, high, alert in CHARTED:
            values = air.hours.get(kind)
            if values is None:
                continue
            label = str(Kind(kind).label)
            charts.append(
                {
                    "kind": kind,
                    "label": label,
                    "unit": unit,
                    "svg": chart_svg(
                        values,
                        slots,
                        title=_("%(what)s nelle ultime 24 ore, %(space)s") % {"what": label, "space": air.space.name},
                        unit=unit,
                        low=low,
                        high=high,
                        alert_line=settings.SENSORS_CO2_ALERT_PPM if alert else None,
                        bands=alert,
                        chart_id=f"chart-{air.space.pk}-{kind}",
                    ),
                    "rows": [
                        (slot.astimezone(ROME).strftime("%H:%M"), None if v is None else round(v, 1))
                        for slot, v in zip(slots, values)
                    ],
                }
            )
        panels.append({"air": air, "charts": charts})
    return panels
