from django.apps import AppConfig


class OperatorsConfig(AppConfig):
    name = "tenants.operators"
    label = "operators"
    verbose_name = "Cooperative che gestiscono gli hub"
