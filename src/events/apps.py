from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "src.events"
    label = "events"
