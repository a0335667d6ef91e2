"""Contracts: registered by union staff, seen and decided by each comune's administrator for
their own hubs only; the organisation's identifiers are checked."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from tenants.identity.models import Role
from tenants.operators import services
from tenants.operators.access import local_today
from tenants.operators.models import OperatorOrganisation, ServiceContract
from tests.conftest import page_text
from tests.operators.test_power import client_on


def test_a_comune_administrator_sees_the_contracts_for_their_hubs_only(world, cesena_admin, sarsina_admin):
    cesena_page = client_on("cesena.localhost", cesena_admin).get("/gestione/contratti/")
    assert cesena_page.status_code == 200
    text = page_text(cesena_page)
    assert world.organisation.name in text and world.cesena.run.name in text
    assert world.sarsina.run.name not in text
    listed = [contract.pk for contract, _names in cesena_page.context["contracts"]]
    assert listed == [world.contracts["cesena"].pk]

    sarsina_page = client_on("sarsina.localhost", sarsina_admin).get("/gestione/contratti/")
    assert [c.pk for c, _names in sarsina_page.context["contracts"]] == [world.contracts["sarsina"].pk]

    # Another comune's host: no role there.
    assert client_on("sarsina.localhost", cesena_admin).get("/gestione/contratti/").status_code == 403
    # Another comune's contract by a guessed id, on one's own host: not found, and not decided.
    sarsina_contract = world.contracts["sarsina"].pk
    own = client_on("cesena.localhost", cesena_admin)
    assert own.post(f"/gestione/contratti/{sarsina_contract}/termina/").status_code == 404
    assert own.get(f"/gestione/contratti/{sarsina_contract}/attivita/").status_code == 404
    assert own.get(f"/gestione/contratti/{sarsina_contract}/attivita/2026-01.csv").status_code == 404
    assert ServiceContract.objects.get(pk=sarsina_contract).valid_until is None
    # Citizens and the cooperative's own staff do not decide.
    assert (
        client_on("cesena.localhost", world.staff)
        .post(f"/gestione/contratti/{world.contracts['cesena'].pk}/termina/")
        .status_code
        == 403
    )


def test_the_administrator_approves_or_rejects_a_pending_contract(world, cesena_admin):
    pending = services.contract_create(
        organisation=world.organisation,
        municipality=world.cesena.municipality,
        hub_ids=[world.cesena.other.pk],
        valid_from=local_today(),
        valid_until=local_today() + timedelta(days=365),
    )
    admin = client_on("cesena.localhost", cesena_admin)
    page = page_text(admin.get("/gestione/contratti/"))
    assert "in attesa di approvazione" in page and "Approva" in page
    response = admin.post(f"/gestione/contratti/{pending.pk}/respingi/", {"note": "Manca la determina"}, follow=True)
    assert "Contratto respinto." in page_text(response)
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by, pending.decision_note) == (
        "rejected",
        cesena_admin,
        "Manca la determina",
    )
    # Decided once: a second decision is refused with a message, nothing changes.
    response = admin.post(f"/gestione/contratti/{pending.pk}/approva/", follow=True)
    assert "già stato deciso" in page_text(response)
    assert ServiceContract.objects.get(pk=pending.pk).status == "rejected"


def test_hubs_are_checked_against_the_comunes_schema(world):
    # Sarsina's hub id that Cesena has too is fine; an id Cesena does not have is refused.
    with pytest.raises(ValidationError) as refused:
        services.contract_create(
            organisation=world.organisation,
            municipality=world.cesena.municipality,
            hub_ids=[987654321],
            valid_from=local_today(),
        )
    assert "non ha questi hub: 987654321" in str(refused.value)
    with pytest.raises(ValidationError):
        services.contract_create(
            organisation=world.organisation,
            municipality=world.cesena.municipality,
            hub_ids=[],
            valid_from=local_today(),
        )
    with pytest.raises(ValidationError):
        services.contract_create(
            organisation=world.organisation,
            municipality=world.cesena.municipality,
            hub_ids=[world.cesena.run.pk],
            valid_from=local_today(),
            valid_until=local_today(),
        )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("vat_number", "02345670407", "cifra di controllo"),
        ("vat_number", "1234", "11 cifre"),
        ("fiscal_code", "02345670407", "cifra di controllo"),
        ("fiscal_code", "RSSMRA80A01C573X", "carattere di controllo"),
        ("payments_account_id", "sk_live_123456789", "acct_"),
        ("payments_account_id", "acct_1N$", "acct_"),
    ],
)
def test_the_organisations_identifiers_are_validated(db, field, value, message):
    organisation = OperatorOrganisation(name="Coop", vat_number="02345670406", email="a@example.org")
    setattr(organisation, field, value)
    with pytest.raises(ValidationError) as refused:
        organisation.full_clean()
    assert message in " ".join(refused.value.message_dict[field])


def test_valid_identifiers_are_kept_normalised(db):
    organisation = OperatorOrganisation(
        name="Coop",
        vat_number="02345670406",
        fiscal_code="rssmra80a01c573d",
        email="a@example.org",
        payments_account_id="acct_1NabCDefGH123456",
    )
    organisation.full_clean()
    organisation.save()
    assert organisation.fiscal_code == "RSSMRA80A01C573D"
    assert organisation.payments_account_id == "acct_1NabCDefGH123456"


def test_union_staff_register_a_contract_in_the_union_admin(world, union_staff, cesena):
    admin = client_on("localhost", union_staff)
    page = admin.get("/admin/operators/servicecontract/add/")
    assert page.status_code == 200
    text = page_text(page)
    assert f"Cesena · {world.cesena.other.name}" in text and f"Sarsina · {world.sarsina.run.name}" in text
    data = {
        "organisation": world.organisation.pk,
        "municipality": cesena.pk,
        "reference": "Det. 12/2026",
        "valid_from": local_today().strftime("%Y-%m-%d"),
        "valid_until": "",
    }
    # A hub of another comune is refused.
    refused = admin.post(
        "/admin/operators/servicecontract/add/",
        {**data, "hubs": [f"{world.sarsina.municipality.pk}:{world.sarsina.run.pk}"]},
    )
    assert refused.status_code == 200 and "non sono del Comune di Cesena" in page_text(refused)
    saved = admin.post(
        "/admin/operators/servicecontract/add/", {**data, "hubs": [f"{cesena.pk}:{world.cesena.other.pk}"]}
    )
    assert saved.status_code == 302
    contract = ServiceContract.objects.get(reference="Det. 12/2026")
    assert (contract.hub_ids, contract.status) == ([world.cesena.other.pk], "pending")
    # A comune's administrator cannot register contracts in the union admin.
    cesena_admin = Role.objects.filter(kind="administrator", municipality=cesena).first().user
    assert client_on("localhost", cesena_admin).get("/admin/operators/servicecontract/add/").status_code == 403


def test_a_staff_member_who_erases_their_account_leaves_the_organisation(world, cesena_admin):
    from tenants.account.erasure import account_erase
    from tenants.operators.models import OrganisationStaff

    account_erase(user=world.staff)
    assert not OrganisationStaff.objects.filter(organisation=world.organisation).exists()
    # The administrator who approved goes too; the contract stays, without the name.
    account_erase(user=cesena_admin)
    contract = ServiceContract.objects.get(pk=world.contracts["cesena"].pk)
    assert contract.decided_by is None and contract.status == "approved"
