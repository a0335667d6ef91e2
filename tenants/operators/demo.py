"""Demo data: one cooperative running the hubs of Cesena and Sarsina, with one staff account."""

from datetime import date

from tenants.identity.models import User
from tenants.operators import services
from tenants.operators.access import local_today
from tenants.operators.hubs import hubs_of
from tenants.operators.models import OperatorOrganisation, OrganisationStaff, ServiceContract

STAFF_EMAIL = "operatore.cooperativa@example.org"
COMUNI = ("cesena", "sarsina")


def load_operators(*, comuni, account, lines: list[str], stdout) -> None:
    """`account(email, lines, **fields)` makes a demo account (tenants/union/demo.py), noting its password."""
    organisation, _created = OperatorOrganisation.objects.get_or_create(
        vat_number="02345670406",
        defaults={
            "name": "Cooperativa Sociale Valle del Savio (demo)",
            "email": "info@cooperativa.example.org",
            "phone": "0547 000000",
            "address": "Via dell'Esempio 1, 47521 Cesena FC",
            "contact_name": "Marta Neri",
            # Takes the card payments of the meeting room in Cesena's hub (src/payments/demo.py).
            "payments_account_id": "acct_1DemoCoopValleSavio",
        },
    )
    new_account = not User.objects.filter(email=STAFF_EMAIL).exists()
    person = account(STAFF_EMAIL, lines, first_name="Luca", last_name="Ferri")
    if new_account:
        lines[-1] += "  (personale della cooperativa, Cesena e Sarsina: /cooperativa/ sul sito dell'Unione)"
    if not OrganisationStaff.objects.filter(organisation=organisation, user=person).exists():
        services.staff_add(organisation=organisation, user=person, role=OrganisationStaff.Role.COORDINATOR)
    served = [m for m in comuni if m.slug in COMUNI]
    hubs = hubs_of(served)
    for municipality in served:
        if ServiceContract.objects.filter(organisation=organisation, municipality=municipality).exists():
            continue
        ids = [hub.id for hub in hubs if hub.municipality.pk == municipality.pk]
        if not ids:
            continue
        contract = services.contract_create(
            organisation=organisation,
            municipality=municipality,
            hub_ids=ids,
            valid_from=date(local_today().year, 1, 1),
            reference=f"DEMO-{municipality.slug.upper()}",
        )
        approver = User.objects.filter(email=f"admin.{municipality.slug}@example.org").first()
        services.contract_approve(contract=contract, by=approver, note="Dati dimostrativi")
        stdout.write(f"  {organisation.name}: contratto approvato con il Comune di {municipality.name}")
