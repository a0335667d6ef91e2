"""Writes on organisations, contracts and staff.

Union staff register contracts (the union admin); the comune's administrator approves
or rejects them (tenants/operators/views.py, on the comune's site); either may end one,
which takes the power away the same day. Refusals are `ValidationError`s with an
Italian message: the admin and the pages show them as they are.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.operators.access import local_today
from tenants.operators.hubs import hubs_of
from tenants.operators.models import OrganisationStaff, ServiceContract, StaffAssignment

# What a contract gives power over: changing any of these needs the comune's approval again.
TERMS = ("organisation_id", "municipality_id", "hub_ids", "valid_from", "valid_until")


def hubs_check(*, municipality, hub_ids) -> list[int]:
    """`hub_ids` as a sorted list without repeats, each a hub of `municipality` (read in its schema)."""
    wanted = sorted({int(hub) for hub in hub_ids})
    if not wanted:
        raise ValidationError({"hub_ids": _("Scegli almeno un hub gestito dal contratto.")}, code="no_hub")
    known = {hub.id for hub in hubs_of([municipality])}
    unknown = [hub for hub in wanted if hub not in known]
    if unknown:
        raise ValidationError(
            {
                "hub_ids": _("Il Comune di %(comune)s non ha questi hub: %(ids)s.")
                % {"comune": municipality.name, "ids": ", ".join(map(str, unknown))}
            },
            code="unknown_hub",
        )
    return wanted


def contract_save(*, contract: ServiceContract) -> ServiceContract:
    """Create or change a contract (union staff). New terms wait for the comune's approval again."""
    contract.hub_ids = hubs_check(municipality=contract.municipality, hub_ids=contract.hub_ids or [])
    contract.full_clean()
    with transaction.atomic():
        if contract.pk:
            before = ServiceContract.objects.select_for_update().get(pk=contract.pk)
            changed = any(getattr(before, name) != getattr(contract, name) for name in TERMS)
            if changed and contract.status != ServiceContract.Status.PENDING:
                contract.status = ServiceContract.Status.PENDING
                contract.decided_by, contract.decided_at = None, None
        else:
            contract.status = ServiceContract.Status.PENDING
        contract.save()
    return contract


def contract_create(
    *,
    organisation,
    municipality,
    hub_ids,
    valid_from: date,
    valid_until: date | None = None,
    reference: str = "",
) -> ServiceContract:
    return contract_save(
        contract=ServiceContract(
            organisation=organisation,
            municipality=municipality,
            hub_ids=list(hub_ids),
            valid_from=valid_from,
            valid_until=valid_until,
            reference=reference,
        )
    )


def _decide(*, contract: ServiceContract, by, status: str, note: str) -> ServiceContract:
    with transaction.atomic():
        locked = ServiceContract.objects.select_for_update().get(pk=contract.pk)
        if locked.status != ServiceContract.Status.PENDING:
            raise ValidationError(
                _("Questo contratto è già stato deciso (%(status)s).") % {"status": locked.get_status_display()},
                code="already_decided",
            )
        locked.status = status
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.decision_note = (note or "")[:300]
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return locked


def contract_approve(*, contract: ServiceContract, by, note: str = "") -> ServiceContract:
    """The comune's administrator approves: from `valid_from` the organisation's staff run the hubs."""
    return _decide(contract=contract, by=by, status=ServiceContract.Status.APPROVED, note=note)


def contract_reject(*, contract: ServiceContract, by, note: str = "") -> ServiceContract:
    return _decide(contract=contract, by=by, status=ServiceContract.Status.REJECTED, note=note)


def contract_end(*, contract: ServiceContract, by, on: date | None = None) -> ServiceContract:
    """End a contract: from `on` (today by default) its staff no longer run its hubs, at once."""
    on = on or local_today()
    with transaction.atomic():
        locked = ServiceContract.objects.select_for_update().get(pk=contract.pk)
        if locked.valid_until is not None and locked.valid_until <= on:
            raise ValidationError(_("Questo contratto è già terminato."), code="already_ended")
        # Ended before it started: an empty period (valid_until = valid_from), never any power.
        locked.valid_until = max(on, locked.valid_from)
        locked.ended_by = by
        locked.ended_at = timezone.now()
        locked.save()
    return locked


def staff_add(*, organisation, user, role: str = OrganisationStaff.Role.OPERATOR) -> OrganisationStaff:
    staff, _created = OrganisationStaff.objects.update_or_create(
        organisation=organisation, user=user, defaults={"role": role, "is_active": True}
    )
    return staff


def staff_assign(*, staff: OrganisationStaff, municipality, hub_id: int) -> StaffAssignment:
    """Limit a staff member to a hub (larger teams): one the organisation has a contract for."""
    assignment = StaffAssignment(staff=staff, municipality=municipality, hub_id=hub_id)
    assignment.full_clean(validate_unique=False)
    assignment, _created = StaffAssignment.objects.get_or_create(staff=staff, municipality=municipality, hub_id=hub_id)
    return assignment
