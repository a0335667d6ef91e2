"""Reads about organisations and contracts for the pages (not the power check: access.py)."""

from django.db.models import QuerySet

from tenants.identity.policy import Action, can
from tenants.operators.access import memberships
from tenants.operators.hubs import hub_index
from tenants.operators.models import OrganisationStaff, ServiceContract


def contracts_for_comune(municipality) -> QuerySet[ServiceContract]:
    """A comune's contracts, latest first: what its administrator sees and decides."""
    return (
        ServiceContract.objects.filter(municipality=municipality)
        .select_related("organisation", "municipality", "decided_by", "ended_by")
        .order_by("-valid_from", "-id")
    )


def contracts_for_staff(user) -> QuerySet[ServiceContract]:
    """The contracts of the organisations the person works for."""
    organisations = [member.organisation_id for member in memberships(user)]
    return (
        ServiceContract.objects.filter(organisation_id__in=organisations)
        .select_related("organisation", "municipality")
        .order_by("municipality__name", "-valid_from", "-id")
    )


def contract_visible_to(user, contract: ServiceContract, municipality=None) -> bool:
    """Who may read a contract and its reports: on a comune's site, its administrators (and only
    for that comune's contracts); on the union site, union staff and the organisation's staff."""
    if municipality is not None:
        return contract.municipality_id == municipality.pk and can(user, Action.ADMINISTER_COMUNE, municipality)
    if can(user, Action.MANAGE_COMUNI):
        return True
    return OrganisationStaff.objects.filter(
        organisation_id=contract.organisation_id,
        user_id=getattr(user, "pk", None),
        is_active=True,
        organisation__is_active=True,
    ).exists()


def with_hub_names(contracts) -> list[tuple[ServiceContract, list[str]]]:
    """Each contract with the names of its hubs, read from the comuni's schemas in one query."""
    contracts = list(contracts)
    comuni = {c.municipality_id: c.municipality for c in contracts}
    index = hub_index(list(comuni.values()))
    return [
        (
            contract,
            [
                index[(contract.municipality_id, hub)].name
                if (contract.municipality_id, hub) in index
                else f"hub {hub}"
                for hub in contract.hub_ids
            ],
        )
        for contract in contracts
    ]
