from django.apps import AppConfig


class HubsConfig(AppConfig):
    name = "src.hubs"
    label = "hubs"
