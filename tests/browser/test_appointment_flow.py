"""A visitor without an account books a desk appointment in a real browser, through the six
steps of the Designers Italia appointment flow (place, date and time, details, applicant,
summary, confirmation), gets a booking code, confirms the held slot from the link e-mailed,
and checks it with the code and e-mail; axe-core finds no serious or critical violation on
any page of the way.

Runs in the harness's comune (Montiano), at its "Sportello Facile"; the appointment it
books is committed, and removed at the end.
"""

import re

import pytest

from tests.browser.conftest import committed
from tests.browser.harness import axe_violations, describe, screenshot
from tests.conftest import drain_outbox

pytestmark = pytest.mark.browser

STEP = "/appuntamenti/prenota/"
EMAIL = "visitatore.sportello@example.org"


@pytest.fixture
def appointments_cleanup(browser_comune, django_db_blocker):
    yield
    from src.appointments.models import Appointment
    from src.outbox.models import OutboxMessage

    with committed(django_db_blocker, browser_comune.municipality):
        booked = list(Appointment.objects.filter(email=EMAIL).values_list("pk", flat=True))
        OutboxMessage.objects.filter(kind__startswith="appointments.", obj_id__in=booked).delete()
        Appointment.objects.filter(email=EMAIL).delete()  # its transitions go with it


def _accessible(page, name):
    path = screenshot(page, name)
    violations = axe_violations(page)
    assert not violations, f"axe on {page.url} ({path}):\n{describe(violations)}"
    assert page.external_requests == [], page.external_requests


def _step(page, number, label, url_part):
    assert url_part in page.url, page.url
    assert page.locator(".steppers-index").inner_text() == f"{number}/6"
    assert page.locator("h2").first.inner_text() == label
    current = page.locator('.steppers-header li[aria-current="step"]')
    assert f"Passo {number} di 6" in current.inner_text()


def _next(page, name="Avanti"):
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def test_six_steps_without_an_account_give_a_booking_code(
    browser_page, live_url, browser_comune, appointments_cleanup, django_db_blocker
):
    from django.core import mail

    from src.appointments.models import Appointment

    page = browser_page
    page.set_default_timeout(10_000)
    page.goto(live_url(browser_comune.slug, STEP))

    _step(page, 1, "Luogo", STEP)  # the flow's entry is step 1
    assert page.locator("h1").inner_text() == "Prenotazione appuntamento"
    _accessible(page, "appointment-1-place")
    # Bootstrap Italia draws its own radios and check boxes: people click the label, as here.
    page.locator("label", has_text="Sportello Facile").click()
    assert page.get_by_label("Sportello Facile").is_checked()
    _next(page)

    _step(page, 2, "Data e orario", "2-data-e-ora")
    _accessible(page, "appointment-2-when")
    first_slot = page.locator("input[name=slot]").first
    label = page.locator(f"label[for={first_slot.get_attribute('id')}]")
    slot_label = label.inner_text()
    label.click()
    assert first_slot.is_checked()
    _next(page)

    _step(page, 3, "Dettagli appuntamento", "3-dettagli")
    _accessible(page, "appointment-3-details")
    page.get_by_label("Motivo dell'appuntamento").select_option("SPID e CIE")
    page.get_by_label("Dettagli").fill("Attivare lo SPID per mia madre")
    _next(page)

    _step(page, 4, "Richiedente", "4-richiedente")
    _accessible(page, "appointment-4-applicant")
    page.get_by_label("Nome e cognome").fill("Mario Verdi")
    page.get_by_label("E-mail").fill(EMAIL)
    _next(page)

    _step(page, 5, "Riepilogo", "5-riepilogo")
    summary = page.locator('[data-element="appointment-summary"]').inner_text()
    for shown in ("Sportello Facile", slot_label, "SPID e CIE", "Attivare lo SPID per mia madre", "Mario Verdi", EMAIL):
        assert shown in summary, shown
    _accessible(page, "appointment-5-summary")
    privacy = page.get_by_label("Ho letto e compreso")  # its label holds a link: tick it from the keyboard
    privacy.focus()
    page.keyboard.press("Space")
    assert privacy.is_checked()
    _next(page, "Conferma la prenotazione")

    _step(page, 6, "Conferma", "6-conferma")
    code = page.locator('[data-element="booking-code"]').inner_text()
    assert re.fullmatch(r"[A-Z0-9-]{6,9}", code), code
    assert page.locator('[data-element="feedback"]').count() == 1  # "Quanto è stato facile...": after the service
    _accessible(page, "appointment-6-done")
    assert "conferma entro 15 minuti" in page.locator('[data-element="appointment-held"]').inner_text()
    with committed(django_db_blocker, browser_comune.municipality):
        appointment = Appointment.objects.get(code=code)
        drain_outbox()  # the e-mail leaves after the request, through the comune's outbox
    assert (appointment.state, appointment.person_id, appointment.email) == ("held", None, EMAIL)
    (held,) = [message for message in mail.outbox if message.to == [EMAIL]]
    link = re.search(r"https?://[^/\s]+(/appuntamenti/conferma/\S+/)", held.body).group(1)

    # The link in the e-mail: one button confirms.
    page.goto(live_url(browser_comune.slug, link))
    _accessible(page, "appointment-confirm")
    _next(page, "Conferma l'appuntamento")
    assert "Appuntamento confermato" in page.locator('[data-element="appointment-confirmed"]').inner_text()
    with committed(django_db_blocker, browser_comune.municipality):
        assert Appointment.objects.get(code=code).state == "booked"
        drain_outbox()  # the confirmation, with the code
    assert any(code in message.subject and message.to == [EMAIL] for message in mail.outbox)

    # With the code and the e-mail, no account: the appointment and its state.
    with page.expect_navigation():
        page.get_by_role("link", name="Verifica o annulla l'appuntamento").click()
    page.get_by_label("E-mail usata per prenotare").fill(EMAIL)
    if not page.get_by_label("Codice di prenotazione").input_value():
        page.get_by_label("Codice di prenotazione").fill(code)
    _next(page, "Verifica")
    detail = page.locator('[data-element="appointment-detail"]').inner_text()
    assert code in detail and "prenotato" in detail
    _accessible(page, "appointment-check")
