"""The hubs catalogue over JSON: anyone reads, the comune's administrators write."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from src.hubs import serializers as s
from src.hubs.api_base import DATE_PARAMETER, CatalogueViewSet, query_date, query_id
from src.hubs.models import (
    Closure,
    Hub,
    HubPhoto,
    Layout,
    LayoutSchedule,
    OpeningHours,
    Seat,
    Space,
    SpecialOpening,
)
from src.hubs.selectors import active_layout, hub_closure_on, hub_list, hub_open_intervals, seats_on
from src.hubs.services import hub_photo_create, hub_photo_update


class HubViewSet(CatalogueViewSet):
    queryset = Hub.objects.all()
    serializer_class = s.HubSerializer
    hub_path = ""

    def base_queryset(self):
        return hub_list(published_only=False)

    @extend_schema(parameters=[DATE_PARAMETER], responses=s.OpenIntervalsSerializer)
    @action(detail=True, methods=["get"], url_path="open-intervals")
    def open_intervals(self, request, pk=None):
        """When the hub is open on a date (Europe/Rome): closures give no intervals."""
        hub = self.get_object()
        day = query_date(request)
        intervals = hub_open_intervals(hub, day)
        body = {
            "date": day,
            "is_open": bool(intervals),
            "intervals": [{"start": start, "end": end} for start, end in intervals],
            "closure": hub_closure_on(hub, day),
        }
        return Response(s.OpenIntervalsSerializer(body).data)


class HubChildViewSet(CatalogueViewSet):
    """Rows that belong to one hub: /hubs/<hub_pk>/<rows>/."""

    parent_model = Hub
    parent_kwarg = "hub_pk"
    parent_field = "hub"
    parent_hub_path = ""


class OpeningHoursViewSet(HubChildViewSet):
    queryset = OpeningHours.objects.all()
    serializer_class = s.OpeningHoursSerializer


class ClosureViewSet(HubChildViewSet):
    queryset = Closure.objects.all()
    serializer_class = s.ClosureSerializer


class SpecialOpeningViewSet(HubChildViewSet):
    queryset = SpecialOpening.objects.all()
    serializer_class = s.SpecialOpeningSerializer


class HubPhotoViewSet(HubChildViewSet):
    """Photos are uploaded (multipart/form-data; JSON for alt text and order) and re-encoded:
    never an external address."""

    queryset = HubPhoto.objects.all()
    serializer_class = s.HubPhotoSerializer

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = hub_photo_create(
            hub=self.get_parent(),
            user=self.request.user,
            upload=data["image"],
            alt_text=data.get("alt_text", ""),
            order=data.get("order", 0),
        )

    def perform_update(self, serializer):
        serializer.instance = hub_photo_update(
            photo=serializer.instance, user=self.request.user, data=dict(serializer.validated_data)
        )


HUB_FILTER = OpenApiParameter("hub", int, description="Solo gli spazi di questo hub.", required=False)
SPACE_FILTER = OpenApiParameter("space", int, description="Solo le righe di questo spazio.", required=False)


@extend_schema(parameters=[HUB_FILTER])
class SpaceViewSet(CatalogueViewSet):
    queryset = Space.objects.all()
    serializer_class = s.SpaceSerializer

    def base_queryset(self):
        spaces = Space.objects.select_related("hub").prefetch_related(
            Prefetch("seats", queryset=Seat.objects.order_by("label"))
        )
        if self.action == "list" and (hub := query_id(self.request, "hub")) is not None:
            spaces = spaces.filter(hub_id=hub)
        return spaces.order_by("hub__name", "name")

    @extend_schema(parameters=[DATE_PARAMETER], responses=s.SeatsOnSerializer)
    @action(detail=True, methods=["get"], url_path="seats-on")
    def seats_on(self, request, pk=None):
        """The layout in place on a date and the seats it offers one by one."""
        space = self.get_object()
        day = query_date(request)
        layout = active_layout(space, day)
        body = {
            "date": day,
            "layout": layout,
            "whole_room_only": bool(layout and layout.whole_room_only),
            "seats": seats_on(space, day),
        }
        return Response(s.SeatsOnSerializer(body).data)


class SpaceChildViewSet(CatalogueViewSet):
    hub_path = "space__hub"

    def base_queryset(self):
        rows = self.queryset.select_related("space")
        if self.action == "list" and (space := query_id(self.request, "space")) is not None:
            rows = rows.filter(space_id=space)
        return rows


@extend_schema(parameters=[SPACE_FILTER])
class SeatViewSet(SpaceChildViewSet):
    queryset = Seat.objects.order_by("space_id", "label")
    serializer_class = s.SeatSerializer


@extend_schema(parameters=[SPACE_FILTER])
class LayoutViewSet(SpaceChildViewSet):
    queryset = Layout.objects.prefetch_related("seats").order_by("space_id", "name")
    serializer_class = s.LayoutSerializer


@extend_schema(parameters=[SPACE_FILTER])
class LayoutScheduleViewSet(SpaceChildViewSet):
    queryset = LayoutSchedule.objects.order_by("date")
    serializer_class = s.LayoutScheduleSerializer
