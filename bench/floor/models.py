"""Unmanaged: the tables are made by schema.py in the benchmark's comune, never by migrations."""

from django.contrib.postgres.fields import DateTimeRangeField
from django.db import models


class FloorBooking(models.Model):
    """A row shaped like a booking where the exclusion constraint is concerned, and nothing else."""

    person_id = models.BigIntegerField()
    space_id = models.BigIntegerField()
    seat_id = models.BigIntegerField(null=True)
    period = DateTimeRangeField()
    state = models.CharField(max_length=16, default="confirmed")
    created_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "bench_floor_booking"

    def __str__(self):
        return f"{self.space_id}/{self.seat_id} {self.period}"


class FloorItem(models.Model):
    """A small catalogue table: the plain list that the hub list and availability are set beside."""

    name = models.CharField(max_length=200)
    slug = models.CharField(max_length=200)
    address = models.CharField(max_length=255)
    town = models.CharField(max_length=120)
    description = models.TextField()
    is_published = models.BooleanField()

    class Meta:
        managed = False
        db_table = "bench_floor_item"

    def __str__(self):
        return self.name
