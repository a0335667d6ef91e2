from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "tenants.audit"
    label = "audit"
    verbose_name = _("Registro degli accessi ai dati personali")
    default_auto_field = "django.db.models.BigAutoField"
