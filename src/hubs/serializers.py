"""JSON shapes of the hubs catalogue. Writes go through services (see api_base)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from src.common.time import local_today
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


class OpeningHoursSerializer(serializers.ModelSerializer):
    weekday_label = serializers.CharField(source="get_weekday_display", read_only=True)

    class Meta:
        model = OpeningHours
        fields = ["id", "weekday", "weekday_label", "opens", "closes"]


class ClosureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Closure
        fields = ["id", "starts_on", "ends_on", "reason"]


class SpecialOpeningSerializer(serializers.ModelSerializer):
    class Meta:
        model = SpecialOpening
        fields = ["id", "date", "opens", "closes", "note"]


class HubPhotoSerializer(serializers.ModelSerializer):
    # Sent as multipart/form-data; checked and re-encoded by the service (src/hubs/photos.py).
    image = serializers.FileField(
        write_only=True,
        allow_empty_file=True,  # the service refuses it with its own sentence
        help_text="La foto (JPEG, PNG o WebP, al massimo 8 MB e 4000 × 4000 pixel): viene ridimensionata, "
        "ripulita dai metadati e salvata come WebP. Facoltativa in una modifica.",
    )
    url = serializers.CharField(read_only=True, help_text="Indirizzo da cui caricare l'immagine (sul sito del comune).")

    class Meta:
        model = HubPhoto
        fields = ["id", "image", "url", "alt_text", "order"]
        read_only_fields = ["url"]


class HubSerializer(serializers.ModelSerializer):
    photos = HubPhotoSerializer(many=True, read_only=True)
    opening_hours = OpeningHoursSerializer(many=True, read_only=True)
    closures = serializers.SerializerMethodField(help_text="Chiusure non ancora concluse.")
    special_openings = serializers.SerializerMethodField(help_text="Aperture straordinarie da oggi in poi.")

    class Meta:
        model = Hub
        fields = [
            "id",
            "name",
            "slug",
            "address",
            "postal_code",
            "town",
            "latitude",
            "longitude",
            "description",
            "accessibility_notes",
            "phone",
            "email",
            "opened_on",
            "is_published",
            "photos",
            "opening_hours",
            "closures",
            "special_openings",
        ]
        # Numbers, not strings: the mobile app puts them straight on a map.
        extra_kwargs = {"latitude": {"coerce_to_string": False}, "longitude": {"coerce_to_string": False}}

    # Filtered in Python so rows prefetched by hub_list() answer without a query.
    @extend_schema_field(ClosureSerializer(many=True))
    def get_closures(self, hub):
        today = local_today()
        rows = sorted((c for c in hub.closures.all() if c.ends_on >= today), key=lambda c: c.starts_on)
        return ClosureSerializer(rows, many=True).data

    @extend_schema_field(SpecialOpeningSerializer(many=True))
    def get_special_openings(self, hub):
        today = local_today()
        rows = sorted((s for s in hub.special_openings.all() if s.date >= today), key=lambda s: (s.date, s.opens))
        return SpecialOpeningSerializer(rows, many=True).data


class IntervalSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class OpenIntervalsSerializer(serializers.Serializer):
    date = serializers.DateField()
    is_open = serializers.BooleanField(help_text="Aperto almeno in parte quel giorno.")
    intervals = IntervalSerializer(many=True)
    closure = ClosureSerializer(allow_null=True)


class SeatSerializer(serializers.ModelSerializer):
    class Meta:
        model = Seat
        fields = ["id", "space", "label", "features", "is_active"]


class SeatBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Seat
        fields = ["id", "label", "features", "is_active"]


class SpaceSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    seats = SeatBriefSerializer(many=True, read_only=True)

    class Meta:
        model = Space
        fields = [
            "id",
            "hub",
            "name",
            "kind",
            "kind_label",
            "capacity",
            "amenities",
            "bookable_whole",
            "description",
            "default_layout",
            "seats",
        ]


class LayoutSerializer(serializers.ModelSerializer):
    class Meta:
        model = Layout
        fields = ["id", "space", "name", "seats", "whole_room_only"]


class LayoutScheduleSerializer(serializers.ModelSerializer):
    class Meta:
        model = LayoutSchedule
        fields = ["id", "space", "layout", "date"]


class LayoutBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Layout
        fields = ["id", "name", "whole_room_only"]


class SeatsOnSerializer(serializers.Serializer):
    date = serializers.DateField()
    layout = LayoutBriefSerializer(allow_null=True)
    whole_room_only = serializers.BooleanField()
    seats = SeatBriefSerializer(many=True)
