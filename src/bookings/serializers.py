"""API shapes of bookings. Input serializers check types and existence; services check the rules."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from src.bookings.models import Booking, BookingPolicy, WaitlistEntry
from src.bookings.services.policy import EDITABLE
from src.common import charging
from src.common.fields import AwareDateTimeField, CachedIdField, DayField, RelatedIdField
from src.hubs.models import Hub, Seat, Space
from src.hubs.selectors import hub_by_id, seat_by_id, space_by_id


class PlaceIn(serializers.Serializer):
    # The space (with its hub) and the seat from the catalogue cache: no query per booking.
    space = CachedIdField(queryset=Space.objects.all(), lookup=space_by_id, help_text=_("Id della sala."))
    seat = CachedIdField(
        queryset=Seat.objects.all(),
        lookup=seat_by_id,
        required=False,
        allow_null=True,
        help_text=_("Id della postazione; vuoto: sala intera."),
    )
    start = AwareDateTimeField(help_text=_("Inizio, ISO 8601 con fuso orario."))
    end = AwareDateTimeField(help_text=_("Fine, ISO 8601 con fuso orario."))

    def validate(self, data):
        if data["end"] <= data["start"]:
            raise serializers.ValidationError({"end": _("La fine deve essere successiva all'inizio.")})
        return data


class SeriesIn(PlaceIn):
    every_days = serializers.ChoiceField(
        choices=[1, 7], help_text=_("Ogni quanti giorni si ripete: 1 (ogni giorno) o 7 (ogni settimana).")
    )
    count = serializers.IntegerField(min_value=2, max_value=26, help_text=_("Quante prenotazioni in tutto."))


class RefusalOut(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    detail = serializers.CharField(source="message")
    code = serializers.CharField()


class BookingIn(PlaceIn):
    use_agreement = serializers.BooleanField(
        default=True,
        help_text=_(
            "Se la tua azienda ha una convenzione che copre l'hub, la prenotazione la usa (default); "
            "false: a tue spese."
        ),
    )


class WalkInIn(PlaceIn):
    email = serializers.EmailField()
    hub = RelatedIdField(queryset=Hub.objects.all())
    check_in_now = serializers.BooleanField(default=False)


class CheckInIn(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    hub = RelatedIdField(queryset=Hub.objects.all())


class AvailabilityQuery(serializers.Serializer):
    hub = CachedIdField(queryset=Hub.objects.all(), lookup=hub_by_id, help_text=_("Id dell'hub."))
    date = DayField(required=False, help_text=_("Giorno (AAAA-MM-GG); oggi se assente."))


class PaymentOut(serializers.Serializer):
    """What a booking paid or owes (src/common/charging.py); open `pay_url` in a browser to pay."""

    label = serializers.CharField()
    paid_cents = serializers.IntegerField()
    owed_cents = serializers.IntegerField()
    refunded_cents = serializers.IntegerField()
    pay_url = serializers.CharField()


_UNREAD = object()


class BookingListOut(serializers.ListSerializer):
    """A list reads the money of all its bookings in one go, not two queries a booking."""

    def to_representation(self, data):
        bookings = list(data.all() if hasattr(data, "all") else data)
        money = charging.booking_money([booking.pk for booking in bookings])
        for booking in bookings:
            booking.money = money.get(booking.pk)
        return super().to_representation(bookings)


class BookingOut(serializers.ModelSerializer):
    start = serializers.DateTimeField(source="period.lower")
    end = serializers.DateTimeField(source="period.upper")
    hub_name = serializers.CharField(source="hub.name")
    space_name = serializers.CharField(source="space.name")
    seat_label = serializers.CharField(source="seat.label", allow_null=True, default=None)
    state_label = serializers.CharField(source="get_state_display")
    payment = serializers.SerializerMethodField(help_text="Pagato, da pagare, rimborsato; null se gratuita.")
    agreement = serializers.IntegerField(
        source="agreement_id", allow_null=True, read_only=True, help_text=_("La convenzione che la copre, se c'è.")
    )
    agreement_firm = serializers.CharField(
        read_only=True, help_text=_("L'azienda della convenzione («coperta dalla convenzione …»); vuoto se nessuna.")
    )

    class Meta:
        model = Booking
        list_serializer_class = BookingListOut
        fields = [
            "code",
            "hub",
            "hub_name",
            "space",
            "space_name",
            "seat",
            "seat_label",
            "start",
            "end",
            "state",
            "state_label",
            "channel",
            "created_at",
            "checked_in_at",
            "hold_expires_at",
            "payment",
            "agreement",
            "agreement_firm",
        ]

    @extend_schema_field(PaymentOut(allow_null=True))
    def get_payment(self, booking):
        # Known already when the booking was just written or its list read the money of all at once.
        money = getattr(booking, "money", _UNREAD)
        if money is _UNREAD:
            money = charging.booking_money([booking.pk]).get(booking.pk)
        if money is None:
            return None
        request = self.context.get("request")
        absolute = request.build_absolute_uri if request is not None else (lambda url: url)
        return {
            "label": money.label,
            "paid_cents": money.paid_cents,
            "owed_cents": money.owed_cents,
            "refunded_cents": money.refunded_cents,
            "pay_url": absolute(money.pay_url) if money.pay_url else "",
        }

    def to_representation(self, booking):
        # By hand, what the fields above give (tests/bookings/test_api.py compares the two): a
        # ModelSerializer builds its fields anew for every instance, which was a tenth of a
        # booking POST's time. The fields still describe the answer in the OpenAPI schema.
        seat = booking.seat
        return {
            "code": booking.code,
            "hub": booking.hub_id,
            "hub_name": booking.hub.name,
            "space": booking.space_id,
            "space_name": booking.space.name,
            "seat": booking.seat_id,
            "seat_label": seat.label if seat is not None else None,
            "start": _instant(booking.period.lower),
            "end": _instant(booking.period.upper),
            "state": str(booking.state),
            "state_label": str(booking.get_state_display()),
            "channel": str(booking.channel),
            "created_at": _instant(booking.created_at),
            "checked_in_at": _instant(booking.checked_in_at),
            "hold_expires_at": _instant(booking.hold_expires_at),
            "payment": self.get_payment(booking),
            "agreement": booking.agreement_id,
            "agreement_firm": booking.agreement_firm,
        }


_INSTANT = serializers.DateTimeField()


def _instant(value):
    return _INSTANT.to_representation(value) if value is not None else None


class FrontDeskBookingOut(BookingOut):
    person_email = serializers.EmailField(source="person.email")
    person_name = serializers.CharField(source="person.get_full_name")

    class Meta(BookingOut.Meta):
        fields = [*BookingOut.Meta.fields, "person_email", "person_name"]

    def to_representation(self, booking):
        return serializers.ModelSerializer.to_representation(self, booking)


class EventHoldOut(serializers.ModelSerializer):
    """A room held for an event: taken for its period, no person, no check-in."""

    start = serializers.DateTimeField(source="period.lower")
    end = serializers.DateTimeField(source="period.upper")
    label = serializers.CharField(source="holder_label", help_text=_("«Evento: <titolo>»."))

    class Meta:
        model = Booking
        fields = ["code", "space", "start", "end", "label"]


class PolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = BookingPolicy
        fields = [*EDITABLE, "updated_at"]
        read_only_fields = ["updated_at"]


class WaitlistOut(serializers.ModelSerializer):
    start = serializers.DateTimeField(source="period.lower")
    end = serializers.DateTimeField(source="period.upper")
    offered_booking = serializers.CharField(source="offered_booking.code", allow_null=True, default=None)
    offer_expires_at = serializers.DateTimeField(
        source="offered_booking.hold_expires_at", allow_null=True, default=None
    )

    class Meta:
        model = WaitlistEntry
        fields = ["id", "space", "seat", "start", "end", "state", "created_at", "offered_booking", "offer_expires_at"]


# --- Availability (built from the selector's dataclasses) ------------------------------------


class SlotOut(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class SeatAvailabilityOut(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text=_("Id della postazione; null: sala intera."))
    label = serializers.CharField()
    free = serializers.ListField(
        child=serializers.BooleanField(), help_text=_("Un valore per slot, nello stesso ordine.")
    )


class SpaceAvailabilityOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    whole_room = SeatAvailabilityOut(allow_null=True)
    seats = SeatAvailabilityOut(many=True)


class AvailabilityOut(serializers.Serializer):
    hub = serializers.IntegerField()
    date = serializers.DateField()
    slot_minutes = serializers.IntegerField()
    open = serializers.BooleanField()
    slots = SlotOut(many=True)
    spaces = SpaceAvailabilityOut(many=True)


def availability_data(grid) -> dict:
    """Plain data for AvailabilityOut (no per-cell serializer work: a 50-seat day stays cheap)."""
    return {
        "hub": grid.hub.pk,
        "date": grid.day.isoformat(),
        "slot_minutes": grid.policy.slot_minutes,
        "open": grid.is_open,
        "slots": [{"start": s.isoformat(), "end": e.isoformat()} for s, e in grid.slots],
        "spaces": [
            {
                "id": row.space.pk,
                "name": row.space.name,
                "whole_room": (
                    {"id": None, "label": str(_("Sala intera")), "free": row.whole_room.free}
                    if row.whole_room
                    else None
                ),
                "seats": [{"id": r.seat.pk, "label": r.seat.label, "free": r.free} for r in row.seats],
            }
            for row in grid.spaces
        ],
    }
