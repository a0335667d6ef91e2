"""/api/v1/ for bookings (the mobile app): thin views over selectors and services.

Every refusal is JSON with a message: a DomainError from a service becomes its
status (400, 403, 404, 409) in config/api.py; a constraint violation is never a 500.
"""

from datetime import timedelta

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from src.bookings import availability, selectors, services
from src.bookings.models import Booking, WaitlistEntry
from src.bookings.serializers import (
    AvailabilityOut,
    AvailabilityQuery,
    BookingIn,
    BookingOut,
    CheckInIn,
    EventHoldOut,
    FrontDeskBookingOut,
    PlaceIn,
    PolicySerializer,
    RefusalOut,
    SeriesIn,
    WaitlistOut,
    WalkInIn,
    availability_data,
)
from src.common.accounts import CanBook
from src.common.api import ERROR
from src.common.errors import DomainError, Forbidden, NotFound
from src.common.time import local_today
from src.hubs.permissions import ComuneAdministratorOrReadOnly, can_operate_hub, may_see_unpublished
from src.idempotency.api import idempotent
from tenants.identity.calendar_feed import calendar_feed_token
from tenants.identity.oauth import BOOKINGS
from tenants.identity.throttling import CheckInThrottle

API = Booking.Channel.API
FRONT_DESK = Booking.Channel.FRONT_DESK


def _own(request, code) -> Booking:
    booking = selectors.booking_for_person(request.user, code.upper())
    if booking is None:
        raise NotFound(_("Nessuna prenotazione con questo codice tra le tue."))
    return booking


class AvailabilityView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Disponibilità di un hub in un giorno",
        parameters=[
            OpenApiParameter("hub", int, required=True, description="Id dell'hub."),
            OpenApiParameter("date", str, required=False, description="Giorno AAAA-MM-GG (oggi se assente)."),
        ],
        responses={200: AvailabilityOut, 400: ERROR},
    )
    def get(self, request):
        query = AvailabilityQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        hub = query.validated_data["hub"]
        if not hub.is_published and not may_see_unpublished(request):
            raise NotFound(_("Hub non trovato."))
        grid = availability.hub_availability(hub, query.validated_data.get("date") or local_today())
        return Response(availability_data(grid))


class BookingListCreateView(APIView):
    permission_classes = [IsAuthenticated, CanBook]
    token_scopes = {"POST": [BOOKINGS]}  # an app's token: reading needs `read` (tenants/identity/bearer.py)

    @extend_schema(summary="Le mie prenotazioni in questo comune", responses={200: BookingOut(many=True)})
    def get(self, request):
        return Response(BookingOut(selectors.bookings_for_person(request.user), many=True).data)

    @extend_schema(
        summary="Prenota una postazione o una sala intera",
        request=BookingIn,
        responses={201: BookingOut, 400: ERROR, 403: ERROR, 409: ERROR},
    )
    @idempotent
    def post(self, request):
        data = BookingIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        booking = services.booking_create(
            person=request.user,
            space=v["space"],
            seat=v.get("seat"),
            period=(v["start"], v["end"]),
            channel=API,
            use_agreement=v["use_agreement"],
        )
        return Response(BookingOut(booking, context={"request": request}).data, status=status.HTTP_201_CREATED)


class BookingSeriesView(APIView):
    """The same place and hours every day or every week: each one an ordinary booking, under every rule."""

    permission_classes = [IsAuthenticated, CanBook]
    token_scopes = {"POST": [BOOKINGS]}

    @extend_schema(
        summary="Prenota la stessa postazione più volte (ogni giorno o ogni settimana)",
        request=SeriesIn,
        responses={
            201: inline_serializer("SeriesOut", {"created": BookingOut(many=True), "refused": RefusalOut(many=True)}),
            400: ERROR,
            403: ERROR,
        },
        description="Risponde 201 se almeno una prenotazione è stata fatta, 200 se nessuna; "
        "`refused` elenca ogni data non prenotata con il motivo.",
    )
    @idempotent
    def post(self, request):
        data = SeriesIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        result = services.booking_series_create(
            person=request.user,
            space=v["space"],
            seat=v.get("seat"),
            first_period=(v["start"], v["end"]),
            every=timedelta(days=v["every_days"]),
            count=v["count"],
            channel=API,
        )
        body = {
            "created": BookingOut(result.created, many=True).data,
            "refused": RefusalOut(result.refused, many=True).data,
        }
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class BookingDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Una mia prenotazione", responses={200: BookingOut, 404: ERROR})
    def get(self, request, code):
        return Response(BookingOut(_own(request, code)).data)


class BookingCancelView(APIView):
    permission_classes = [IsAuthenticated]
    token_scopes = {"POST": [BOOKINGS]}

    @extend_schema(
        summary="Annulla una mia prenotazione", request=None, responses={200: BookingOut, 400: ERROR, 404: ERROR}
    )
    def post(self, request, code):
        booking = services.booking_cancel(booking=_own(request, code), actor=request.user, channel=API)
        return Response(BookingOut(booking).data)


class BookingCheckInView(APIView):
    permission_classes = [IsAuthenticated]
    token_scopes = {"POST": [BOOKINGS]}
    throttle_classes = [*APIView.throttle_classes, CheckInThrottle]

    @extend_schema(
        summary="Check-in all'hub (la persona stessa)",
        request=None,
        responses={200: BookingOut, 400: ERROR, 404: ERROR},
    )
    def post(self, request, code):
        booking = services.booking_check_in(code=_own(request, code).code, actor=request.user, channel=API)
        return Response(BookingOut(booking).data)


class CalendarFeedView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Indirizzo privato del calendario (iCalendar) delle mie prenotazioni", responses={200: dict})
    def get(self, request):
        from django.urls import reverse

        path = reverse("bookings:calendar_feed", args=[calendar_feed_token(request.user)])
        return Response({"url": request.build_absolute_uri(path)})


# --- Front desk ---------------------------------------------------------------------------


def _operated_hub(request, hub):
    if not can_operate_hub(request.user, request.municipality, hub):
        raise Forbidden(_("Non sei tra gli operatori di questo hub."))
    return hub


class FrontDeskSheetView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Foglio del giorno di un hub (operatori)",
        parameters=[OpenApiParameter("hub", int, required=True), OpenApiParameter("date", str, required=False)],
        responses={200: dict, 403: ERROR},
    )
    def get(self, request):
        query = AvailabilityQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        hub = _operated_hub(request, query.validated_data["hub"])
        sheet = selectors.front_desk_sheet(hub, query.validated_data.get("date") or local_today())
        return Response(
            {
                "hub": hub.pk,
                "date": sheet.day.isoformat(),
                "expected": FrontDeskBookingOut(sheet.expected, many=True).data,
                "checked_in": FrontDeskBookingOut(sheet.checked_in, many=True).data,
                "closed": FrontDeskBookingOut(sheet.closed, many=True).data,
                "free_now": [
                    {"space": space.pk, "name": space.name, "seats": [{"id": s.pk, "label": s.label} for s in seats]}
                    for space, seats in sheet.free_now
                ],
                "seats_total": sheet.seats_total,
                "events": EventHoldOut(sheet.events, many=True).data,
            }
        )


class FrontDeskCheckInView(APIView):
    permission_classes = [IsAuthenticated]
    # Codes typed one after another: fast enough for a queue, too slow to try codes at random.
    throttle_classes = [*APIView.throttle_classes, CheckInThrottle]

    @extend_schema(
        summary="Check-in con il codice (operatori)",
        request=CheckInIn,
        responses={200: FrontDeskBookingOut, 400: ERROR, 403: ERROR, 404: ERROR},
    )
    def post(self, request):
        data = CheckInIn(data=request.data)
        data.is_valid(raise_exception=True)
        hub = _operated_hub(request, data.validated_data["hub"])
        booking = services.booking_check_in(
            code=data.validated_data["code"], actor=request.user, channel=FRONT_DESK, hub=hub, by_staff=True
        )
        return Response(FrontDeskBookingOut(booking).data)


class FrontDeskWalkInView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Prenota per una persona allo sportello (operatori)",
        request=WalkInIn,
        responses={201: FrontDeskBookingOut, 400: ERROR, 403: ERROR, 409: ERROR},
    )
    def post(self, request):
        data = WalkInIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        hub = _operated_hub(request, v["hub"])
        if v["space"].hub_id != hub.pk:
            raise DomainError(_("La sala indicata non è di questo hub."), field="space")
        booking = services.walk_in_book(
            operator=request.user,
            email=v["email"],
            space=v["space"],
            seat=v.get("seat"),
            period=(v["start"], v["end"]),
            check_in_now=v["check_in_now"],
        )
        return Response(FrontDeskBookingOut(booking).data, status=status.HTTP_201_CREATED)


class FrontDeskNoShowView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Segna una mancata presentazione (operatori)",
        request=None,
        responses={200: FrontDeskBookingOut, 400: ERROR, 403: ERROR, 404: ERROR},
    )
    def post(self, request, code):
        booking = get_object_or_404(Booking.objects.select_related("hub"), code=code.upper())
        _operated_hub(request, booking.hub)
        booking = services.booking_mark_no_show(booking=booking, actor=request.user, channel=FRONT_DESK)
        return Response(FrontDeskBookingOut(booking).data)


# --- Policy and waitlist ------------------------------------------------------------------


class PolicyView(APIView):
    permission_classes = [ComuneAdministratorOrReadOnly]

    @extend_schema(summary="Regole di prenotazione del comune", responses={200: PolicySerializer})
    def get(self, request):
        return Response(PolicySerializer(selectors.policy_get()).data)

    @extend_schema(
        summary="Modifica le regole (amministratori del comune)",
        request=PolicySerializer,
        responses={200: PolicySerializer, 400: ERROR, 403: ERROR},
    )
    def patch(self, request):
        data = PolicySerializer(selectors.policy_get(), data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return Response(PolicySerializer(services.policy_update(**data.validated_data)).data)

    @extend_schema(
        summary="Sostituisce le regole (amministratori del comune)",
        request=PolicySerializer,
        responses={200: PolicySerializer, 400: ERROR, 403: ERROR},
    )
    def put(self, request):
        data = PolicySerializer(selectors.policy_get(), data=request.data)
        data.is_valid(raise_exception=True)
        return Response(PolicySerializer(services.policy_update(**data.validated_data)).data)


class WaitlistView(APIView):
    permission_classes = [IsAuthenticated, CanBook]
    token_scopes = {"POST": [BOOKINGS]}

    @extend_schema(summary="La mia lista d'attesa", responses={200: WaitlistOut(many=True)})
    def get(self, request):
        return Response(WaitlistOut(selectors.waitlist_for_person(request.user), many=True).data)

    @extend_schema(
        summary="Mettiti in lista d'attesa per un posto occupato",
        request=PlaceIn,
        responses={201: WaitlistOut, 400: ERROR, 403: ERROR, 409: ERROR},
    )
    def post(self, request):
        data = PlaceIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        entry = services.waitlist_join(
            person=request.user, space=v["space"], seat=v.get("seat"), period=(v["start"], v["end"])
        )
        return Response(WaitlistOut(entry).data, status=status.HTTP_201_CREATED)


class WaitlistEntryView(APIView):
    permission_classes = [IsAuthenticated]
    token_scopes = {"POST": [BOOKINGS], "DELETE": [BOOKINGS]}  # leave; accept and decline below

    def _entry(self, request, pk) -> WaitlistEntry:
        return get_object_or_404(WaitlistEntry.objects.select_related("offered_booking"), pk=pk, person=request.user)

    @extend_schema(summary="Esci dalla lista d'attesa", responses={204: None, 400: ERROR, 404: ERROR})
    def delete(self, request, pk):
        services.waitlist_leave(entry=self._entry(request, pk), actor=request.user, channel=API)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WaitlistAcceptView(WaitlistEntryView):
    @extend_schema(
        summary="Accetta il posto offerto", request=None, responses={200: BookingOut, 400: ERROR, 404: ERROR}
    )
    def post(self, request, pk):
        booking = services.waitlist_accept(entry=self._entry(request, pk), actor=request.user, channel=API)
        return Response(BookingOut(booking).data)


class WaitlistDeclineView(WaitlistEntryView):
    @extend_schema(
        summary="Rifiuta il posto offerto", request=None, responses={200: WaitlistOut, 400: ERROR, 404: ERROR}
    )
    def post(self, request, pk):
        entry = services.waitlist_decline(entry=self._entry(request, pk), actor=request.user, channel=API)
        return Response(WaitlistOut(entry).data)
