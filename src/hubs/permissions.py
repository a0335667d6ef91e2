"""API permissions from the role policy, shared by the comune's apps."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

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
