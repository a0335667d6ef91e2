"""Event pages: what is on, the event with register/cancel, and the operators' attendance sheet."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from src.common.accounts import ensure_can_book
from src.common.errors import DomainError
from src.events import selectors, services
from src.events.models import EventRegistration
from src.hubs.permissions import can_operate_hub
from tenants.audit.services import AuditAction, audit_record


def _event_or_404(pk):
    event = selectors.event_get(pk)
    if event is None:
        raise Http404(_("Evento non trovato."))
    return event


def event_list(request):
    events = list(selectors.event_list())
    for event in events:
        event.places_left = selectors.places_left(event)
    return render(request, "events/list.html", {"events": events})


def event_detail(request, pk):
    event = _event_or_404(pk)
    registration = selectors.registration_of(event, request.user)
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "places_left": selectors.places_left(event),
            "registration": registration,
            "position": selectors.waitlist_position(registration) if registration else None,
            "can_operate": can_operate_hub(request.user, request.municipality, event.hub),
        },
    )


@login_required
@require_POST
def register(request, pk):
    event = _event_or_404(pk)
    try:
        ensure_can_book(request.user)
        registration = services.event_register(event=event, person=request.user, channel=services.Channel.WEB)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("events:event_detail", pk=event.pk)
    if registration.state == EventRegistration.State.WAITLISTED:
        messages.info(request, _("I posti sono esauriti: sei in lista d'attesa. Se si libera un posto ti scriveremo."))
    else:
        messages.success(request, _("Iscrizione confermata: ti abbiamo inviato una e-mail con i dettagli."))
    return redirect("events:event_detail", pk=event.pk)


@login_required
@require_POST
def unregister(request, pk):
    event = _event_or_404(pk)
    try:
        services.event_unregister(event=event, person=request.user, channel=services.Channel.WEB)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("La tua iscrizione è stata annullata."))
    return redirect("events:event_detail", pk=event.pk)


def _operated_event(request, pk):
    event = _event_or_404(pk)
    if not can_operate_hub(request.user, request.municipality, event.hub):
        raise PermissionDenied(_("Le presenze le segnano gli operatori dell'hub e gli amministratori del comune."))
    return event


@login_required
def attendance(request, pk):
    event = _operated_event(request, pk)
    audit_record(
        request=request, action=AuditAction.READ, target=event, description=_("Elenco delle presenze di un evento")
    )
    return render(
        request,
        "events/attendance.html",
        {
            "event": event,
            "registrations": selectors.event_registrations(event),
            "places_left": selectors.places_left(event),
        },
    )


@login_required
@require_POST
def attendance_mark(request, pk, registration_pk):
    event = _operated_event(request, pk)
    registration = selectors.event_registrations(event).filter(pk=registration_pk).first()
    if registration is None:
        raise Http404(_("Iscrizione non trovata."))
    try:
        services.registration_mark_attendance(
            registration=registration, attended=request.POST.get("attended") == "1", by=request.user
        )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("events:attendance", pk=event.pk)
