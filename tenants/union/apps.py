from django.apps import AppConfig


class UnionConfig(AppConfig):
    name = "tenants.union"
    label = "union"
    verbose_name = "Unione"
