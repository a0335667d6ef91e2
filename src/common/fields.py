"""Serializer fields every API input shares: ids, days and instants, refused with a 400 and a message.

- `IdField` / `RelatedIdField`: a positive 64-bit integer (a bigint key), checked before
  any query; 1e20, 1.5 or "abc" are "not a valid integer", never a database error.
- `DayField`: a YYYY-MM-DD day between FIRST_DAY and LAST_DAY (src/common/time.py), so
  "the day after" of 9999-12-31 never overflows in a selector.
- `AwareDateTimeField`: ISO 8601 with its offset (`2026-03-12T09:00:00+01:00` or `...Z`),
  read as that instant and kept in UTC, so arithmetic on it is real time. A date and time
  without offset is refused: on the nights the clocks change a local time is missing or
  happens twice, and the API never guesses which instant was meant.
"""

import copy
from datetime import UTC

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from src.common.time import FIRST_DAY, LAST_DAY, day_in_range, dmy

INT64_MAX = 2**63 - 1


class IdField(serializers.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", INT64_MAX)
        super().__init__(**kwargs)


class RelatedIdField(serializers.PrimaryKeyRelatedField):
    """A PrimaryKeyRelatedField whose id is an `IdField` first."""

    def __init__(self, **kwargs):
        kwargs.setdefault("pk_field", IdField())
        super().__init__(**kwargs)


class CachedIdField(RelatedIdField):
    """A RelatedIdField that finds its row with `lookup(pk)` (a cache, say) instead of a query:
    `lookup` returns the row or None. The queryset stays for the OpenAPI schema."""

    def __init__(self, *, lookup, **kwargs):
        self.lookup = lookup
        super().__init__(**kwargs)

    def __deepcopy__(self, memo):
        # DRF copies a serializer's declared fields for every instance by building them anew,
        # which for this field (a related field, its queryset, its id field) was a tenth of a
        # booking POST's validation. Nothing of it changes per request: a shallow copy, to bind.
        return copy.copy(self)

    def to_internal_value(self, data):
        pk = self.pk_field.to_internal_value(data)
        row = self.lookup(pk)
        if row is None:
            self.fail("does_not_exist", pk_value=pk)
        return row


OUT_OF_RANGE = _("Indica una data tra il {first} e il {last}.")


class DayField(serializers.DateField):
    default_error_messages = {"out_of_range": OUT_OF_RANGE}

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not day_in_range(day):
            self.fail("out_of_range", first=dmy(FIRST_DAY), last=dmy(LAST_DAY))
        return day


class AwareDateTimeField(serializers.DateTimeField):
    default_error_messages = {
        "naive": _("Data e ora senza fuso orario: indica il fuso orario, per esempio +01:00."),
        "out_of_range": OUT_OF_RANGE,
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("default_timezone", UTC)
        super().__init__(**kwargs)

    def enforce_timezone(self, value):
        if timezone.is_naive(value):
            self.fail("naive")
        return super().enforce_timezone(value)

    def to_internal_value(self, value):
        instant = super().to_internal_value(value)
        if not day_in_range(instant.date()):
            self.fail("out_of_range", first=dmy(FIRST_DAY), last=dmy(LAST_DAY))
        return instant


__all__ = [
    "FIRST_DAY",
    "INT64_MAX",
    "LAST_DAY",
    "AwareDateTimeField",
    "CachedIdField",
    "DayField",
    "IdField",
    "RelatedIdField",
]
