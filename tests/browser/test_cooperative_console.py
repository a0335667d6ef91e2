"""The cooperative's console on a tablet at the hub's desk (768×1024): readable, no sideways
scroll, links into the comune's front desk, and axe finds nothing serious or critical."""

from datetime import time, timedelta

import pytest
from psycopg2.extras import DateTimeTZRange

from tests.browser.conftest import committed
from tests.browser.harness import axe_violations, describe, screenshot

pytestmark = pytest.mark.browser

CODE_PREFIX = "COOP"


@pytest.fixture
def cooperative(django_db_blocker, browser_comune, browser_user):
    from src.bookings.models import Booking
    from src.common.time import local_datetime, local_today
    from src.hubs.models import Hub
    from tenants.operators import services
    from tenants.operators.models import OperatorOrganisation, ServiceContract

    staff = browser_user(email="console.cooperativa@example.org", first_name="Luca", last_name="Ferri")
    guest = browser_user(email="ospite.console@example.org", first_name="Carla", last_name="Ospite")
    with committed(django_db_blocker, browser_comune.municipality):
        hub = Hub.objects.get(slug=browser_comune.hub_slug)
        space = hub.spaces.order_by("name").first()
        today = local_today()
        for n, (start, state) in enumerate(((time(9), "checked_in"), (time(11), "confirmed"), (time(15), "no_show"))):
            Booking.objects.create(
                code=f"{CODE_PREFIX}{n:04d}",
                person=guest,
                hub=hub,
                space=space,
                seat=None,
                period=DateTimeTZRange(local_datetime(today, start), local_datetime(today, start) + timedelta(hours=1)),
                state=state,
                channel="front_desk" if n == 0 else "web",
            )
    with committed(django_db_blocker):
        organisation = OperatorOrganisation.objects.create(
            name="Cooperativa della console", vat_number="06363391001", email="console@coop.example.org"
        )
        services.staff_add(organisation=organisation, user=staff)
        contract = services.contract_create(
            organisation=organisation,
            municipality=browser_comune.municipality,
            hub_ids=[hub.pk],
            valid_from=today - timedelta(days=30),
        )
        services.contract_approve(contract=contract, by=None)
    yield {"staff": staff, "hub": hub, "contract": contract}
    with committed(django_db_blocker):
        ServiceContract.objects.filter(organisation=organisation).delete()
        organisation.delete()
    with committed(django_db_blocker, browser_comune.municipality):
        Booking.objects.filter(code__startswith=CODE_PREFIX).delete()


def test_console_on_a_tablet(browser, live_url, browser_login, browser_comune, cooperative):
    context = browser.new_context(locale="it-IT", viewport={"width": 768, "height": 1024})
    page = context.new_page()
    try:
        browser_login(page, cooperative["staff"], None)
        page.goto(live_url(None, "/cooperativa/"))
        assert page.locator("h1").inner_text() == "Console della cooperativa"
        card = page.locator("section.console-hub")
        assert card.count() == 1 and browser_comune.hub_name in card.inner_text()
        assert "Carla Ospite" in card.inner_text()
        link = page.get_by_role("link", name=f"Apri l'accoglienza · {browser_comune.hub_name}")
        assert link.get_attribute("href") == live_url(browser_comune.slug, f"/accoglienza/{browser_comune.hub_slug}/")
        box = link.bounding_box()
        assert box["height"] >= 44  # a finger-sized target at the desk
        assert page.evaluate("document.documentElement.scrollWidth") <= 768  # no sideways scroll
        path = screenshot(page, "cooperative-console-tablet")
        violations = axe_violations(page)
        assert not violations, f"axe on {page.url} ({path}):\n{describe(violations)}"
        # On a phone too: the tables scroll inside their box, the page does not.
        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        # The contracts and the monthly report (chart drawn on the server, table under it).
        page.set_viewport_size({"width": 768, "height": 1024})
        page.get_by_role("link", name="Contratti e rapporti mensili").click()
        page.get_by_role("link", name="Rapporto mensile di attività").first.click()
        assert page.locator("h1").inner_text() == "Rapporto mensile di attività"
        assert page.locator("svg.report-chart[role=img]").count() == 1
        path = screenshot(page, "cooperative-report-tablet")
        violations = axe_violations(page)
        assert not violations, f"axe on {page.url} ({path}):\n{describe(violations)}"
    finally:
        context.close()
