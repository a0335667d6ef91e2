from django.apps import AppConfig


class DesksConfig(AppConfig):
    name = "src.desks"
    label = "desks"
