"""Which hubs a person runs for an organisation: the contracts' side of "who operates a hub".

src/hubs/permissions.py (the one place that decides who operates a hub) asks this through
tenants.identity.selectors, since src/ may import only identity and comuni. This module
reads the operators' tables and nothing else (import contract in pyproject.toml): no
reporting, no comune schema.

A staff member (active, of an active organisation) runs the hubs that the organisation's
contracts cover while approved and in force today (local date, Europe/Rome): from
`valid_from`, until the day before `valid_until`. A staff member with assignments runs
only the assigned hubs among those.
"""

from collections import defaultdict
from datetime import date, datetime

from django.utils import timezone

from tenants.comuni.clock import ROME
from tenants.operators.models import OrganisationStaff, ServiceContract


def local_today() -> date:
    return timezone.now().astimezone(ROME).date()


def memberships(user) -> list[OrganisationStaff]:
    """The person's active memberships of active organisations, with their assignments."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return list(
        OrganisationStaff.objects.filter(user_id=user.pk, is_active=True, organisation__is_active=True)
        .select_related("organisation")
        .prefetch_related("assignments")
    )


def hubs_run_by(user, *, municipality=None, day: date | None = None, at: datetime | None = None) -> dict[int, set[int]]:
    """Comune id → the ids of the hubs `user` runs there under contracts, today (or on `day`).

    With `municipality`, only that comune. Empty for anybody who is not an organisation's staff.
    """
    staff = memberships(user)
    if not staff:
        return {}
    day = day or (at.astimezone(ROME).date() if at else local_today())
    by_organisation = {member.organisation_id: member for member in staff}
    contracts = ServiceContract.objects.active_on(day).filter(organisation_id__in=by_organisation)
    if municipality is not None:
        contracts = contracts.filter(municipality_id=municipality.pk)
    run: dict[int, set[int]] = defaultdict(set)
    for organisation_id, municipality_id, hub_ids in contracts.values_list(
        "organisation_id", "municipality_id", "hub_ids"
    ):
        member = by_organisation[organisation_id]
        assigned = list(member.assignments.all())
        if assigned:
            hub_ids = [
                hub
                for hub in hub_ids
                if any(a.municipality_id == municipality_id and a.hub_id == hub for a in assigned)
            ]
        run[municipality_id].update(hub_ids)
    return {comune: hubs for comune, hubs in run.items() if hubs}


def contracted_hub_ids(user, municipality, *, day: date | None = None) -> set[int]:
    """The ids of the hubs of `municipality` that `user` runs today under their organisation's contracts."""
    if municipality is None or getattr(municipality, "pk", None) is None:
        return set()
    return hubs_run_by(user, municipality=municipality, day=day).get(municipality.pk, set())


def is_organisation_staff(user) -> bool:
    return bool(memberships(user))


def payment_organisations(municipality, *, day: date | None = None) -> list[tuple[int, str, str]]:
    """(id, name, Stripe Connect account) of the active organisations with an approved contract
    in force in `municipality` that take card payments: who a comune's price may pay by card."""
    day = day or local_today()
    contracts = ServiceContract.objects.active_on(day).filter(
        municipality_id=municipality.pk, organisation__payments_account_id__isnull=False
    )
    rows = contracts.values_list("organisation_id", "organisation__name", "organisation__payments_account_id")
    return sorted(set(rows), key=lambda row: row[1])
