"""What bookings, appointments and other reservations of a period share."""

from django.contrib.postgres.fields import BigIntegerRangeField
from django.db.models import F, Func, Value


def id_range(field: str) -> Func:
    """int8range(x, x, '[]'): the one-element range {x}, so an id can join a GiST exclusion
    constraint with "=" (no btree_gist on the embedded PostgreSQL). With x NULL both bounds
    are missing, which PostgreSQL reads as unbounded: the range of *every* id."""
    return Func(F(field), F(field), Value("[]"), function="int8range", output_field=BigIntegerRangeField())


class PeriodMixin:
    """`start` and `end` of a model's `period` (a half-open tstzrange)."""

    @property
    def start(self):
        return self.period.lower

    @property
    def end(self):
        return self.period.upper
