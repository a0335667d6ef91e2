"""Who sees which comuni's figures: the policy decides, reporting only asks it."""

from tenants.identity.policy import Action, can
from tenants.reporting.schemas import ComuneSchema, comune_schemas


def union_dashboard_allowed(user) -> bool:
    return can(user, Action.VIEW_UNION_REPORTS)


def comuni_visible_to(user) -> list[ComuneSchema]:
    """Every comune for union staff; otherwise the comuni where the person may see reports."""
    if union_dashboard_allowed(user):
        return comune_schemas()
    if not getattr(user, "is_authenticated", False):
        return []
    from tenants.comuni.models import Municipality

    slugs = [
        m.slug
        for m in Municipality.objects.filter(roles__user=user).distinct()
        if can(user, Action.VIEW_COMUNE_REPORTS, m)
    ]
    return comune_schemas(slugs) if slugs else []


def comune_reports_allowed(user, municipality) -> bool:
    return can(user, Action.VIEW_COMUNE_REPORTS, municipality)
