from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "src.portal"
    label = "portal"
    verbose_name = "Portale del comune"
