"""/api/v1/push/ on every host: the VAPID public key, and the signed-in person's browser subscriptions.

A browser's PushSubscription (`subscription.toJSON()`: endpoint and keys) is posted here by
static/site/pwa.js or by the app; notifications are sent later through the outbox's channels."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.webpush import services
from tenants.webpush.selectors import vapid_public_key


class PushUnavailable(exceptions.APIException):
    # Not an outage: the feature is not offered here, which a 5xx would misreport to monitoring.
    status_code = status.HTTP_404_NOT_FOUND
    default_detail = _("Le notifiche push non sono attive su questo servizio.")
    default_code = "push_unavailable"


def _configured_key() -> str:
    key = vapid_public_key()
    if not key:
        raise PushUnavailable()
    return key


class KeysIn(serializers.Serializer):
    p256dh = serializers.CharField(max_length=200)
    auth = serializers.CharField(max_length=100)


class SubscriptionIn(serializers.Serializer):
    endpoint = serializers.URLField(max_length=2000, help_text=_("L'indirizzo del servizio push del browser (https)."))
    keys = KeysIn()

    def validate_endpoint(self, value):
        if not value.startswith("https://"):
            raise serializers.ValidationError(_("L'indirizzo del servizio push deve essere https."))
        return value


class EndpointIn(serializers.Serializer):
    endpoint = serializers.URLField(max_length=2000)


class PushKeyView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(summary="Chiave pubblica VAPID per le notifiche push", responses={200: dict})
    def get(self, request):
        return Response({"public_key": _configured_key()})


class PushSubscriptionView(APIView):
    """Browsers only (the session): web push is how a browser is reached; the citizens' app
    has its own push, so no token scope opens these writes to apps."""

    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Registra il browser per le notifiche push", request=SubscriptionIn, responses={201: dict})
    def post(self, request):
        _configured_key()
        data = SubscriptionIn(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = services.push_subscription_save(
            user=request.user,
            endpoint=data.validated_data["endpoint"],
            p256dh=data.validated_data["keys"]["p256dh"],
            auth=data.validated_data["keys"]["auth"],
            user_agent=request.headers.get("User-Agent", ""),
        )
        return Response({"id": subscription.pk, "endpoint": subscription.endpoint}, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Cancella l'iscrizione del browser alle notifiche push", request=EndpointIn, responses={204: None}
    )
    def delete(self, request):
        data = EndpointIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.push_subscription_delete(user=request.user, endpoint=data.validated_data["endpoint"])
        return Response(status=status.HTTP_204_NO_CONTENT)
