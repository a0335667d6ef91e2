"""Front desk: a desk's agenda for a day, where the hub's operators mark who came."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from src.appointments import selectors, services
from src.common.time import parse_day
from src.hubs.permissions import can_operate_hub
from tenants.audit.services import AuditAction, audit_record


def _operated_desk(request, desk_pk):
    desk = selectors.desk_for_booking(desk_pk)
    if desk is None:
        raise Http404(_("Sportello non trovato o senza appuntamenti."))
    if not can_operate_hub(request.user, request.municipality, desk.hub):
        raise PermissionDenied(_("L'agenda la vedono gli operatori dell'hub e gli amministratori del comune."))
    return desk


@login_required
def agenda(request, desk_pk):
    """Front desk: a desk's appointments of a day, to mark who came."""
    desk = _operated_desk(request, desk_pk)
    day = parse_day(request.GET.get("giorno")) or timezone.localdate()
    audit_record(
        request=request,
        action=AuditAction.READ,
        target=desk,
        description=_("Agenda dello sportello del %(day)s") % {"day": day.isoformat()},
    )
    return render(
        request,
        "appointments/agenda.html",
        {
            "desk": desk,
            "day": day,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "appointments": selectors.desk_agenda(desk=desk, first_day=day),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def agenda_mark(request, desk_pk, code):
    desk = _operated_desk(request, desk_pk)
    appointment = selectors.appointment_by_code(code)
    if appointment is None or appointment.desk_id != desk.pk:
        raise Http404(_("Appuntamento non trovato."))
    try:
        services.appointment_mark(appointment=appointment, state=request.POST.get("state", ""), by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    day = timezone.localtime(appointment.start).date()
    return redirect(f"{reverse('appointments:appointment_agenda', args=[desk.pk])}?giorno={day.isoformat()}")
