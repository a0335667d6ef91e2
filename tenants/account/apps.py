from django.apps import AppConfig


class AccountConfig(AppConfig):
    name = "tenants.account"
    label = "account"
    verbose_name = "Area personale"
