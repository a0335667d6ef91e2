"""The floor: what a plain DRF endpoint costs on this stack (same middleware, tenant routing,
session authentication with its CSRF check, pagination), with the least work of its own."""

from django.db import IntegrityError
from django.utils import timezone
from psycopg2 import errorcodes
from psycopg2.extras import DateTimeTZRange
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from bench.floor.models import FloorBooking, FloorItem


class FloorBookingIn(serializers.Serializer):
    # The booking API's payload (src/bookings/serializers.py PlaceIn), without its lookups.
    space = serializers.IntegerField(min_value=1)
    seat = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()

    def validate(self, data):
        if data["end"] <= data["start"]:
            raise serializers.ValidationError({"end": "La fine deve essere successiva all'inizio."})
        return data


class FloorBookingOut(serializers.ModelSerializer):
    start = serializers.DateTimeField(source="period.lower")
    end = serializers.DateTimeField(source="period.upper")

    class Meta:
        model = FloorBooking
        fields = ["id", "space_id", "seat_id", "start", "end", "state", "created_at"]


class FloorBookingCreate(APIView):
    # Authentication is the project's default, as on POST /api/v1/bookings/: SessionAuthentication
    # (session row, user row, CSRF check), so the ratio leaves out only the booking path's own work.
    permission_classes = [IsAuthenticated]

    def post(self, request):
        data = FloorBookingIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:  # one INSERT in autocommit; a taken place is the constraint's 23P01, as for bookings
            row = FloorBooking.objects.create(
                person_id=request.user.pk,
                space_id=v["space"],
                seat_id=v.get("seat"),
                period=DateTimeTZRange(v["start"], v["end"]),
                created_at=timezone.now(),
            )
        except IntegrityError as exc:
            if getattr(exc.__cause__, "pgcode", None) != errorcodes.EXCLUSION_VIOLATION:
                raise
            return Response({"detail": "Posto già preso.", "code": "conflict"}, status=status.HTTP_409_CONFLICT)
        return Response(FloorBookingOut(row).data, status=status.HTTP_201_CREATED)


class FloorItemOut(serializers.ModelSerializer):
    class Meta:
        model = FloorItem
        fields = ["id", "name", "slug", "address", "town", "description", "is_published"]


class FloorItemList(ListAPIView):
    # Project defaults again: session authentication, read allowed, LimitOffsetPagination (PAGE_SIZE).
    queryset = FloorItem.objects.order_by("id")
    serializer_class = FloorItemOut
