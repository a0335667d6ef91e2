"""Who may see and change which firm: the firm scope of the `mobility_manager` role.

A mobility manager's powers (`Action.MANAGE_FIRM`, tenants/identity/policy.py) hold only
in the firms where they are a `FirmManager`. Onboarding (`Action.ONBOARD_FIRMS`) belongs to
union staff, for every firm, and to a comune's administrators, for the firms their comune
follows and the agreements it signs. Another firm's id answers 404, as an unknown id does:
a guessed id tells nothing.
"""

from django.http import Http404

from tenants.firms.models import Agreement, Firm
from tenants.identity.models import Role
from tenants.identity.policy import ROLE_ACTIONS, Action, can


def managed_firms(user):
    """The active firms `user` is a mobility manager of."""
    if not can(user, Action.MANAGE_FIRM):
        return Firm.objects.none()
    return Firm.objects.filter(managers__user=user, state=Firm.State.ACTIVE).distinct()


def managed_firm_get(user, firm_id) -> Firm:
    firm = managed_firms(user).filter(pk=firm_id).first() if str(firm_id).isdigit() else None
    if firm is None:
        raise Http404
    return firm


def onboarding_comuni(user):
    """None: every comune (union staff); else the ids of the comuni `user` administers."""
    if can(user, Action.ONBOARD_FIRMS):  # a union role (on the union site: no comune)
        return None
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return {
        role.municipality_id
        for role in Role.objects.filter(user=user, municipality__isnull=False)
        if Action.ONBOARD_FIRMS in ROLE_ACTIONS[role.kind]
    }


def may_onboard(user) -> bool:
    comuni = onboarding_comuni(user)
    return comuni is None or bool(comuni)


def onboarded_firms(user):
    """Firms the person may onboard and edit: all (union staff), or those their comune follows."""
    comuni = onboarding_comuni(user)
    if comuni is None:
        return Firm.objects.all()
    return Firm.objects.filter(municipality_id__in=comuni)


def onboarded_firm_get(user, firm_id) -> Firm:
    firm = onboarded_firms(user).filter(pk=firm_id).first() if str(firm_id).isdigit() else None
    if firm is None:
        raise Http404
    return firm


def may_read_agreement(user, agreement: Agreement) -> bool:
    """The signed document: the firm's mobility managers, union staff, the comune's administrators
    (the comune that signed it, or that follows the firm)."""
    if managed_firms(user).filter(pk=agreement.firm_id).exists():
        return True
    comuni = onboarding_comuni(user)
    return comuni is None or bool(comuni & {agreement.municipality_id, agreement.firm.municipality_id} - {None})
