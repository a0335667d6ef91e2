"""'Qualità dell'aria adesso' in a real browser: the hub page's section and the kiosk pass axe,
fit a 390 px phone, load nothing from other sites, and the kiosk refreshes itself through
its static script (no inline script: the CSP forbids them)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from src.hubs.models import Hub
from src.sensors.models import HourlyAggregate, Sensor
from tests.browser.conftest import committed
from tests.browser.harness import axe_violations, describe, screenshot
from tests.sensors.factories import hours_of

pytestmark = pytest.mark.browser


@pytest.fixture
def air(browser_comune, django_db_blocker):
    with committed(django_db_blocker, browser_comune.municipality):
        space = Hub.objects.get(slug=browser_comune.hub_slug).spaces.order_by("name").first()
        now = timezone.now()
        made = []
        for kind, value in (("co2", 1240), ("temperature", 22.4), ("humidity", 51)):
            sensor = Sensor.objects.create(
                space=space,
                kind=kind,
                device_id=f"montiano-browser-{kind}",
                last_value=value,
                last_time=now - timedelta(minutes=1),
            )
            hours_of(sensor, [value * 0.7, value * 0.9, None, value, value * 1.05])
            made.append(sensor.pk)
    yield space
    with committed(django_db_blocker, browser_comune.municipality):
        HourlyAggregate.objects.filter(sensor_id__in=made).delete()
        Sensor.objects.filter(pk__in=made).delete()


def _check(page, name):
    path = screenshot(page, name)
    violations = axe_violations(page)
    assert not violations, f"axe on {page.url} ({path}):\n{describe(violations)}"
    assert page.external_requests == [], page.external_requests
    assert page.console_errors == [], page.console_errors
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


def test_the_hub_pages_air_section_on_a_phone(browser_page, live_url, browser_comune, air):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_url(browser_comune.slug, f"/hub/{browser_comune.hub_slug}/"))
    section = page.locator("#aria")
    assert "Qualità dell'aria adesso" in section.locator("h2").inner_text()
    assert "1240" in section.inner_text() and "Categoria III" in section.inner_text()
    assert section.locator("svg[role=img]").count() == 3
    _check(page, "air-hub-page-390")


def test_the_kiosk_refreshes_itself(browser_page, live_url, browser_comune, air, django_db_blocker):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.clock.install()
    page.goto(live_url(browser_comune.slug, f"/hub/{browser_comune.hub_slug}/aria/"))
    assert page.locator("[data-element=air-co2]").inner_text() == "1240"
    _check(page, "air-kiosk-390")
    with committed(django_db_blocker, browser_comune.municipality):
        Sensor.objects.filter(device_id="montiano-browser-co2").update(last_value=780, last_time=timezone.now())
    with page.expect_response(lambda r: "/aria/" in r.url):
        page.clock.run_for(61_000)
    page.wait_for_function("document.querySelector('[data-element=air-co2]').textContent === '780'")
    assert "Categoria I" in page.locator("#aria").inner_text()
