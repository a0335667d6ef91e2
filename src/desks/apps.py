from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class DesksConfig(AppConfig):
    name = "src.desks"
    label = "desks"
    verbose_name = _("Sportelli")

    def ready(self):
        from src.hubs.catalogue_cache import catalogue_changed

        # Desks are served by the catalogue API and its cache.
        for model in (self.get_model("ServiceDesk"), self.get_model("DeskHours")):
            post_save.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue-save-{model.__name__}")
            post_delete.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue-delete-{model.__name__}")
