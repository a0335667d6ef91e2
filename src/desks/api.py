"""Service desks over JSON: anyone reads, the comune's administrators write."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from src.desks import serializers as s
from src.desks.models import DeskHours, ServiceDesk
from src.desks.selectors import desk_list, desk_open_intervals
from src.hubs.api_base import DATE_PARAMETER, CatalogueViewSet, query_date, query_id
from src.hubs.selectors import hub_closure_on
from src.hubs.serializers import OpenIntervalsSerializer


@extend_schema(parameters=[OpenApiParameter("hub", int, description="Solo gli sportelli di questo hub.")])
class ServiceDeskViewSet(CatalogueViewSet):
    queryset = ServiceDesk.objects.all()
    serializer_class = s.ServiceDeskSerializer

    def base_queryset(self):
        desks = desk_list(published_only=False)
        if self.action == "list" and (hub := query_id(self.request, "hub")) is not None:
            desks = desks.filter(hub_id=hub)
        return desks

    @extend_schema(parameters=[DATE_PARAMETER], responses=OpenIntervalsSerializer)
    @action(detail=True, methods=["get"], url_path="open-intervals")
    def open_intervals(self, request, pk=None):
        """When the desk receives on a date: its hours while the hub is open."""
        desk = self.get_object()
        day = query_date(request)
        intervals = desk_open_intervals(desk, day)
        body = {
            "date": day,
            "is_open": bool(intervals),
            "intervals": [{"start": start, "end": end} for start, end in intervals],
            "closure": hub_closure_on(desk.hub, day),
        }
        return Response(OpenIntervalsSerializer(body).data)


class DeskHoursViewSet(CatalogueViewSet):
    """/desks/<desk_pk>/hours/: the weekly hours of one desk."""

    queryset = DeskHours.objects.order_by("weekday", "opens")
    serializer_class = s.DeskHoursSerializer
    hub_path = "desk__hub"
    parent_model = ServiceDesk
    parent_kwarg = "desk_pk"
    parent_field = "desk"
    parent_hub_path = "hub"
