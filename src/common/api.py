"""The API's error body in the OpenAPI schema, shared by every app (the body itself is built in config/api.py)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ApiErrorSerializer(serializers.Serializer):
    """The body of every error under /api/ (4xx and 5xx)."""

    # Describes the body only: config/api.py builds it.
    def get_fields(self):
        # "fields" is also the name of Serializer.fields: a class attribute would hide it.
        return {
            "detail": serializers.CharField(help_text=_("Messaggio per la persona, nella lingua della richiesta.")),
            "code": serializers.CharField(help_text=_("Codice per i programmi, ad es. invalid, not_found, conflict.")),
            "fields": serializers.DictField(
                child=serializers.ListField(child=serializers.CharField()),
                help_text=_("Messaggi per campo (nomi annidati col punto, es. items.0.name); {} se nessuno."),
            ),
        }


ERROR = OpenApiResponse(
    response=ApiErrorSerializer,
    description=_('Errore: {"detail": messaggio, "code": codice, "fields": {campo: [messaggi]}}'),
)
