"""Staff tools in the header: what a signed-in person may run, chosen by role and scope.

- an operator of hub X: X's front desk, the agendas of X's desks, attendance of X's events soon;
- a comune's administrator: the same for every hub of the comune, its statistics, its administration;
- union staff: the union's administration and statistics (and the comune's statistics on its site);
- citizens: nothing (no query is made for them).

Powers come from the role policy (`tenants.identity.policy`) and the hub assignments
(`src.hubs.permissions.front_desk_hubs`), the same the pages themselves check, so a link shown
is a page that opens. Staff of a cooperative (an operator organisation) see the front desks of
the hubs their contracts cover and, everywhere, the cooperative's console on the union's site.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from src.desks.models import ServiceDesk
from src.events.models import Event
from src.hubs.permissions import front_desk_hubs
from tenants.comuni.selectors import municipality_url, union_url
from tenants.identity.policy import Action, actions_for
from tenants.identity.selectors import is_operator_organisation_staff

# How far ahead the header lists events whose attendance staff will take, and how many.
EVENTS_AHEAD = timedelta(days=7)
EVENTS_MAX = 5


@dataclass(frozen=True)
class StaffLink:
    group: str  # "front_desk", "agenda", "attendance", "reports", "admin"
    label: str
    url: str


def _reverse(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _comune_links(request, user, municipality, actions: set[Action]) -> list[StaffLink]:
    links: list[StaffLink] = []
    hubs = front_desk_hubs(user, municipality) if Action.OPERATE_FRONT_DESK in actions else []
    for hub in hubs:
        links.append(
            StaffLink(
                "front_desk",
                _("Accoglienza: %(hub)s") % {"hub": hub.name},
                reverse("bookings:front_desk", args=[hub.slug]),
            )
        )
    if hubs:
        desks = (
            ServiceDesk.objects.filter(hub__in=hubs, takes_appointments=True)
            .select_related("hub")
            .order_by("hub__name", "name")
        )
        for desk in desks:
            links.append(
                StaffLink(
                    "agenda",
                    _("Agenda: %(desk)s (%(hub)s)") % {"desk": desk.name, "hub": desk.hub.name},
                    reverse("appointments:appointment_agenda", args=[desk.pk]),
                )
            )
        now = timezone.now()
        events = Event.objects.filter(
            hub__in=hubs, is_published=True, ends_at__gte=now - timedelta(hours=12), starts_at__lte=now + EVENTS_AHEAD
        ).order_by("starts_at")[:EVENTS_MAX]
        for event in events:
            links.append(
                StaffLink(
                    "attendance",
                    _("Presenze: %(title)s, %(day)s") % {"title": event.title, "day": _short_day(event.starts_at)},
                    reverse("events:attendance", args=[event.pk]),
                )
            )
    if Action.VIEW_COMUNE_REPORTS in actions and (url := _reverse("comune_reports")):
        links.append(StaffLink("reports", _("Statistiche del comune"), url))
    if Action.VIEW_COMUNE_CATALOGUE_ADMIN in actions and (url := _reverse("comune_admin:index")):
        links.append(StaffLink("admin", _("Amministrazione del comune"), url))
    links += _union_links(request, actions, here=False)
    return links


def _short_day(at) -> str:
    from django.utils.dateformat import format as date_format

    return date_format(timezone.localtime(at), "D j b, H:i")


def _union_links(request, actions: set[Action], *, here: bool) -> list[StaffLink]:
    links = []
    if Action.VIEW_UNION_REPORTS in actions:
        url = _reverse("reporting:dashboard") if here else union_url("/statistiche/", request=request)
        if url:
            links.append(StaffLink("reports", _("Statistiche dell'Unione"), url))
    if Action.MANAGE_COMUNI in actions:
        url = _reverse("union_admin:index") if here else union_url("/admin/", request=request)
        if url:
            links.append(StaffLink("admin", _("Amministrazione dell'Unione"), url))
    return links


def _union_site_links(request, user) -> list[StaffLink]:
    """On the union's site: the union's tools, and the comuni where the person has a role."""
    links = _union_links(request, actions_for(user, None), here=True)
    seen = set()
    for role in user.roles.all():
        municipality = role.municipality
        if municipality is None or municipality.pk in seen:
            continue
        actions = actions_for(user, municipality)
        if Action.VIEW_COMUNE_CATALOGUE_ADMIN in actions or Action.OPERATE_FRONT_DESK in actions:
            seen.add(municipality.pk)
            links.append(
                StaffLink(
                    "admin",
                    _("Comune di %(name)s: strumenti") % {"name": municipality.name},
                    municipality_url(municipality, "/accoglienza/", request=request),
                )
            )
    return links


def _console_link(request, *, here: bool) -> StaffLink | None:
    url = _reverse("operators:console") if here else union_url("/cooperativa/", request=request)
    return StaffLink("front_desk", _("Console della cooperativa"), url) if url else None


def staff_links(request) -> list[StaffLink]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    municipality = getattr(request, "municipality", None)
    cooperative = is_operator_organisation_staff(user)
    console = [_console_link(request, here=municipality is None)] if cooperative else []
    if municipality is None:
        actions_for(user, None)  # reads the person's roles once (prefetched on the user)
        if all(role.kind == "citizen" for role in user.roles.all()):
            return [link for link in console if link]
        return [link for link in console if link] + _union_site_links(request, user)
    actions = actions_for(user, municipality)
    if actions <= {Action.BOOK} and not cooperative:
        return []  # a citizen here
    if cooperative:
        actions = actions | {Action.OPERATE_FRONT_DESK}  # the hubs come from the contracts (front_desk_hubs)
    return [link for link in console if link] + _comune_links(request, user, municipality, actions)


def staff_tools(request) -> dict:
    """Context processor: `staff_tools`, the links of the header's "Strumenti" menu (lazy)."""
    return {"staff_tools": SimpleLazyObject(lambda: staff_links(request))}
