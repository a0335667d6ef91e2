from django.apps import AppConfig


class BookingsConfig(AppConfig):
    name = "src.bookings"
    label = "bookings"
