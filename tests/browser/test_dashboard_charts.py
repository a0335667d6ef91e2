"""The reporting dashboards in a real browser: every chart draws, from Chart.js served by us.

Committed activity in Montiano (the browser comune) for the last complete
month, removed afterwards; screenshots in /tmp/browser-shots.
"""

from datetime import time, timedelta

import pytest
from psycopg2.extras import DateTimeTZRange

from tests.browser.conftest import committed
from tests.browser.harness import axe_violations, describe, screenshot, screenshot_parts

pytestmark = pytest.mark.browser

CODE_PREFIX = "STAT"

# Counts the canvas pixels that are not transparent: a chart that drew has many.
DRAWN_PIXELS = """canvas => {
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let drawn = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) drawn++; }
  return drawn;
}"""


@pytest.fixture
def montiano_month(django_db_blocker, browser_comune, browser_user):
    """A month of bookings by six people in a room of four seats; returns the period's query string."""
    from django.utils import timezone

    from src.bookings.models import Booking
    from src.common.time import ROME, local_datetime
    from src.hubs.models import Hub, Seat, Space
    from tenants.identity.models import Role
    from tenants.reporting.models import CommuteProfile
    from tenants.reporting.periods import default_period

    period = default_period()
    people = [
        browser_user(email=f"statistiche{n}@example.org", home_municipality=browser_comune.municipality)
        for n in range(6)
    ]
    staff = browser_user(email="staff.statistiche@example.org")
    with committed(django_db_blocker):
        Role.objects.create(user=staff, kind=Role.Kind.UNION_STAFF)
        # Montiano -> Cesena 12 km, -> Rimini 27 km: commuting avoided on the days they check in.
        for person, workplace in zip(people, ("040007", "099014", "040007", "037006")):
            CommuteProfile.objects.create(user=person, workplace_istat_code=workplace, consented_at=timezone.now())
    with committed(django_db_blocker, browser_comune.municipality):
        hub = Hub.objects.get(slug=browser_comune.hub_slug)
        space = Space.objects.create(hub=hub, name="Sala statistiche", kind="coworking", capacity=4)
        seats = [Seat.objects.create(space=space, label=f"S{n}") for n in range(1, 5)]
        day, count = period.start, 0
        states = ["completed", "completed", "checked_in", "no_show", "cancelled", "completed"]
        while day < period.end:
            if day.weekday() in (1, 2, 3, 4):  # Tuesday to Friday, the hub's full days
                for index, seat in enumerate(seats[: 1 + day.day % 4]):
                    start, end = (time(9), time(13)) if index % 2 == 0 else (time(14, 30), time(19))
                    count += 1
                    Booking.objects.create(
                        code=f"{CODE_PREFIX}{count:04d}",
                        person=people[(day.day + index) % len(people)],
                        hub=hub,
                        space=space,
                        seat=seat,
                        period=DateTimeTZRange(local_datetime(day, start), local_datetime(day, end)),
                        state=states[(day.day + index) % len(states)],
                    )
            day += timedelta(days=1)
    assert ROME  # Europe/Rome wall-clock times above
    yield {"staff": staff, "query": f"periodo=month&data={period.start.isoformat()}"}
    with committed(django_db_blocker, browser_comune.municipality):
        Booking.objects.filter(code__startswith=CODE_PREFIX).delete()
        Seat.objects.filter(space=space).delete()
        space.delete()


def _charts_drawn(page) -> dict:
    page.wait_for_selector("html[data-charts-ready]")
    canvases = page.locator("canvas[data-chart-ready]")
    return {
        canvases.nth(i).get_attribute("id"): canvases.nth(i).evaluate(DRAWN_PIXELS) for i in range(canvases.count())
    }


def _check(page, name: str):
    path = screenshot(page, name)
    screenshot_parts(page, name)  # screen-high slices, to look at
    violations = axe_violations(page)
    assert not violations, f"axe on {page.url} ({path}):\n{describe(violations)}"
    assert page.external_requests == [], page.external_requests
    assert page.console_errors == [], page.console_errors
    return path


def test_union_dashboard_draws_every_chart(browser_page, live_url, browser_login, montiano_month):
    page = browser_page
    browser_login(page, montiano_month["staff"], None)
    page.goto(live_url(None, f"/statistiche/?{montiano_month['query']}"))
    assert page.locator("h1").inner_text().startswith("Statistiche dell'Unione")
    drawn = _charts_drawn(page)
    assert len(drawn) == page.locator("canvas").count() >= 8
    # A drawn chart has axes, labels and bars or lines: thousands of painted pixels.
    assert all(pixels > 2000 for pixels in drawn.values()), drawn
    assert "Montiano" in page.locator("#table-comuni").text_content()
    _check(page, "dashboard-union")


def test_comune_dashboard_draws_its_charts(browser_page, live_url, browser_login, browser_comune, montiano_month):
    page = browser_page
    browser_login(page, montiano_month["staff"], browser_comune.slug)
    page.goto(live_url(browser_comune.slug, f"/statistiche/?{montiano_month['query']}"))
    assert "Comune di Montiano" in page.locator("h1").inner_text()
    drawn = _charts_drawn(page)
    assert drawn and all(pixels > 2000 for pixels in drawn.values()), drawn
    # The bookings made above are counted: the KPI is not zero.
    assert page.locator('[data-kpi="bookings"]').inner_text() != "0"
    assert "Sala statistiche" in page.locator("#table-spazi").text_content()
    _check(page, "dashboard-montiano")
