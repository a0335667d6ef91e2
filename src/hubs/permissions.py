"""API permissions from the role policy, shared by the comune's apps, and the one place that
decides who operates a hub's front desk (pages, desk agendas, event attendance, the API)."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from src.hubs.models import Hub, HubOperator
from tenants.identity.policy import Action, can
from tenants.identity.selectors import hubs_operated_under_contract


class ComuneAdministratorOrReadOnly(BasePermission):
    """Anyone may read; writing needs the administrator role of the comune being served."""

    message = _("Per modificare questi dati serve il ruolo di amministratore di questo comune.")

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return can(request.user, Action.ADMINISTER_COMUNE, getattr(request, "municipality", None))


def may_see_unpublished(request) -> bool:
    """Administrators and operators also see hubs that are not published yet."""
    return can(request.user, Action.VIEW_COMUNE_CATALOGUE_ADMIN, getattr(request, "municipality", None))


def can_operate_hub(user, municipality, hub) -> bool:
    """Front-desk powers over a hub: the comune's administrators everywhere; the comune's
    operators in their assigned hubs (HubOperator); an operator organisation's staff in the
    hubs its approved contracts in force cover today (tenants/operators, no grant by hand)."""
    if can(user, Action.ADMINISTER_COMUNE, municipality):
        return True
    if can(user, Action.OPERATE_FRONT_DESK, municipality) and HubOperator.objects.filter(hub=hub, user=user).exists():
        return True
    return hub.pk in hubs_operated_under_contract(user, municipality)


def front_desk_hubs(user, municipality) -> list[Hub]:
    """The hubs whose front desk `user` may run: all for the comune's administrators; the
    assigned ones (HubOperator) for the comune's operators, and the contracted ones for an
    operator organisation's staff; none for anybody else."""
    if can(user, Action.ADMINISTER_COMUNE, municipality):
        return list(Hub.objects.order_by("name"))
    ids = set(hubs_operated_under_contract(user, municipality))
    if can(user, Action.OPERATE_FRONT_DESK, municipality):
        ids |= set(HubOperator.objects.filter(user=user).values_list("hub_id", flat=True))
    if not ids:
        return []
    return list(Hub.objects.filter(pk__in=ids).order_by("name"))
