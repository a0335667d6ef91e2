"""Appointments over JSON for the mobile app: slots, booking with or without an account, check, cancel, attendance.

Without an account a booking is held (state "held", `hold_expires_at`) until the link e-mailed
to the applicant confirms it (the web page, or POST appointments/confirm/ with its token).
"""

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from src.appointments import selectors, services
from src.appointments.models import Appointment, Channel
from src.common.accounts import CanBook
from src.common.api import ERROR
from src.common.errors import Forbidden, NotFound
from src.common.fields import AwareDateTimeField, DayField, IdField
from src.hubs.permissions import can_operate_hub
from src.idempotency.api import idempotent
from tenants.identity.oauth import BOOKINGS, READ
from tenants.identity.throttling import AppointmentAnonThrottle, client_address


def _inline_enum(choices):
    # An inline enum, not a named component: every app has a "state", and shared names collide.
    return extend_schema_field({"type": "string", "enum": [value for value, _label in choices]})


@_inline_enum(Appointment.State.choices)
class AppointmentStateField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Appointment.State.choices, **kwargs)


ATTENDANCE_STATES = [(s.value, s.label) for s in (Appointment.State.ATTENDED, Appointment.State.NO_SHOW)]


@_inline_enum(ATTENDANCE_STATES)
class AttendanceStateField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=ATTENDANCE_STATES, **kwargs)


class SlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class SlotQuery(serializers.Serializer):
    date = DayField(required=False, help_text=_("Primo giorno (AAAA-MM-GG); oggi se assente."))
    days = serializers.IntegerField(required=False, min_value=1, max_value=31, default=1)


class AppointmentSerializer(serializers.ModelSerializer):
    start = serializers.DateTimeField(read_only=True)
    end = serializers.DateTimeField(read_only=True)
    state = AppointmentStateField(read_only=True)
    desk_name = serializers.CharField(source="desk.name", read_only=True)
    hub = serializers.CharField(source="desk.hub.name", read_only=True)

    class Meta:
        model = Appointment
        fields = [
            "code",
            "state",
            "desk",
            "desk_name",
            "hub",
            "start",
            "end",
            "topic",
            "details",
            "applicant_name",
            "email",
            "phone",
            "fiscal_code",
            "created_at",
            "hold_expires_at",
        ]
        read_only_fields = fields


class BookSerializer(serializers.Serializer):
    desk = IdField()
    start = AwareDateTimeField(help_text=_("Inizio dello slot, ISO 8601 con fuso orario."))
    topic = serializers.CharField(max_length=120)
    details = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    applicant_name = serializers.CharField(max_length=200)
    email = serializers.EmailField()
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    fiscal_code = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")


class LookupSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    email = serializers.EmailField()


class ConfirmSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=500, help_text=_("Il codice del link di conferma ricevuto per e-mail."))


class CancelSerializer(serializers.Serializer):
    email = serializers.EmailField(required=False, help_text=_("Obbligatoria senza account."))


class AppointmentAttendanceSerializer(serializers.Serializer):
    state = AttendanceStateField()


def _desk_or_404(desk_pk):
    desk = selectors.desk_for_booking(desk_pk)
    if desk is None:
        raise NotFound(_("Sportello non trovato o senza appuntamenti."))
    return desk


class DeskSlotsApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(parameters=[SlotQuery], responses={200: SlotSerializer(many=True), 400: ERROR, 404: ERROR})
    def get(self, request, desk_pk):
        """Free slots of a desk, day by day."""
        desk = _desk_or_404(desk_pk)
        query = SlotQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        first = query.validated_data.get("date") or timezone.localdate()
        by_day = selectors.desk_slots_by_day(desk=desk, first_day=first, days=query.validated_data["days"])
        return Response(
            {
                "desk": desk.pk,
                "slot_minutes": desk.slot_minutes,
                "days": [
                    {"date": day.isoformat(), "slots": SlotSerializer(slots, many=True).data}
                    for day, slots in by_day.items()
                ],
            }
        )


class AppointmentListApi(APIView):
    token_scopes = {"POST": [BOOKINGS]}  # an app's token (tenants/identity/bearer.py)
    # Booking without an account: a few an hour per client address (each one sends an e-mail).
    throttle_classes = [*APIView.throttle_classes, AppointmentAnonThrottle]

    def get_permissions(self):
        # Anyone may book, with or without an account; with one, its address must be confirmed.
        return [AllowAny(), CanBook()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(responses={200: AppointmentSerializer(many=True)})
    def get(self, request):
        """The signed-in person's appointments in this comune."""
        return Response(AppointmentSerializer(selectors.appointments_for_person(request.user), many=True).data)

    @extend_schema(
        request=BookSerializer, responses={201: AppointmentSerializer, 400: ERROR, 403: ERROR, 409: ERROR, 429: ERROR}
    )
    @idempotent
    def post(self, request):
        """Book a free slot; an account is not needed. 409 when the slot is taken.

        Without an account the slot is held ("held") until the link e-mailed confirms it, and an
        e-mail address or a client address holds a few a day at most (429 "appointment_daily_limit").
        """
        data = BookSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        desk = selectors.desk_for_booking(fields.pop("desk"))
        if desk is None:
            raise serializers.ValidationError({"desk": [_("Sportello non trovato o senza appuntamenti.")]})
        appointment = services.appointment_book(
            desk=desk,
            person=request.user,
            language=translation.get_language(),
            channel=Channel.API,
            client_address=client_address(request),
            **fields,
        )
        return Response(AppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)


class AppointmentConfirmApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=ConfirmSerializer, responses={200: AppointmentSerializer, 400: ERROR})
    def post(self, request):
        """Confirm a held appointment with the token of the link e-mailed to the applicant."""
        data = ConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appointment = services.appointment_confirm(token=data.validated_data["token"], channel=Channel.API)
        return Response(AppointmentSerializer(appointment).data)


class AppointmentLookupApi(APIView):
    permission_classes = [AllowAny]
    token_scopes = {"POST": [READ]}  # a look-up, though a POST

    @extend_schema(request=LookupSerializer, responses={200: AppointmentSerializer, 400: ERROR, 404: ERROR})
    def post(self, request):
        """An appointment by its code and the e-mail it was booked with (no account needed)."""
        data = LookupSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appointment = selectors.appointment_find(**data.validated_data)
        if appointment is None:
            raise NotFound(services.APPOINTMENT_NOT_FOUND)
        return Response(AppointmentSerializer(appointment).data)


class AppointmentDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: AppointmentSerializer, 404: ERROR})
    def get(self, request, code):
        """One of the signed-in person's appointments."""
        appointment = selectors.appointment_find(code=code, person=request.user)
        if appointment is None:
            raise NotFound(services.APPOINTMENT_NOT_FOUND)
        return Response(AppointmentSerializer(appointment).data)


class AppointmentCancelApi(APIView):
    permission_classes = [AllowAny]
    token_scopes = {"POST": [BOOKINGS]}

    @extend_schema(request=CancelSerializer, responses={200: AppointmentSerializer, 400: ERROR, 404: ERROR})
    def post(self, request, code):
        """Cancel with the code and the e-mail (or as the signed-in owner)."""
        data = CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appointment = services.appointment_cancel(
            code=code, email=data.validated_data.get("email"), by=request.user, channel=Channel.API
        )
        return Response(AppointmentSerializer(appointment).data)


class AppointmentAttendanceApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=AppointmentAttendanceSerializer,
        responses={200: AppointmentSerializer, 400: ERROR, 403: ERROR, 404: ERROR},
    )
    def post(self, request, code):
        """Front desk: mark the person as come (attended) or not (no_show)."""
        appointment = selectors.appointment_by_code(code)
        if appointment is None:
            raise NotFound(_("Appuntamento non trovato."))
        if not can_operate_hub(request.user, request.municipality, appointment.desk.hub):
            raise Forbidden(_("Serve il ruolo di operatore di questo hub o di amministratore del comune."))
        data = AppointmentAttendanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        appointment = services.appointment_mark(
            appointment=appointment, state=data.validated_data["state"], by=request.user, channel=Channel.API
        )
        return Response(AppointmentSerializer(appointment).data)


class DeskAgendaApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[SlotQuery], responses={200: AppointmentSerializer(many=True), 400: ERROR, 403: ERROR, 404: ERROR}
    )
    def get(self, request, desk_pk):
        """Front desk: a desk's appointments for a day (operators and administrators)."""
        desk = _desk_or_404(desk_pk)
        if not can_operate_hub(request.user, request.municipality, desk.hub):
            raise Forbidden(_("Serve il ruolo di operatore di questo hub o di amministratore del comune."))
        query = SlotQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        day = query.validated_data.get("date") or timezone.localdate()
        rows = selectors.desk_agenda(desk=desk, first_day=day, days=query.validated_data["days"])
        return Response(AppointmentSerializer(rows, many=True).data)
