from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebPushConfig(AppConfig):
    name = "tenants.webpush"
    label = "webpush"
    verbose_name = _("Notifiche push")
    default_auto_field = "django.db.models.BigAutoField"
