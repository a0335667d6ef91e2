"""Numbers as an Italian reader expects them: 1.234, 12,5 %, +3,0 punti."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tenants.reporting.tables import CHANGE, EUR, INT, NUM, PCT, POINTS

register = template.Library()


@register.filter
def cell(value, kind):
    if value is None or value == "":
        return "—"
    if kind != "text" and isinstance(value, float):
        # Django's number_format cuts decimals off instead of rounding them.
        value = round(value, 0 if kind == INT else 2 if kind == EUR else 1)
    if kind == INT:
        return number_format(value, 0, force_grouping=True)
    if kind == NUM:
        return number_format(value, 1, force_grouping=True)
    if kind == EUR:
        return f"{number_format(value, 2, force_grouping=True)} €"
    if kind == PCT:
        return f"{number_format(value, 1)} %"
    if kind == CHANGE:
        return f"{'+' if value > 0 else ''}{number_format(value, 1)} %"
    if kind == POINTS:
        return _("%(sign)s%(value)s punti") % {"sign": "+" if value > 0 else "", "value": number_format(value, 1)}
    return value


@register.filter
def numeric(kind):
    """Numbers are right-aligned, so digits line up."""
    return kind != "text"
