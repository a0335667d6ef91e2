from django import template

from src.payments.models import euro as _euro

register = template.Library()


@register.filter
def euro(cents) -> str:
    """12,50 € from 1250."""
    return _euro(cents)
