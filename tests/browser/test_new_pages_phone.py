"""The pages the last merges added, each on a 390 × 844 phone as the person it is for: no
sideways scroll, and axe finds no serious or critical violation.

The cooperative's console and report, the comune's contracts page, the firms' pages (the
application form, union staff's review, the mobility manager's area, a citizen's "azienda"),
the second factor's pages, the seat plan and the week view, the installable app's offline page.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode, urlsplit

import pytest

from tests.browser.conftest import committed
from tests.browser.harness import axe_violations, describe, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@dataclass
class Cast:
    people: dict
    contract_id: int
    firm_id: int  # the mobility manager's firm
    applied_firm_id: int  # an application union staff review
    slot: str  # ?start=…&end=… of a free slot of Montiano's hub, as the availability page links it


@pytest.fixture(scope="module")
def cast(django_db_blocker, browser_comune):
    """Committed people and rows in Montiano for every page of the list; removed afterwards."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from src.common.time import local_today
    from src.hubs.models import Hub
    from tenants.firms.models import Agreement, Firm, FirmManager, WorkSite
    from tenants.firms.services import manager_grant
    from tenants.identity.models import Role
    from tenants.operators import services as operators
    from tenants.operators.models import OperatorOrganisation, ServiceContract
    from tests.fixtures import UserFactory

    montiano = browser_comune.municipality
    with committed(django_db_blocker, montiano):
        hub = Hub.objects.get(slug=browser_comune.hub_slug)
        slot = _first_free_slot(hub)
    with committed(django_db_blocker):
        people = {
            "citizen": UserFactory(email="telefono.cittadina@example.org", first_name="Giulia"),
            "admin": UserFactory(email="telefono.admin@example.org", first_name="Marta"),
            "coop": UserFactory(email="telefono.coop@example.org", first_name="Luca"),
            "union_staff": UserFactory(email="telefono.unione@example.org", first_name="Elena"),
            "manager": UserFactory(email="telefono.mm@example.org", first_name="Laura"),
            "new_staff": UserFactory(email="telefono.nuovo.staff@example.org", first_name="Paolo"),
            "staff_with_app": UserFactory(email="telefono.staff.app@example.org", first_name="Sara"),
        }
        Role.objects.create(user=people["admin"], kind=Role.Kind.ADMINISTRATOR, municipality=montiano)
        Role.objects.create(user=people["union_staff"], kind=Role.Kind.UNION_STAFF)
        for who in ("new_staff", "staff_with_app"):
            Role.objects.create(user=people[who], kind=Role.Kind.ADMINISTRATOR, municipality=montiano)
        TOTPDevice.objects.create(user=people["staff_with_app"], name="app", confirmed=True)
        organisation = OperatorOrganisation.objects.create(
            name="Cooperativa al telefono", vat_number="02345670406", email="telefono@coop.example.org"
        )
        operators.staff_add(organisation=organisation, user=people["coop"])
        contract = operators.contract_create(
            organisation=organisation,
            municipality=montiano,
            hub_ids=[hub.pk],
            valid_from=local_today() - timedelta(days=40),
        )
        operators.contract_approve(contract=contract, by=people["admin"])
        firm = Firm.objects.create(
            name="Telefonia Montiano S.r.l.", tax_code="12345678903", size_band="100-249", municipality=montiano
        )
        WorkSite.objects.create(firm=firm, name="Sede", address="Via Emilia 1", istat_code="040028")
        Agreement.objects.create(
            firm=firm, title="Convenzione al telefono", valid_from=date(2024, 1, 1), state="active", allowance_days=8
        )
        manager_grant(firm=firm, user=people["manager"])
        applied = Firm.objects.create(
            name="Domanda in esame S.p.A.",
            tax_code="01234567897",
            size_band="10-49",
            state=Firm.State.APPLIED,
            applied_by=people["citizen"],
            application_note="Vorremmo una convenzione per i dipendenti che abitano in valle.",
        )
        WorkSite.objects.create(firm=applied, name="Sede", address="Via Roma 2", istat_code="040007")
    yield Cast(people, contract.pk, firm.pk, applied.pk, slot)
    with committed(django_db_blocker):
        ServiceContract.objects.filter(organisation=organisation).delete()
        organisation.delete()
        for each in (firm, applied):
            Agreement.objects.filter(firm=each).delete()
            FirmManager.objects.filter(firm=each).delete()
            WorkSite.objects.filter(firm=each).delete()
            each.delete()
    with committed(django_db_blocker, montiano):
        for person in people.values():
            person.delete()


def _first_free_slot(hub) -> str:
    from django.utils import timezone

    from src.bookings.availability import hub_availability
    from src.common.time import local_today

    for ahead in range(1, 8):
        grid = hub_availability(hub, local_today() + timedelta(days=ahead), now=timezone.now())
        if grid.slots:
            start, end = grid.slots[0]
            return urlencode({"start": start.isoformat(), "end": end.isoformat()})
    raise AssertionError("Montiano's hub has no slot in the coming week")


def _sign_in(page, person, django_db_blocker, live_url, host_slug, *, second_factor=True):
    """A session cookie for `person` on the host: with the second factor (tests/signin.py), or
    with the password alone, as a staff member is before typing the code."""
    from django.conf import settings
    from django.test import Client

    from tests.signin import sign_in_staff

    with committed(django_db_blocker):
        client = Client()
        if second_factor:
            sign_in_staff(client, person)
        else:
            client.force_login(person)
    name = settings.SESSION_COOKIE_NAME
    page.context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": live_url(host_slug)}])


PAGES = [
    # (who, host: None for the union, path; {hub}, {contract}, {firm}, {slot} filled in)
    (None, None, "/aziende/"),
    (None, None, "/senza-connessione/"),
    (None, "montiano", "/senza-connessione/"),
    ("citizen", None, "/account/azienda/"),
    ("citizen", "montiano", "/prenota/{hub}/posto/?{slot}"),
    ("citizen", "montiano", "/prenota/{hub}/settimana/"),
    ("coop", None, "/cooperativa/"),
    ("coop", None, "/cooperativa/contratti/"),
    ("coop", None, "/cooperativa/contratti/{contract}/attivita/"),
    ("admin", "montiano", "/gestione/contratti/"),
    ("admin", "montiano", "/gestione/contratti/{contract}/attivita/"),
    ("union_staff", None, "/aziende/gestione/"),
    ("union_staff", None, "/aziende/gestione/nuova/"),
    ("union_staff", None, "/aziende/gestione/{firm}/convenzioni/nuova/"),
    ("manager", None, "/aziende/mobility-manager/{firm}/"),
    ("manager", None, "/aziende/mobility-manager/{firm}/pscl/"),
    ("new_staff", None, "/account/secondo-fattore/attiva/"),
    ("staff_with_app", None, "/account/secondo-fattore/"),
    ("admin", None, "/account/secondo-fattore/codici/"),
]


@pytest.mark.parametrize("who, host, path", PAGES, ids=[f"{w or 'anonimo'}:{h or 'unione'}:{p}" for w, h, p in PAGES])
def test_new_page_on_a_phone(browser_page, live_url, browser_comune, django_db_blocker, cast, who, host, path):
    page = browser_page
    page.set_viewport_size(PHONE)
    if who is not None:
        pending = who in ("new_staff", "staff_with_app")  # their pages come before the second factor
        _sign_in(page, cast.people[who], django_db_blocker, live_url, host, second_factor=not pending)
    url = path.format(hub=browser_comune.hub_slug, contract=cast.contract_id, firm=cast.firm_id, slot=cast.slot)
    response = page.goto(live_url(host, url))
    assert response.status == 200, f"{url} as {who}: {response.status}"
    assert urlsplit(page.url).path == urlsplit(url).path, f"{url} as {who} went to {page.url}"
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    shot = screenshot(page, f"phone-{who or 'anonimo'}{urlsplit(url).path.replace('/', '-').rstrip('-')}")
    assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at 390 px ({shot})"
    violations = axe_violations(page)
    assert not violations, f"axe on {url} ({shot}):\n{describe(violations)}"
    assert page.external_requests == [], page.external_requests
