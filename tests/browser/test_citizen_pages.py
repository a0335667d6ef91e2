"""The citizen's pages in a real browser: axe-core finds no serious or critical violation,
each comune's page carries its own name, nothing is loaded from other sites."""

import pytest

from tests.browser.conftest import committed
from tests.browser.harness import axe_violations, describe, screenshot, screenshot_parts

pytestmark = pytest.mark.browser


def _check(page, name, expected_console_errors=()):
    """What every page must pass; the screenshot is kept in /tmp/browser-shots to look at."""
    path = screenshot(page, name)
    violations = axe_violations(page)
    assert not violations, f"axe on {page.url} ({path}):\n{describe(violations)}"
    assert page.external_requests == [], page.external_requests
    assert page.console_errors == list(expected_console_errors), page.console_errors


def test_comune_home(browser_page, live_url, browser_comune):
    page = browser_page
    page.goto(live_url(browser_comune.slug, "/"))
    assert page.locator(".it-brand-title").inner_text() == "Comune di Montiano"
    assert "Comune di Montiano" in page.locator("h1").inner_text()
    assert page.locator(".hub-status").first.is_visible()
    _check(page, "comune-home")


def test_hub_page(browser_page, live_url, browser_comune):
    page = browser_page
    page.goto(live_url(browser_comune.slug, f"/hub/{browser_comune.hub_slug}/"))
    assert page.locator("h1").inner_text() == browser_comune.hub_name
    assert "Comune di Montiano" in page.locator("header").inner_text()
    # The photo is served by us and has loaded.
    assert page.locator("#foto img").evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.locator("table caption").first.inner_text().startswith("Orari dei prossimi sette giorni")
    _check(page, "hub-page")


def test_hub_page_on_a_320_px_phone(browser_page, live_url, browser_comune):
    page = browser_page
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_url(browser_comune.slug, f"/hub/{browser_comune.hub_slug}/"))
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at 320px"
    screenshot_parts(page, "hub-page-320")
    _check(page, "hub-page-320")


def test_union_hubs_page(browser_page, live_url, browser_comune):
    page = browser_page
    page.goto(live_url(None, "/hub/"))
    assert browser_comune.hub_name in page.locator(".hub-list").inner_text()
    assert page.locator(".hub-map__point").count() >= 1
    _check(page, "union-hubs")
    # The filter works without JavaScript too: it is a GET form.
    page.select_option("#id_comune", browser_comune.slug)
    with page.expect_navigation():
        page.get_by_role("button", name="Filtra").click()
    assert f"comune={browser_comune.slug}" in page.url
    assert page.locator(".hub-list__item").count() == 1


def test_skip_link_is_the_first_stop_and_visible(browser_page, live_url, browser_comune):
    page = browser_page
    page.goto(live_url(browser_comune.slug, "/"))
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    assert focused.inner_text() == "Vai al contenuto principale"
    assert focused.is_visible()


def test_rating_widget_in_steps_stores_the_rating(browser_page, live_url, browser_comune, django_db_blocker):
    from src.portal.models import PageRating

    page = browser_page
    page.goto(live_url(browser_comune.slug, "/hub/"))
    widget = page.locator('[data-element="feedback"]')
    widget.locator('[data-element="feedback-rate-2"]').click()
    assert widget.locator('[data-element="feedback-rating-negative"]').is_visible()
    assert not widget.locator('[data-element="feedback-rating-positive"]').is_visible()
    widget.get_by_text(
        "A volte le indicazioni non erano chiare"
    ).click()  # Bootstrap Italia draws the radio on the label
    widget.get_by_role("button", name="Avanti").click()
    widget.locator('[data-element="feedback-input-text"]').fill("Non trovo gli orari della biblioteca")
    _check(page, "rating-widget-step-2")
    widget.get_by_role("button", name="Invia").click()
    page.get_by_text("Grazie, il tuo parere ci aiuterà a migliorare il servizio!").wait_for()

    with committed(django_db_blocker, browser_comune.municipality):
        rows = list(PageRating.objects.filter(path="/hub/").values_list("stars", "aspect", "detail"))
        PageRating.objects.filter(path="/hub/").delete()
    assert rows == [(2, "not_clear", "Non trovo gli orari della biblioteca")]


@pytest.mark.parametrize(
    "host, path",
    [
        (None, "/"),
        (None, "/legale/note-legali/"),
        ("montiano", "/hub/"),
        ("montiano", "/legale/privacy/"),
        ("montiano", "/legale/accessibilita/"),
        ("montiano", "/hub/non-esiste/"),
    ],
)
def test_other_pages_pass_axe(browser_page, live_url, browser_comune, host, path):
    response = browser_page.goto(live_url(host, path))
    # The 404 page is the only one whose own request fails (Chromium logs that as an error).
    not_found = ["Failed to load resource: the server responded with a status of 404 (Not Found)"]
    expected = not_found if response.status == 404 else []
    _check(browser_page, f"{host or 'union'}{path.replace('/', '-').rstrip('-')}", expected)


def test_phone_menu_opens_and_reaches_the_hubs(browser_page, live_url, browser_comune):
    page = browser_page
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_url(browser_comune.slug, "/"))
    nav = page.get_by_role("navigation", name="Navigazione principale")
    hubs_link = nav.get_by_role("link", name="Hub di comunità")
    assert not hubs_link.is_visible()
    page.get_by_role("button", name="Mostra o nascondi il menu").click()
    hubs_link.wait_for(state="visible")
    hubs_link.click()
    page.wait_for_url("**/hub/")
    assert page.locator("h1").inner_text().startswith("Gli hub di comunità")


def test_map_points_are_keyboard_links(browser_page, live_url, browser_comune):
    page = browser_page
    page.goto(live_url(None, "/hub/"))
    point = page.locator(".hub-map__point").first
    point.focus()
    assert point.evaluate("el => el === document.activeElement")
    assert "Hub di comunità di Montiano" in point.get_attribute("aria-label")
