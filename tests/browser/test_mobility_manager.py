"""The mobility manager's area in a real browser: invite an employee, who accepts in their
personal area; the usage figures; the CSV export. No serious or critical axe violation, no
sideways scroll on a 390 px phone."""

from datetime import date

import pytest

from tests.browser.conftest import committed
from tests.browser.harness import axe_violations, describe, screenshot

pytestmark = pytest.mark.browser

FORLI = "040012"
DAYS = [date(2025, 3, d) for d in (4, 5, 6, 7, 8)]  # Tuesday to Saturday: the hub is open


@pytest.fixture
def firm_area(django_db_blocker, browser_comune, browser_user):
    """A firm with a Forlì site, a union agreement, a mobility manager and five employees living in
    Sarsina who each worked a day from the Montiano hub in March 2025 (committed rows)."""
    from src.bookings.models import Booking
    from src.bookings.services import booking_create
    from src.hubs.models import Hub
    from src.outbox.models import OutboxMessage
    from tenants.comuni.models import Municipality
    from tenants.firms.models import Agreement, AgreementUse, AllowanceMonth, Enrolment, Firm, FirmManager, WorkSite
    from tenants.firms.services import manager_grant
    from tests.bookings.conftest import at

    montiano = browser_comune.municipality
    with committed(django_db_blocker):
        sarsina = Municipality.objects.get(slug="sarsina")
        firm = Firm.objects.create(
            name="Montiano Meccanica S.r.l.", tax_code="01234567897", size_band="100-249", municipality=montiano
        )
        site = WorkSite.objects.create(
            firm=firm, name="Stabilimento di Forlì", address="Via Ravegnana 1", istat_code=FORLI
        )
        agreement = Agreement.objects.create(
            firm=firm, title="Hub dell'Unione", valid_from=date(2024, 1, 1), state="active", allowance_days=8
        )
    manager = browser_user(email="mm.browser@example.org", first_name="Laura", last_name="Mobility")
    employees = [
        browser_user(email=f"operaio{n}@example.org", first_name=f"Operaio{n}", home_municipality=sarsina)
        for n in range(5)
    ]
    with committed(django_db_blocker):
        manager_grant(firm=firm, user=manager)
        for person in employees:
            Enrolment.objects.create(firm=firm, user=person, site=site, state="active")
    with committed(django_db_blocker, montiano):
        hub = Hub.objects.get(slug=browser_comune.hub_slug)
        space = hub.spaces.get(name="Sala della scuola")
        codes = []
        for person, day in zip(employees, DAYS):
            booking = booking_create(
                person=person,
                space=space,
                period=(at(day, "10:00"), at(day, "11:00")),
                channel="web",
                notify=False,
                now=at(date(2025, 3, 3), "08:00"),
            )
            codes.append(booking.code)
        Booking.objects.filter(code__in=codes).update(state="completed")
    yield firm, manager
    with committed(django_db_blocker, montiano):
        Booking.objects.filter(agreement_id=agreement.pk).delete()
        OutboxMessage.objects.filter(kind="firms.invited").delete()
    with committed(django_db_blocker):
        AgreementUse.objects.filter(agreement=agreement).delete()
        AllowanceMonth.objects.filter(agreement=agreement).delete()
        Enrolment.objects.filter(firm=firm).delete()
        FirmManager.objects.filter(firm=firm).delete()
        agreement.delete()
        site.delete()
        firm.delete()


def _check(page, name):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"
    shot = screenshot(page, name)
    violations = axe_violations(page)
    assert not violations, f"axe on {page.url} ({shot}):\n{describe(violations)}"
    assert page.external_requests == [], page.external_requests
    assert page.console_errors == [], page.console_errors


def test_invite_accept_usage_and_export(firm_area, browser_page, live_url, browser_user, browser_login):
    firm, manager = firm_area
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, manager, None)
    area = live_url(None, f"/aziende/mobility-manager/{firm.pk}/?anno=2025")
    page.goto(live_url(None, "/aziende/mobility-manager/"))
    assert page.url.startswith(live_url(None, f"/aziende/mobility-manager/{firm.pk}/"))
    page.goto(area)
    # Usage: March 2025, five people, one day each, 2 × (46 − 35) km each = 110 km.
    march = page.locator('[data-element="pscl-months"] tbody tr').first
    assert "marzo 2025" in march.inner_text().lower()
    assert [c.strip() for c in march.locator("td").all_inner_texts()][:4] == ["5", "5", "5", "110"]
    assert page.locator('[data-element="pscl-chart"]').is_visible()
    _check(page, "mobility-manager-area")

    # Invite.
    page.get_by_label("E-mail del dipendente").fill("nuova.collega@example.org")
    page.get_by_role("button", name="Invia l'invito").click()
    assert "Invito inviato a nuova.collega@example.org" in page.locator("body").inner_text()
    assert "nuova.collega@example.org" in page.locator('[data-element="firm-people"]').inner_text()

    # Accept, in the personal area of the person invited.
    colleague = browser_user(email="nuova.collega@example.org", first_name="Nuova", last_name="Collega")
    browser_login(page, colleague, None)
    page.goto(live_url(None, "/account/azienda/"))
    _check(page, "account-firm")
    page.get_by_role("button", name="Accetta l'invito di Montiano Meccanica S.r.l.").click()
    assert "Ora sei iscritto a Montiano Meccanica S.r.l." in page.locator("body").inner_text()
    assert "Montiano Meccanica" in page.locator('[data-element="firm-enrolments"]').inner_text()

    # Back to the mobility manager: the person is enrolled; the export.
    browser_login(page, manager, None)
    page.goto(area)
    people = page.locator('[data-element="firm-people"]').inner_text()
    assert "Nuova Collega" in people and "iscritto" in people
    with page.expect_download() as download:
        page.locator('[data-element="pscl-csv"]').click()
    content = open(download.value.path(), encoding="utf-8").read()
    assert "2025-03,tutte le sedi,5,5,5,110," in content
    page.goto(live_url(None, f"/aziende/mobility-manager/{firm.pk}/pscl/?anno=2025"))
    assert "ISPRA" in page.locator('[data-element="emission-factors"]').inner_text()
    _check(page, "pscl-print")
