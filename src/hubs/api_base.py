"""What every catalogue API view shares: public reads, administrator writes
through the services (validated, logged). Their errors (a model's ValidationError,
a Conflict) become JSON in config/api.py, never a 500."""

from datetime import date

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from src.common.fields import DayField, IdField
from src.common.time import local_today
from src.hubs.catalogue_cache import catalogue_cached
from src.hubs.permissions import ComuneAdministratorOrReadOnly, may_see_unpublished
from src.hubs.services import catalogue_create, catalogue_delete, catalogue_update


class DateQuery(serializers.Serializer):
    date = DayField(required=False, help_text=_("Data (AAAA-MM-GG); oggi se assente."))


DATE_PARAMETER = OpenApiParameter(
    "date", date, description="Data (AAAA-MM-GG), ora di Roma; oggi se assente.", required=False
)


def query_date(request) -> date:
    """The `date` query parameter, or today in Rome; a malformed date is a 400."""
    query = DateQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data.get("date") or local_today()


def query_id(request, name: str) -> int | None:
    """An optional integer filter from the query string; anything else is a 400."""
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    field = IdField()
    try:
        return field.run_validation(raw)
    except serializers.ValidationError as error:
        raise serializers.ValidationError({name: error.detail}) from error


class CatalogueViewSet(viewsets.ModelViewSet):
    """CRUD for one catalogue model in the current comune's schema.

    `hub_path` leads from the model to its hub: rows of unpublished hubs stay
    hidden from the public. A nested view sets `parent_model`/`parent_kwarg`/
    `parent_field` and takes its parent from the URL.
    """

    permission_classes = [ComuneAdministratorOrReadOnly]
    hub_path: str = "hub"
    parent_model = None
    parent_kwarg: str = ""
    parent_field: str = ""
    parent_hub_path: str = ""

    def base_queryset(self) -> QuerySet:
        return self.queryset.all()

    # Reads are served from the catalogue cache (per comune, dropped on any change):
    # the same answer for the same day, host, path, language and audience.
    def _cached_read(self, read, request, *args, **kwargs):
        key = (
            type(self).__name__,
            local_today(),
            request.get_host(),
            request.get_full_path(),
            get_language(),
            may_see_unpublished(request),
        )
        return Response(catalogue_cached("api", lambda: read(request, *args, **kwargs).data, *key))

    def list(self, request, *args, **kwargs):
        return self._cached_read(super().list, request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self._cached_read(super().retrieve, request, *args, **kwargs)

    def visible(self, queryset: QuerySet, hub_path: str) -> QuerySet:
        if may_see_unpublished(self.request):
            return queryset
        return queryset.filter(**{f"{hub_path}__is_published" if hub_path else "is_published": True})

    def get_parent(self):
        if not hasattr(self, "_parent"):
            parents = self.visible(self.parent_model.objects.all(), self.parent_hub_path)
            self._parent = get_object_or_404(parents, pk=self.kwargs[self.parent_kwarg])
        return self._parent

    def get_queryset(self):
        queryset = self.visible(self.base_queryset(), self.hub_path)
        if self.parent_model is not None:
            queryset = queryset.filter(**{self.parent_field: self.get_parent()})
        return queryset

    def _parent_data(self) -> dict:
        return {self.parent_field: self.get_parent()} if self.parent_model is not None else {}

    def perform_create(self, serializer):
        data = {**serializer.validated_data, **self._parent_data()}
        serializer.instance = catalogue_create(model=serializer.Meta.model, user=self.request.user, data=data)

    def perform_update(self, serializer):
        serializer.instance = catalogue_update(
            instance=serializer.instance, user=self.request.user, data=dict(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        catalogue_delete(instance=instance, user=self.request.user)
