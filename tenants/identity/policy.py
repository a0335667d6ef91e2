"""Who may do what, and where: the one place views ask.

Every active account is a citizen everywhere (one identity across the union);
other powers come from a Role scoped to one comune, or to the union.
"""

from enum import StrEnum

from django.db.models import prefetch_related_objects

from tenants.identity.models import Role


class Action(StrEnum):
    BOOK = "book"
    ADMINISTER_COMUNE = "administer_comune"
    VIEW_COMUNE_CATALOGUE_ADMIN = "view_comune_catalogue_admin"
    OPERATE_FRONT_DESK = "operate_front_desk"
    VIEW_COMUNE_REPORTS = "view_comune_reports"
    VIEW_UNION_REPORTS = "view_union_reports"
    MANAGE_COMUNI = "manage_comuni"
    # A mobility manager's area: scoped to the firms they manage (tenants/firms/access.py).
    MANAGE_FIRM = "manage_firm"
    # Firms and agreements: union staff for all, a comune's administrators for their comune's.
    ONBOARD_FIRMS = "onboard_firms"


# Powers a role gives in its comune (union roles: everywhere).
ROLE_ACTIONS: dict[str, set[Action]] = {
    Role.Kind.CITIZEN: {Action.BOOK},
    Role.Kind.ADMINISTRATOR: {
        Action.BOOK,
        Action.ADMINISTER_COMUNE,
        Action.VIEW_COMUNE_CATALOGUE_ADMIN,
        Action.OPERATE_FRONT_DESK,
        Action.VIEW_COMUNE_REPORTS,
        Action.ONBOARD_FIRMS,
    },
    Role.Kind.OPERATOR: {Action.BOOK, Action.VIEW_COMUNE_CATALOGUE_ADMIN, Action.OPERATE_FRONT_DESK},
    Role.Kind.UNION_STAFF: {
        Action.BOOK,
        Action.VIEW_COMUNE_REPORTS,
        Action.VIEW_UNION_REPORTS,
        Action.MANAGE_COMUNI,
        Action.ONBOARD_FIRMS,
    },
    Role.Kind.MOBILITY_MANAGER: {Action.BOOK, Action.MANAGE_FIRM},
}


def actions_for(user, municipality=None) -> set[Action]:
    """Everything `user` may do in `municipality` (None: on the union site)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    if user.is_superuser:
        return set(Action)
    granted = {Action.BOOK}
    # A page asks many times (the admin: every model, every permission); read the roles once
    # per user object, i.e. once per request.
    if "roles" not in getattr(user, "_prefetched_objects_cache", {}):
        prefetch_related_objects([user], "roles")
    for role in user.roles.all():
        if role.municipality_id is None or (municipality is not None and role.municipality_id == municipality.pk):
            granted |= ROLE_ACTIONS[role.kind]
    return granted


def can(user, action: Action, municipality=None) -> bool:
    return action in actions_for(user, municipality)
