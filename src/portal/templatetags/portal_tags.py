"""Small presentation helpers shared by the citizen's pages (comune and union sites)."""

from itertools import groupby

from django import forms, template

from tenants.comuni.selectors import union_url

register = template.Library()


@register.filter
def hours(intervals) -> str:
    """[(start, end), ...] of aware datetimes (already in Europe/Rome) -> "09:00–13:00, 14:30–18:00"."""
    return ", ".join(f"{start:%H:%M}–{end:%H:%M}" for start, end in intervals or [])


@register.filter
def weekly_hours(rows) -> list[tuple[str, str]]:
    """Weekly rows with weekday/opens/closes (hub or desk hours) -> [("martedì", "09:00–13:00, 14:30–17:30")]."""
    ordered = sorted(rows, key=lambda r: (r.weekday, r.opens))
    return [
        (group[0].get_weekday_display(), ", ".join(f"{r.opens:%H:%M}–{r.closes:%H:%M}" for r in group))
        for group in (list(g) for _weekday, g in groupby(ordered, key=lambda r: r.weekday))
    ]


@register.simple_tag(takes_context=True)
def union_home_url(context, path: str = "/") -> str:
    """The union site's address, from any comune's page (another host, so absolute)."""
    request = context.get("request")
    return union_url(path, request=request)


_WIDGET_CLASS = {
    forms.Select: "form-select",
    forms.SelectMultiple: "form-select",
    forms.CheckboxInput: "form-check-input",
    forms.RadioSelect: "form-check-input",
    forms.CheckboxSelectMultiple: "form-check-input",
}


@register.filter
def bi_field(field):
    """Render a bound field with Bootstrap Italia's classes and the ARIA links to its help and errors.

    Forms written by other apps stay untouched: the classes are added at render time,
    only when the widget has none of its own.
    """
    widget = field.field.widget
    attrs = {}
    css = next((c for kind, c in _WIDGET_CLASS.items() if isinstance(widget, kind)), "form-control")
    if not widget.attrs.get("class"):
        attrs["class"] = css
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_help")
    if field.errors:
        attrs["aria-invalid"] = "true"
        described_by.append(f"{field.auto_id}_errors")
    if described_by and "aria-describedby" not in widget.attrs:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.simple_tag
def page_rating_aspects(kind: str) -> list[tuple[str, str]]:
    """The follow-up answers of the rating widget: "positive" (4-5 stars) or "negative" (1-3)."""
    from src.portal.models import PageRating  # a tenant model: imported only when a comune page renders

    aspects = PageRating.POSITIVE_ASPECTS if kind == "positive" else PageRating.NEGATIVE_ASPECTS
    return [(a.value, a.label) for a in aspects]


@register.filter
def desk_kind_label(kind: str) -> str:
    """A desk kind's Italian name ("sportello_facile" -> "Sportello Facile"), for rows read in SQL."""
    from src.desks.models import ServiceDesk

    return dict(ServiceDesk.Kind.choices).get(kind, kind)


@register.filter
def day_label(day, with_year: bool = False) -> str:
    """ "martedì 24 novembre": Italian writes weekdays and months in lower case, English does not."""
    from django.utils.dateformat import format as date_format
    from django.utils.translation import get_language

    text = date_format(day, "l j F Y" if with_year else "l j F")
    return text.lower() if (get_language() or "it").startswith("it") else text
