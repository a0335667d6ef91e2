"""API permissions from the role policy, shared by the comune's apps."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from src.hubs.models import Hub, HubOperator
from tenants.identity.policy import Action, can


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
    """Front-desk powers over a hub: the comune's administrators everywhere, operators in their assigned hubs."""
    if not can(user, Action.OPERATE_FRONT_DESK, municipality):
        return False
    if can(user, Action.ADMINISTER_COMUNE, municipality):
        return True
    return HubOperator.objects.filter(hub=hub, user=user).exists()


def front_desk_hubs(user, municipality) -> list[Hub]:
    """The hubs whose front desk `user` may run: all for the comune's administrators,
    the assigned ones (HubOperator) for operators, none for anybody else."""
    if not can(user, Action.OPERATE_FRONT_DESK, municipality):
        return []
    if can(user, Action.ADMINISTER_COMUNE, municipality):
        return list(Hub.objects.order_by("name"))
    return list(Hub.objects.filter(pk__in=HubOperator.objects.filter(user=user).values("hub_id")).order_by("name"))
