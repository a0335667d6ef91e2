"""JSON shapes of the service desks (sportelli)."""

from rest_framework import serializers

from src.desks.models import DeskHours, ServiceDesk


class DeskHoursSerializer(serializers.ModelSerializer):
    weekday_label = serializers.CharField(source="get_weekday_display", read_only=True)

    class Meta:
        model = DeskHours
        fields = ["id", "weekday", "weekday_label", "opens", "closes"]


class ServiceDeskSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    hours = DeskHoursSerializer(many=True, read_only=True)

    class Meta:
        model = ServiceDesk
        fields = [
            "id",
            "hub",
            "kind",
            "kind_label",
            "name",
            "description",
            "topics",
            "how_to_reach",
            "takes_appointments",
            "slot_minutes",
            "email",
            "phone",
            "hours",
        ]
