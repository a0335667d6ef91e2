"""The citizen's booking pages on a comune's subdomain: availability, booking, my bookings, waitlist, calendar."""

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from src.bookings import selectors, services
from src.bookings.availability import hub_availability
from src.bookings.forms import PlaceForm, RepeatForm
from src.bookings.ics import booking_event
from src.bookings.models import Booking, WaitlistEntry
from src.bookings.services.rules import check_in_window
from src.common import charging
from src.common.accounts import ensure_can_book
from src.common.errors import DomainError
from src.common.ics import calendar
from src.common.qr import qr_svg
from src.common.time import local_today, parse_day
from src.hubs.models import Hub
from src.hubs.permissions import may_see_unpublished
from src.hubs.selectors import hub_open_intervals
from tenants.identity.agreements import agreement_enrolled
from tenants.identity.calendar_feed import calendar_feed_person_id

WEB = Booking.Channel.WEB


def _hub(request, slug: str) -> Hub:
    hubs = Hub.objects.all() if may_see_unpublished(request) else Hub.objects.filter(is_published=True)
    return get_object_or_404(hubs, slug=slug)


def _day(request) -> date:
    return parse_day(request.GET.get("giorno")) or local_today()


def _day_choices(hub, today: date, last: date) -> list[tuple[date, bool]]:
    """The next days a person may book, each with whether the hub opens."""
    days = [today + timedelta(days=n) for n in range(min(7, (last - today).days + 1))]
    return [(d, bool(hub_open_intervals(hub, d))) for d in days]


def _time_choices(grid, now) -> list[tuple[datetime, datetime, int]]:
    """Every slot of the day still ahead, with how many places (seats, or whole rooms) are free in it."""
    rows = [
        r
        for space_row in grid.spaces
        for r in ([space_row.whole_room] if space_row.whole_room else []) + space_row.seats
    ]
    return [(start, end, sum(1 for r in rows if r.free[n])) for n, (start, end) in enumerate(grid.slots) if end > now]


def availability(request, hub_slug):
    """Steps one and two of booking (the day, then the time), and the day's full grid of seats × slots."""
    hub = _hub(request, hub_slug)
    day = _day(request)
    now = timezone.now()
    grid = hub_availability(hub, day, now=now)
    today = local_today()
    last = today + timedelta(days=grid.policy.max_days_ahead)
    # Cells paired with their slot, as the template walks them.
    table = [
        (
            row.space,
            list(zip(grid.slots, row.whole_room.free)) if row.whole_room else None,
            [(seat_row.seat, list(zip(grid.slots, seat_row.free))) for seat_row in row.seats],
            row.events,
        )
        for row in grid.spaces
    ]
    return render(
        request,
        "bookings/availability.html",
        {
            "hub": hub,
            "grid": grid,
            "table": table,
            "now": now,
            "day": day,
            "day_choices": _day_choices(hub, today, last),
            "time_choices": _time_choices(grid, now) if day <= last else [],
            "previous_day": day - timedelta(days=1) if day > today else None,
            "next_day": day + timedelta(days=1) if day < last else None,
            "today": today,
            "last_day": last,
            "step": 2 if grid.is_open else 1,
        },
    )


def _end_choices(grid, start: datetime) -> list[datetime]:
    """The slot ends a booking starting at `start` may choose: same opening interval, within the longest booking."""
    longest = start + timedelta(hours=grid.policy.max_hours)
    interval = next(((a, b) for a, b in grid.intervals if a <= start < b), None)
    if interval is None:
        return []
    return [end for s, end in grid.slots if s >= start and end <= interval[1] and end <= longest]


def _place_problem(form: PlaceForm) -> str:
    """What to tell about a PlaceForm that is not valid: a time that does not exist or happens
    twice that night (daylight saving) says so; anything else sends back to the grid."""
    for name in ("start", "end"):
        for error in form.errors.as_data().get(name, []):
            if error.code == "local_time_problem":
                return error.messages[0]
    return _("Scegli un posto e un orario dalla tabella delle disponibilità.")


@login_required
def booking_new(request, hub_slug):
    """Step two of booking: the chosen place and start, pick the end, confirm."""
    hub = _hub(request, hub_slug)
    form = PlaceForm(request.POST or request.GET, hub=hub)
    if not form.is_valid():
        messages.error(request, _place_problem(form))
        return redirect("bookings:availability", hub_slug=hub.slug)
    start = form.cleaned_data["start"]
    repeat = RepeatForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and repeat.is_valid():
        try:
            ensure_can_book(request.user)
            if repeat.every_days:
                series = services.booking_series_create(
                    person=request.user,
                    space=form.cleaned_data["space"],
                    seat=form.cleaned_data["seat"],
                    first_period=form.period,
                    every=timedelta(days=repeat.every_days),
                    count=repeat.cleaned_data["count"],
                    channel=WEB,
                )
                return render(request, "bookings/series_done.html", {"hub": hub, "series": series, **form.cleaned_data})
            booking = services.booking_create(
                person=request.user,
                space=form.cleaned_data["space"],
                seat=form.cleaned_data["seat"],
                period=form.period,
                channel=WEB,
                # The box is on the page only for enrolled employees; unticked: at their own cost.
                use_agreement=not request.POST.get("agreement_offered") or bool(request.POST.get("use_agreement")),
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if booking.state == Booking.State.HELD:
                # A place with a price: held while the person pays (src/common/charging.py).
                money = charging.booking_money([booking.pk]).get(booking.pk)
                if money is not None and money.pay_url:
                    messages.info(
                        request,
                        _("Il posto è riservato per te fino alle %(until)s: completa il pagamento per confermarlo.")
                        % {"until": timezone.localtime(booking.hold_expires_at).strftime("%H:%M")},
                    )
                    return redirect(money.pay_url)
            messages.success(request, _("Prenotazione confermata. Ti abbiamo inviato un'e-mail con il codice."))
            return redirect("bookings:detail", code=booking.code)
    quote, quote_problem = charging.FREE, ""
    try:
        quote = charging.booking_quote(
            person=request.user,
            space=form.cleaned_data["space"],
            seat=form.cleaned_data["seat"],
            start=start,
            end=form.cleaned_data["end"],
            channel=WEB,
        )
    except DomainError as error:
        quote_problem = error.message
    if quote.needs_payment and quote.problem is not None and not agreement_enrolled(request.user):
        quote_problem = str(quote.problem)  # an employee's agreement may still cover it
    grid = hub_availability(hub, selectors.local_day(start))
    return render(
        request,
        "bookings/booking_new.html",
        {
            "hub": hub,
            "form": form,
            "repeat": repeat,
            "space": form.cleaned_data["space"],
            "seat": form.cleaned_data["seat"],
            "start": start,
            "end": form.cleaned_data["end"],
            "end_choices": _end_choices(grid, start),
            "policy": grid.policy,
            "quote": quote,
            "quote_problem": quote_problem,
            "step": 4,
            "agreement_offered": agreement_enrolled(request.user),
        },
    )


def _own(request, code) -> Booking:
    booking = selectors.booking_for_person(request.user, code)
    if booking is None:
        raise Http404(_("Nessuna prenotazione con questo codice tra le tue."))
    return booking


@login_required
def detail(request, code):
    booking = _own(request, code)
    policy = selectors.policy_get()
    opens, closes = check_in_window(booking, policy)
    booking.money = charging.booking_money([booking.pk]).get(booking.pk)
    return render(
        request,
        "bookings/detail.html",
        {
            "booking": booking,
            "qr": qr_svg(booking.code),
            "policy": policy,
            "check_in_opens": opens,
            "check_in_closes": closes,
            "cancel_deadline": selectors.booking_cancel_deadline(booking, policy),
            "cancel": selectors.booking_cancel_check(booking, policy=policy),
            "offer": selectors.waitlist_offer_for(booking),
            "transitions": booking.transitions.all(),
        },
    )


@login_required
@require_POST
def cancel(request, code):
    booking = _own(request, code)
    try:
        services.booking_cancel(booking=booking, actor=request.user, channel=WEB)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Prenotazione %(code)s annullata.") % {"code": booking.code})
    if request.POST.get("next") == "mine":
        return redirect("my_bookings")
    return redirect("bookings:detail", code=booking.code)


@login_required
@require_POST
def check_in(request, code):
    """The citizen at the hub checks in from the booking's page."""
    booking = _own(request, code)
    try:
        services.booking_check_in(code=booking.code, actor=request.user, channel=WEB)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Check-in fatto. Buon lavoro!"))
    return redirect("bookings:detail", code=booking.code)


def calendar_feed(request, token):
    """The person's bookings in this comune as an iCalendar feed; the signed token is the only key."""
    person_id = calendar_feed_person_id(token)
    person = get_user_model().objects.filter(pk=person_id, is_active=True).first() if person_id else None
    if person is None:
        raise Http404
    domain = request.get_host().split(":")[0]
    events = [
        booking_event(b, domain=domain, url=request.build_absolute_uri(reverse("bookings:detail", args=[b.code])))
        for b in selectors.bookings_for_person(person)
        if b.state != Booking.State.HELD
    ]
    name = _("Prenotazioni hub - Comune di %(name)s") % {"name": request.municipality}
    response = HttpResponse(calendar(events, name=name), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="prenotazioni.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- Waitlist ---------------------------------------------------------------------------------


@login_required
def waitlist(request):
    """The person's places in line and offers; joining is a POST from the availability grid."""
    if request.method == "POST":
        form = PlaceForm(request.POST)
        if not form.is_valid():
            messages.error(request, _place_problem(form))
        else:
            try:
                ensure_can_book(request.user)
                services.waitlist_join(
                    person=request.user,
                    space=form.cleaned_data["space"],
                    seat=form.cleaned_data["seat"],
                    period=form.period,
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Sei in lista d'attesa: se il posto si libera ti scriviamo."))
        return redirect("bookings:waitlist")
    return render(request, "bookings/waitlist.html", {"entries": selectors.waitlist_for_person(request.user)})


@login_required
def waitlist_join_form(request):
    """Confirm joining the line for a taken cell of the grid."""
    form = PlaceForm(request.GET)
    if not form.is_valid():
        messages.error(request, _place_problem(form))
        return redirect("bookings:waitlist")
    return render(request, "bookings/waitlist_join.html", {"form": form, **form.cleaned_data})


@login_required
@require_POST
def waitlist_answer(request, pk, answer):
    entry = get_object_or_404(WaitlistEntry, pk=pk, person=request.user)
    try:
        if answer == "accetta":
            booking = services.waitlist_accept(entry=entry, actor=request.user, channel=WEB)
            messages.success(request, _("Posto accettato: la prenotazione è confermata."))
            return redirect("bookings:detail", code=booking.code)
        if answer == "rifiuta":
            services.waitlist_decline(entry=entry, actor=request.user, channel=WEB)
            messages.info(request, _("Hai rifiutato il posto: passa al prossimo in lista."))
        else:
            services.waitlist_leave(entry=entry, actor=request.user, channel=WEB)
            messages.info(request, _("Sei uscito dalla lista d'attesa."))
    except DomainError as error:
        messages.error(request, error.message)
    if request.POST.get("next") == "mine":
        return redirect("my_bookings")
    return redirect("bookings:waitlist")
