"""The Designers Italia appointment flow, one page per step, its state kept in the session.

1 luogo → 2 data e ora → 3 dettagli → 4 richiedente → 5 riepilogo → 6 conferma.
Going back keeps what was entered; a slot taken meanwhile sends the person back
to step 2 with everything else kept. Without an account, step 6 says the slot is
held and the e-mail's link confirms it (`confirm`).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from src.appointments import selectors, services
from src.appointments.forms import ApplicantForm, DetailsForm, LookupForm
from src.appointments.models import Channel
from src.common.accounts import ensure_can_book
from src.common.errors import Conflict, DomainError, NotFound
from src.common.time import parse_day
from tenants.identity.throttling import client_address, throttle

DAYS_SHOWN = 14
STEPS = ["place", "when", "details", "applicant", "summary", "done"]
STEP_LABELS = [
    gettext_lazy("Luogo"),
    gettext_lazy("Data e orario"),
    gettext_lazy("Dettagli appuntamento"),
    gettext_lazy("Richiedente"),
    gettext_lazy("Riepilogo"),
    gettext_lazy("Conferma"),
]
# What each step adds to the flow; a step is reachable once all earlier ones are filled.
STEP_KEYS = {"place": ("desk",), "when": ("start",), "details": ("topic",), "applicant": ("applicant_name", "email")}


def _flow_key() -> str:
    # One flow per comune: with a session shared across subdomains, two comuni's flows never mix.
    return f"appointment_flow:{connection.schema_name}"


def _flow(request) -> dict:
    return request.session.get(_flow_key(), {})


def _save(request, flow: dict) -> None:
    request.session[_flow_key()] = flow


def _url(step: str) -> str:
    return reverse(f"appointments:appointment_{step}")


def _first_missing(flow: dict) -> str | None:
    return next((step for step, keys in STEP_KEYS.items() if not all(flow.get(k) for k in keys)), None)


def _guard(request, step: str):
    """The desk of the flow, or a redirect to the first step still to fill before `step`."""
    flow = _flow(request)
    desk = selectors.desk_for_booking(flow.get("desk"))
    if desk is None and step != "place":
        return None, flow, redirect(_url("place"))
    missing = _first_missing(flow)
    if missing is not None and STEPS.index(missing) < STEPS.index(step):
        return desk, flow, redirect(_url(missing))
    return desk, flow, None


def _after(flow: dict) -> str:
    """Where to go after a step: the next one still empty, else the summary (nothing asked twice)."""
    return _url(_first_missing(flow) or "summary")


def _context(step: str, **extra) -> dict:
    current = STEPS.index(step)
    steps = [
        {"number": n + 1, "label": label, "state": "confirmed" if n < current else "active" if n == current else ""}
        for n, label in enumerate(STEP_LABELS)
    ]
    return {"step": current + 1, "steps_total": len(STEPS), "steps": steps, "step_label": STEP_LABELS[current], **extra}


def _start_of(flow: dict) -> datetime | None:
    try:
        start = datetime.fromisoformat(flow.get("start") or "")
    except ValueError:
        return None
    return start if timezone.is_aware(start) else None


@require_http_methods(["GET", "POST"])
def place(request):
    flow = _flow(request)
    desks = list(selectors.desks_taking_appointments())
    chosen = request.POST.get("desk") or request.GET.get("sportello")
    if chosen is not None:
        desk = next((d for d in desks if str(d.pk) == chosen), None)
        if desk is not None:
            if flow.get("desk") != desk.pk:
                # A slot belongs to its desk; the rest of what was entered stays.
                flow = {**flow, "desk": desk.pk, "start": None}
            _save(request, flow)
            return redirect(_after(flow))
        if request.method == "POST":
            messages.error(request, _("Scegli uno degli sportelli dell'elenco."))
    return render(
        request,
        "appointments/step_place.html",
        _context("place", desks=desks, selected=flow.get("desk")),
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def when(request):
    desk, flow, away = _guard(request, "when")
    if away:
        return away
    if request.method == "POST":
        try:
            start = datetime.fromisoformat(request.POST.get("slot", ""))
        except ValueError:
            start = None
        if start is not None and timezone.is_aware(start) and selectors.desk_free_slot_at(desk=desk, start=start):
            flow = {**flow, "start": start.isoformat()}
            _save(request, flow)
            return redirect(_after(flow))
        messages.error(request, _("L'orario scelto non è disponibile: scegline uno tra quelli liberi."))
        return redirect(f"{_url('when')}?giorno={parse_day(request.POST.get('giorno')) or ''}")

    today = timezone.localdate()
    chosen_start = _start_of(flow)
    day = parse_day(request.GET.get("giorno"))
    if day is None and chosen_start is not None:
        day = timezone.localtime(chosen_start).date()
    if day is None:
        day = parse_day(flow.get("day"))  # the day of a slot lost to someone quicker
    first = max(parse_day(request.GET.get("dal")) or today, today)
    if day is not None and not first <= day < first + timedelta(days=DAYS_SHOWN):
        first = max(day, today)
    by_day = selectors.desk_slots_by_day(desk=desk, first_day=first, days=DAYS_SHOWN)
    if day not in by_day:
        day = next((d for d, slots in by_day.items() if slots), first)
    slots = by_day[day]
    horizon = today + timedelta(days=selectors.BOOKING_HORIZON_DAYS)
    later = first + timedelta(days=DAYS_SHOWN)
    return render(
        request,
        "appointments/step_when.html",
        _context(
            "when",
            desk=desk,
            days=[(d, len(s)) for d, s in by_day.items()],
            day=day,
            slots=slots,
            chosen=chosen_start,
            earlier=(first - timedelta(days=DAYS_SHOWN)) if first > today else None,
            later=later if later <= horizon else None,
        ),
    )


def _form_step(request, step: str, desk, flow: dict, form):
    """A step that is one form: valid answers join the flow and lead on to the next step."""
    if request.method == "POST" and form.is_valid():
        flow = {**flow, **form.cleaned_data}
        _save(request, flow)
        return redirect(_after(flow))
    return render(
        request,
        f"appointments/step_{step}.html",
        _context(step, desk=desk, form=form),
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def details(request):
    desk, flow, away = _guard(request, "details")
    if away:
        return away
    initial = {"topic": flow.get("topic", ""), "details": flow.get("details", "")}
    form = DetailsForm(request.POST or None, initial=initial, topics=desk.topics)
    return _form_step(request, "details", desk, flow, form)


def _applicant_initial(request, flow: dict) -> dict:
    user = request.user
    known = {}
    if user.is_authenticated:
        known = {
            "applicant_name": user.get_full_name(),
            "email": user.email,
            "phone": user.phone,
            "fiscal_code": user.fiscal_code_verified or user.fiscal_code or "",
        }
    return {name: flow.get(name) or known.get(name, "") for name in ApplicantForm.base_fields}


@require_http_methods(["GET", "POST"])
def applicant(request):
    desk, flow, away = _guard(request, "applicant")
    if away:
        return away
    form = ApplicantForm(request.POST or None, initial=_applicant_initial(request, flow))
    return _form_step(request, "applicant", desk, flow, form)


@require_http_methods(["GET", "POST"])
@throttle("appointment_anon", anonymous_only=True)
def summary(request):
    desk, flow, away = _guard(request, "summary")
    if away:
        return away
    start = _start_of(flow)
    if request.method == "POST":
        if not request.POST.get("privacy"):
            messages.error(request, _("Per prenotare devi dichiarare di aver letto l'informativa sulla privacy."))
            return redirect(_url("summary"))
        try:
            ensure_can_book(request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(_url("summary"))
        try:
            appointment = services.appointment_book(
                desk=desk,
                start=start,
                topic=flow.get("topic", ""),
                details=flow.get("details", ""),
                applicant_name=flow.get("applicant_name", ""),
                email=flow.get("email", ""),
                phone=flow.get("phone", ""),
                fiscal_code=flow.get("fiscal_code", ""),
                person=request.user,
                language=translation.get_language(),
                channel=Channel.WEB,
                client_address=client_address(request),
            )
        except Conflict as error:
            # Taken meanwhile: choose another time; details and applicant stay in the flow.
            lost_day = timezone.localtime(start).date().isoformat()
            _save(request, {**flow, "start": None, "day": lost_day})
            messages.error(request, error.message)
            return redirect(_url("when"))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(_url("summary"))
        except DomainError as error:  # the day's limit without an account
            messages.error(request, error.message)
            return redirect(_url("summary"))
        request.session.pop(_flow_key(), None)
        request.session[f"{_flow_key()}:done"] = appointment.code
        return redirect(_url("done"))
    return render(
        request,
        "appointments/step_summary.html",
        _context("summary", desk=desk, flow=flow, start=start, end=start + timedelta(minutes=desk.slot_minutes)),
    )


@never_cache
def done(request):
    # Shown once: the code leaves the session as the page is drawn, so reloading it, or going
    # back to it on a shared terminal of the hub, shows no code (never_cache: the browser asks again).
    code = request.session.pop(f"{_flow_key()}:done", None)
    appointment = selectors.appointment_find(code=code, person=request.user, email=None) if code else None
    if appointment is None and code:
        # Booked without an account: the code in this session is the proof.
        appointment = selectors.appointment_by_code(code)
    if appointment is None:
        messages.info(
            request,
            _(
                "La conferma si mostra una volta sola. Per rivedere un appuntamento usa il codice "
                "e l'e-mail nella pagina «Verifica o annulla un appuntamento»."
            ),
        )
        return redirect(_url("place"))
    return render(
        request,
        "appointments/step_done.html",
        _context("done", appointment=appointment, hold_minutes=settings.APPOINTMENT_HOLD_MINUTES),
    )


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """The link e-mailed for a held appointment: a page with one button (mail scanners open links, never press)."""
    if request.method == "POST":
        try:
            appointment = services.appointment_confirm(token=token, channel=Channel.WEB)
        except DomainError as error:
            return render(request, "appointments/confirm.html", {"error": error.message}, status=error.status)
        return render(request, "appointments/confirm.html", {"appointment": appointment, "confirmed": True})
    appointment, error = selectors.appointment_to_confirm(token)
    return render(
        request,
        "appointments/confirm.html",
        {"appointment": appointment, "error": error},
        status=400 if error else 200,
    )


def _show(request, appointment, *, status=200, form=None, cancelled=False):
    return render(
        request,
        "appointments/check.html",
        {"appointment": appointment, "form": form, "cancelled": cancelled, "can_cancel": _can_cancel(appointment)},
        status=status,
    )


def _can_cancel(appointment) -> bool:
    return appointment is not None and appointment.can_be_cancelled(timezone.now())


@require_http_methods(["GET", "POST"])
def check(request):
    """Check an appointment with its code and e-mail, with or without an account."""
    if request.method == "GET":
        code = request.GET.get("codice", "")
        mine = selectors.appointment_find(code=code, person=request.user) if code else None
        if mine is not None:
            return _show(request, mine)
        return _show(request, None, form=LookupForm(initial={"code": code}))
    form = LookupForm(request.POST)
    if not form.is_valid():
        return _show(request, None, form=form, status=400)
    appointment = selectors.appointment_find(code=form.cleaned_data["code"], email=form.cleaned_data["email"])
    if appointment is None:
        form.add_error(None, services.APPOINTMENT_NOT_FOUND)
        return _show(request, None, form=form, status=404)
    return _show(request, appointment)


@require_POST
def cancel(request):
    code, email = request.POST.get("code", ""), request.POST.get("email", "")
    try:
        appointment = services.appointment_cancel(code=code, email=email or None, by=request.user, channel=Channel.WEB)
    except NotFound as error:
        messages.error(request, error.message)
        return _show(request, None, form=LookupForm(initial={"code": code}), status=404)
    except ValidationError as error:
        appointment = selectors.appointment_find(code=code, email=email or None, person=request.user)
        for message in error.messages:
            messages.error(request, message)
        return _show(request, appointment, status=400)
    messages.success(request, _("L'appuntamento %(code)s è stato annullato.") % {"code": appointment.code})
    return _show(request, appointment, cancelled=True)
