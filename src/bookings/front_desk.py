"""The operators' front desk pages: today's sheet of a hub, check-in by code, walk-ins, no-shows.

Open to a person who may operate front desks in this comune (role policy) AND
is assigned to the hub (HubOperator); the comune's administrators: every hub.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from src.bookings import availability, selectors, services
from src.bookings.forms import CodeForm, WalkInForm
from src.bookings.models import Booking
from src.common.errors import DomainError
from src.common.time import local_today
from src.hubs.models import Hub
from src.hubs.permissions import can_operate_hub, front_desk_hubs
from tenants.audit.services import AuditAction, audit_record
from tenants.identity.throttling import throttle

FRONT_DESK = Booking.Channel.FRONT_DESK


def hub_operator_required(view):
    @login_required
    @wraps(view)
    def guarded(request, hub_slug, *args, **kwargs):
        hub = get_object_or_404(Hub, slug=hub_slug)
        if not can_operate_hub(request.user, request.municipality, hub):
            raise PermissionDenied(_("Non sei tra gli operatori di questo hub."))
        return view(request, hub, *args, **kwargs)

    return guarded


@login_required
def hubs(request):
    hubs = front_desk_hubs(request.user, request.municipality)
    if not hubs:
        raise PermissionDenied(_("Il tuo account non è assegnato allo sportello di nessun hub di questo comune."))
    if len(hubs) == 1:
        return redirect("bookings:front_desk", hub_slug=hubs[0].slug)
    return render(request, "bookings/front_desk_hubs.html", {"hubs": hubs})


def _grid(hub, now):
    grid = availability.hub_availability(hub, local_today(), now=now)
    places = [(row.space, row.whole_room, row.seats) for row in grid.spaces]
    slots = [s for s in grid.slots if s[1] > now]
    return places, slots


@hub_operator_required
def sheet(request, hub):
    return _render_sheet(request, hub)


def _render_sheet(request, hub, walk_in_form=None, status=200):
    # Every drawing of the sheet shows who is expected today: on the audit log, each time.
    audit_record(
        request=request,
        action=AuditAction.READ,
        target=hub,
        description=_("Foglio dell'accoglienza del %(day)s") % {"day": local_today().isoformat()},
    )
    now = timezone.now()
    places, slots = _grid(hub, now)
    return render(
        request,
        "bookings/front_desk.html",
        {
            "hub": hub,
            "sheet": selectors.front_desk_sheet(hub, local_today(), now=now),
            "code_form": CodeForm(),
            "walk_in_form": walk_in_form or WalkInForm(hub=hub, places=places, slots=slots),
            "now": now,
        },
        status=status,
    )


@hub_operator_required
@require_POST
@throttle("check_in")
def check_in(request, hub):
    form = CodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Scrivi il codice della prenotazione."))
        return redirect("bookings:front_desk", hub_slug=hub.slug)
    try:
        booking = services.booking_check_in(
            code=form.cleaned_data["code"], actor=request.user, channel=FRONT_DESK, hub=hub, by_staff=True
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Check-in fatto: %(person)s, %(place)s.") % {"person": booking.person, "place": booking.place_label},
        )
    return redirect("bookings:front_desk", hub_slug=hub.slug)


@hub_operator_required
@require_POST
def walk_in(request, hub):
    places, slots = _grid(hub, timezone.now())
    form = WalkInForm(request.POST, hub=hub, places=places, slots=slots)
    if form.is_valid():
        try:
            booking = services.walk_in_book(
                operator=request.user,
                email=form.cleaned_data["email"],
                space=form.cleaned_data["space"],
                seat=form.cleaned_data["seat"],
                period=form.period,
                check_in_now=form.cleaned_data["check_in_now"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            audit_record(
                request=request,
                action=AuditAction.CHANGE,
                target=booking,
                description=_("Prenotazione allo sportello per conto della persona"),
            )
            messages.success(
                request,
                _("Prenotato %(place)s per %(person)s: codice %(code)s.")
                % {"place": booking.place_label, "person": booking.person.email, "code": booking.code},
            )
            return redirect("bookings:front_desk", hub_slug=hub.slug)
    else:
        messages.error(request, _("Controlla i dati della prenotazione allo sportello."))
    return _render_sheet(request, hub, walk_in_form=form, status=400)


@hub_operator_required
@require_POST
def booking_action(request, hub, code, action):
    booking = get_object_or_404(Booking, code=code, hub=hub)
    try:
        if action == "assente":
            services.booking_mark_no_show(booking=booking, actor=request.user, channel=FRONT_DESK)
            messages.success(request, _("%(code)s segnata come mancata presentazione.") % {"code": code})
        elif action == "annulla":
            services.booking_cancel(booking=booking, actor=request.user, channel=FRONT_DESK, by_staff=True)
            messages.success(request, _("Prenotazione %(code)s annullata.") % {"code": code})
        else:
            services.booking_check_in(code=code, actor=request.user, channel=FRONT_DESK, hub=hub, by_staff=True)
            messages.success(request, _("Check-in fatto: %(code)s.") % {"code": code})
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("bookings:front_desk", hub_slug=hub.slug)
