"""The money pages in a real browser on a 390 px phone: the price list, an order to pay by
pagoPA with its printable notice, carnets and memberships, and the staff's reconciliation:
axe finds no serious or critical violation, nothing scrolls sideways, nothing comes from
other sites, no inline script is needed (the notice's print button is a static file)."""

from datetime import timedelta

import pytest

from tests.browser.conftest import committed
from tests.browser.harness import axe_violations, describe, screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _check(page, name):
    path = screenshot(page, name)
    violations = axe_violations(page)
    assert not violations, f"axe on {page.url} ({path}):\n{describe(violations)}"
    assert page.external_requests == [], page.external_requests
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at 390px"


@pytest.fixture
def pagopa(settings, monkeypatch):
    """The local pagoPA (tests/payments/fakes): the notice publishes its position there."""
    from tests.payments.fakes.pagopa_server import CHECKOUT_KEY, GPD_KEY, FakePagoPA

    server = FakePagoPA().start()
    settings.PAGOPA_GPD_URL = server.gpd_url()
    settings.PAGOPA_GPD_PAYMENTS_URL = server.payments_url()
    settings.PAGOPA_CHECKOUT_URL = server.checkout_url()
    monkeypatch.setenv("PAGOPA_GPD_KEY", GPD_KEY)
    monkeypatch.setenv("PAGOPA_CHECKOUT_KEY", CHECKOUT_KEY)
    yield server
    server.stop()
    assert server.violations == []


@pytest.fixture
def money(browser_comune, browser_user, django_db_blocker, pagopa):
    """A price list in Montiano's hub and an open pagoPA order of a person with a verified identity."""
    from django.utils import timezone

    from src.hubs.models import Hub
    from src.payments.models import Category, Creditor, Order, Price, PriceReduction, Product
    from src.payments.services import order_create

    person = browser_user(
        email="paga.browser@example.org", first_name="Giulia", fiscal_code_verified="RSSMRA60A01H199H"
    )
    with committed(django_db_blocker, browser_comune.municipality):
        hub = Hub.objects.get(slug=browser_comune.hub_slug)
        creditor = Creditor.objects.create(
            name="Comune di Montiano",
            kind=Creditor.Kind.PAGOPA,
            fiscal_code="00607610406",
            iban="IT60X0542811101000000123456",
            segregation_code="02",
        )
        day = Price.objects.create(creditor=creditor, hub=hub, space_kind="", product=Product.DAY, amount_cents=1000)
        PriceReduction.objects.create(price=day, category=Category.RESIDENT, amount_cents=0)
        carnet = Price.objects.create(creditor=creditor, hub=hub, product=Product.CARNET, amount_cents=4000, entries=5)
        order = order_create(
            kind=Order.Kind.PASS,
            creditor=creditor,
            amount_cents=4000,
            description=f"{carnet.label} · {hub.name}",
            now=timezone.now(),
            expires_at=timezone.now() + timedelta(hours=2),
            person=person,
            hub=hub,
            price=carnet,
            product=Product.CARNET,
        )
    yield person, order
    with committed(django_db_blocker, browser_comune.municipality):
        Order.objects.filter(pk=order.pk).delete()
        Price.objects.filter(creditor=creditor).delete()
        creditor.delete()


def test_the_money_pages_on_a_phone(browser_page, live_url, browser_comune, browser_login, money):
    person, order = money
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(live_url(browser_comune.slug, "/tariffe/"))
    assert page.locator("h1").inner_text() == "Tariffe"
    assert "residenti nel comune: gratis" in page.locator("table").inner_text()
    _check(page, "payments-prices-390")

    browser_login(page, person)
    page.goto(live_url(browser_comune.slug, f"/pagamenti/{order.reference}/"))
    assert "40,00 €" in page.locator("main, body").first.inner_text()
    assert page.get_by_role("button", name="Paga con pagoPA").is_visible()
    _check(page, "payments-order-390")

    page.goto(live_url(browser_comune.slug, f"/pagamenti/{order.reference}/avviso/"))
    assert page.locator("h1").inner_text() == "Avviso di pagamento"
    assert page.locator('[data-element="pagopa-qr"] svg').is_visible()
    _check(page, "payments-notice-390")

    page.goto(live_url(browser_comune.slug, "/pagamenti/carnet-e-abbonamenti/"))
    assert page.get_by_role("button", name="Acquista: Carnet di 5 ingressi").is_visible()
    _check(page, "payments-passes-390")
