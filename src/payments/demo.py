"""Demo price list for `make run`: Cesena's hub charges, every other hub stays free.

- coworking seats: half day 6 €, day 10 €, paid to the Comune di Cesena through pagoPA;
  free for residents, 5 € a day for under 35s; carnet of 10 entries and monthly membership;
- the meeting room: 15 € an hour by card, to the cooperative that runs the hub (a Stripe
  Connect account), 10 € for residents.

The demo citizen lives in Cesena, so her seat bookings stay free. Paying needs the providers'
keys in the environment (README, "Payments"). Safe to run again.
"""

from django_tenants.utils import tenant_context

from src.hubs.models import Hub, Space
from src.payments.models import Category, Creditor, Price, PriceReduction, Product
from tenants.identity.selectors import card_creditor_organisations

COMUNE_FISCAL_CODE = "00143280402"  # Comune di Cesena
DEMO_IBAN = "IT60X0542811101000000123456"
COOPERATIVE_ACCOUNT = "acct_1DemoCoopValleSavio"


def load_payments(*, comuni, stdout) -> None:
    cesena = next((m for m in comuni if m.slug == "cesena"), None)
    if cesena is None:
        return
    with tenant_context(cesena):
        hub = Hub.objects.filter(slug="hub-cesena").first()
        if hub is None or Price.objects.filter(hub=hub).exists():
            stdout.write("  Cesena: demo prices already there" if hub else "  Cesena: no demo hub to price")
            return
        comune, _ = Creditor.objects.get_or_create(
            kind=Creditor.Kind.PAGOPA,
            fiscal_code=COMUNE_FISCAL_CODE,
            defaults={
                "name": "Comune di Cesena",
                "iban": DEMO_IBAN,
                "segregation_code": "01",
                "station_id": "00143280402_01",
                "key_name": "CESENA",
            },
        )
        # The cooperative running the hub under contract, with its own Connect account.
        organisation = next(iter(card_creditor_organisations(cesena)), None)
        if organisation is not None:
            cooperative, _ = Creditor.objects.get_or_create(
                kind=Creditor.Kind.CARD,
                operator_id=organisation[0],
                defaults={"name": organisation[1], "stripe_account_id": organisation[2]},
            )
        else:
            cooperative, _ = Creditor.objects.get_or_create(
                kind=Creditor.Kind.CARD,
                stripe_account_id=COOPERATIVE_ACCOUNT,
                defaults={"name": "Cooperativa Valle del Savio (demo)"},
            )
        cowork = Space.Kind.COWORKING
        half = Price.objects.create(
            creditor=comune, hub=hub, space_kind=cowork, product=Product.HALF_DAY, amount_cents=600
        )
        day = Price.objects.create(creditor=comune, hub=hub, space_kind=cowork, product=Product.DAY, amount_cents=1000)
        for price in (half, day):
            PriceReduction.objects.create(price=price, category=Category.RESIDENT, amount_cents=0)
        PriceReduction.objects.create(price=day, category=Category.UNDER_35, amount_cents=500)
        PriceReduction.objects.create(price=half, category=Category.UNDER_35, amount_cents=300)
        Price.objects.create(
            creditor=comune, hub=hub, space_kind=cowork, product=Product.CARNET, amount_cents=8000, entries=10
        )
        Price.objects.create(creditor=comune, hub=hub, space_kind=cowork, product=Product.MONTHLY, amount_cents=12000)
        room = Price.objects.create(
            creditor=cooperative, hub=hub, space_kind=Space.Kind.MEETING, product=Product.HOURLY, amount_cents=1500
        )
        PriceReduction.objects.create(price=room, category=Category.RESIDENT, amount_cents=1000)
    stdout.write(f"  Cesena: demo price list at {hub.name} (pagoPA to the comune, card to the cooperative)")
