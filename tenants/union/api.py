"""/api/v1/ on the union site: what the citizens' app needs across the comuni.

Every hub of the union, and the person's bookings, appointments and event
registrations in every comune, each read with one SQL query across the comuni's
schemas (hub_directory.py, my_bookings.py); the person's profile. Booking itself
happens on each comune's own API, whose address every hub and item carries
(`comune.api`), with the same token.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.comuni.selectors import municipality_list, municipality_url
from tenants.identity.oauth import PROFILE
from tenants.reporting.catalogue import DeskKind
from tenants.union.hub_directory import union_hubs
from tenants.union.my_bookings import my_items

COMUNE_API = "/api/v1/"  # where each comune's API lives on its own host
ERROR = OpenApiResponse(description=_('Errore: {"detail": messaggio, "code": codice, "fields": {campo: [messaggi]}}'))


class ComuneRef(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    url = serializers.SerializerMethodField(help_text=_("Il sito del comune."))
    api = serializers.SerializerMethodField(help_text=_("L'API del comune, dove si prenota con lo stesso token."))

    def get_url(self, municipality) -> str:
        return municipality_url(municipality, "/", request=self.context.get("request"))

    def get_api(self, municipality) -> str:
        return municipality_url(municipality, COMUNE_API, request=self.context.get("request"))


class HubOut(serializers.Serializer):
    comune = ComuneRef()
    id = serializers.IntegerField(help_text=_("L'id dell'hub nell'API del suo comune (es. disponibilità)."))
    slug = serializers.CharField()
    name = serializers.CharField()
    address = serializers.CharField()
    postal_code = serializers.CharField()
    town = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    desk_kinds = serializers.ListField(child=serializers.CharField(), help_text=_("I tipi di sportello dell'hub."))
    open_now = serializers.BooleanField()
    url = serializers.CharField(help_text=_("La pagina dell'hub sul sito del comune."))


class HubQuery(serializers.Serializer):
    comune = serializers.CharField(required=False, help_text=_("Solo gli hub di questo comune (slug)."))
    desk_kind = serializers.ChoiceField(
        choices=DeskKind.choices, required=False, help_text=_("Solo gli hub con questo tipo di sportello.")
    )
    open_now = serializers.BooleanField(required=False, default=False, help_text=_("Solo gli hub aperti ora."))

    def validate_comune(self, slug):
        if not municipality_list().filter(slug=slug).exists():
            raise serializers.ValidationError(_("Comune sconosciuto."))
        return slug


class MyItemOut(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["booking", "appointment", "event"],
        help_text=_("booking (postazione o sala), appointment (sportello) o event (iscrizione)"),
    )
    comune = ComuneRef(source="municipality")
    reference = serializers.CharField(
        help_text=_("Il codice della prenotazione o dell'appuntamento, l'id dell'evento.")
    )
    title = serializers.CharField()
    place = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    upcoming = serializers.BooleanField(source="is_upcoming", help_text=_("Ancora in programma."))
    url = serializers.CharField(help_text=_("La sua pagina sul sito del comune."))


class ProfileOut(serializers.Serializer):
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    fiscal_code = serializers.CharField(allow_null=True)
    phone = serializers.CharField()
    language = serializers.CharField()
    home_comune = ComuneRef(source="home_municipality", allow_null=True)


class HubListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Tutti gli hub dell'Unione",
        parameters=[HubQuery],
        responses={200: HubOut(many=True), 400: ERROR},
    )
    def get(self, request):
        query = HubQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        v = query.validated_data
        hubs = union_hubs(
            comune_slug=v.get("comune"), desk_kind=v.get("desk_kind"), open_only=v["open_now"], request=request
        )
        return Response(HubOut(hubs, many=True, context={"request": request}).data)


class MyBookingsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Le mie prenotazioni, i miei appuntamenti e le mie iscrizioni in ogni comune",
        description="Dal più vicino nel tempo; annullati e passati compresi (`upcoming` dice quali sono in programma).",
        responses={200: MyItemOut(many=True), 401: ERROR},
    )
    def get(self, request):
        items = my_items(request.user, request=request)
        return Response(MyItemOut(items, many=True, context={"request": request}).data)


class ProfileView(APIView):
    permission_classes = [IsAuthenticated]
    token_scopes = {"GET": [PROFILE]}

    @extend_schema(summary="Il mio profilo", responses={200: ProfileOut, 401: ERROR, 403: ERROR})
    def get(self, request):
        return Response(ProfileOut(request.user, context={"request": request}).data)
