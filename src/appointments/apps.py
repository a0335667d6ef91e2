from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "src.appointments"
    label = "appointments"
    verbose_name = "Appuntamenti"
