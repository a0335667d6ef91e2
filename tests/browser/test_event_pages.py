"""The events list and an event's page in a real browser, axe-clean; a signed-in citizen
registers and the page says they have a place.

Runs in the harness's comune (Montiano) with a committed event, removed at the end
(its registrations go with it).
"""

from datetime import timedelta

import pytest

from tests.browser.conftest import committed
from tests.browser.harness import axe_violations, describe, screenshot

pytestmark = pytest.mark.browser

TITLE = "Laboratorio di competenze digitali: SPID, CIE e app IO"


@pytest.fixture
def event(browser_comune, django_db_blocker):
    from django.utils import timezone

    from src.events.models import Event
    from src.hubs.models import Hub

    with committed(django_db_blocker, browser_comune.municipality):
        starts = timezone.localtime().replace(hour=17, minute=30, second=0, microsecond=0) + timedelta(days=5)
        created = Event.objects.create(
            hub=Hub.objects.get(slug=browser_comune.hub_slug),
            title=TITLE,
            description="Due ore per imparare ad accedere ai servizi pubblici online.\n\nPortate lo smartphone.",
            kind=Event.Kind.WORKSHOP,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            capacity=12,
        )
    yield created
    from src.events.models import EventRegistration
    from src.outbox.models import OutboxMessage

    with committed(django_db_blocker, browser_comune.municipality):
        registered = list(EventRegistration.objects.filter(event=created).values_list("pk", flat=True))
        OutboxMessage.objects.filter(kind__startswith="events.", obj_id__in=registered).delete()  # their e-mails
        Event.objects.filter(pk=created.pk).delete()


def _accessible(page, name):
    path = screenshot(page, name)
    violations = axe_violations(page)
    assert not violations, f"axe on {page.url} ({path}):\n{describe(violations)}"
    assert page.external_requests == [], page.external_requests


def test_events_list_and_page_then_register(
    browser_page, live_url, browser_comune, browser_user, browser_login, event, django_db_blocker
):
    from src.events.models import EventRegistration

    page = browser_page
    page.goto(live_url(browser_comune.slug, "/eventi/"))
    assert page.locator("h1").inner_text() == "Eventi e corsi"
    card = page.locator('[data-element="event-card"]', has_text=TITLE)
    assert "12 posti disponibili" in card.inner_text()
    _accessible(page, "events-list")

    # A visitor sees the event and is asked to sign in to register.
    with page.expect_navigation():
        card.get_by_role("link", name=TITLE).click()
    assert page.locator("h1").inner_text() == TITLE
    assert page.get_by_role("link", name="Accedi per iscriverti").is_visible()
    _accessible(page, "event-page")

    person = browser_user(email="evento.browser@example.org", first_name="Giulia")
    browser_login(page, person)
    page.reload()
    with page.expect_navigation():
        page.get_by_role("button", name="Iscriviti").click()
    assert "Sei iscritto: hai un posto." in page.locator('[data-element="registration-state"]').inner_text()
    assert "Ne restano 11." in page.locator('[data-element="event-registration"]').inner_text()
    _accessible(page, "event-page-registered")
    with committed(django_db_blocker, browser_comune.municipality):
        assert EventRegistration.objects.get(event=event, person=person).state == "registered"
