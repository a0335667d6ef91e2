"""Events over JSON: list, detail with places left, register/cancel, operators' attendance."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from src.common.accounts import CanBook
from src.common.api import ERROR
from src.common.errors import Forbidden, NotFound
from src.events import selectors, services
from src.events.models import Event, EventRegistration
from src.hubs.permissions import can_operate_hub
from src.idempotency.api import idempotent
from tenants.identity.oauth import BOOKINGS


@extend_schema_field({"type": "string", "enum": EventRegistration.State.values})
class RegistrationStateField(serializers.ChoiceField):
    # An inline enum, not a named component: every app has a "state", and shared names collide.
    def __init__(self, **kwargs):
        super().__init__(choices=EventRegistration.State.choices, **kwargs)


class EventSerializer(serializers.ModelSerializer):
    hub = serializers.CharField(source="hub.name")
    hub_slug = serializers.CharField(source="hub.slug")
    places_left = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "title",
            "description",
            "kind",
            "hub",
            "hub_slug",
            "starts_at",
            "ends_at",
            "capacity",
            "places_left",
            "registration_open",
        ]

    def get_places_left(self, event) -> int:
        return selectors.places_left(event)


class RegistrationSerializer(serializers.ModelSerializer):
    event = serializers.IntegerField(source="event_id")
    state = RegistrationStateField(read_only=True)
    waitlist_position = serializers.SerializerMethodField()

    class Meta:
        model = EventRegistration
        fields = ["id", "event", "state", "waitlist_position", "created_at"]

    def get_waitlist_position(self, registration) -> int | None:
        return selectors.waitlist_position(registration)


class AttendeeSerializer(RegistrationSerializer):
    # Plain text here: one enum component per choice set keeps the OpenAPI names stable.
    state = serializers.CharField(read_only=True, help_text=_("registered, waitlisted o attended"))
    # Empty for a person who erased their account (the registration stays, with nobody on it).
    name = serializers.CharField(source="person.get_full_name", allow_null=True, default=None)
    email = serializers.EmailField(source="person.email", allow_null=True, default=None)

    class Meta(RegistrationSerializer.Meta):
        fields = [*RegistrationSerializer.Meta.fields, "name", "email"]


class EventAttendanceSerializer(serializers.Serializer):
    attended = serializers.BooleanField()


def _event_or_404(pk) -> Event:
    event = selectors.event_get(pk)
    if event is None:
        raise NotFound(_("Evento non trovato."))
    return event


class EventListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: EventSerializer(many=True)})
    def get(self, request):
        """Upcoming events of this comune's hubs."""
        return Response(EventSerializer(selectors.event_list(), many=True).data)


class EventDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: EventSerializer, 404: ERROR})
    def get(self, request, pk):
        return Response(EventSerializer(_event_or_404(pk)).data)


class EventRegistrationApi(APIView):
    """The signed-in person's registration to one event."""

    permission_classes = [IsAuthenticated, CanBook]
    token_scopes = {"POST": [BOOKINGS], "DELETE": [BOOKINGS]}  # an app's token (tenants/identity/bearer.py)

    @extend_schema(responses={200: RegistrationSerializer, 404: ERROR})
    def get(self, request, pk):
        registration = selectors.registration_of(_event_or_404(pk), request.user)
        if registration is None:
            raise NotFound(_("Non risulti iscritto a questo evento."))
        return Response(RegistrationSerializer(registration).data)

    @extend_schema(
        request=None, responses={201: RegistrationSerializer, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR}
    )
    @idempotent
    def post(self, request, pk):
        """Register: a place if one is left, else the waitlist (state tells which). 409 if already registered."""
        registration = services.event_register(
            event=_event_or_404(pk), person=request.user, channel=services.Channel.API
        )
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: RegistrationSerializer, 400: ERROR, 404: ERROR})
    def delete(self, request, pk):
        """Cancel the registration; the first in the waitlist gets the place."""
        registration = services.event_unregister(
            event=_event_or_404(pk), person=request.user, channel=services.Channel.API
        )
        return Response(RegistrationSerializer(registration).data)


def _operated_event(request, pk) -> Event:
    event = _event_or_404(pk)
    if not can_operate_hub(request.user, request.municipality, event.hub):
        raise Forbidden(_("Serve il ruolo di operatore di questo hub o di amministratore del comune."))
    return event


class EventAttendeesApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: AttendeeSerializer(many=True), 403: ERROR, 404: ERROR})
    def get(self, request, pk):
        """Operators: everyone registered or waiting."""
        event = _operated_event(request, pk)
        return Response(AttendeeSerializer(selectors.event_registrations(event), many=True).data)


class AttendanceApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=EventAttendanceSerializer, responses={200: AttendeeSerializer, 400: ERROR, 403: ERROR, 404: ERROR}
    )
    def post(self, request, pk, registration_pk):
        """Operators: mark a registered person as present (or undo it)."""
        event = _operated_event(request, pk)
        registration = selectors.event_registrations(event).filter(pk=registration_pk).first()
        if registration is None:
            raise NotFound(_("Iscrizione non trovata."))
        data = EventAttendanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.registration_mark_attendance(
            registration=registration,
            attended=data.validated_data["attended"],
            by=request.user,
            channel=services.Channel.API,
        )
        return Response(AttendeeSerializer(registration).data)
