from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class HubsConfig(AppConfig):
    name = "src.hubs"
    label = "hubs"
    verbose_name = _("Hub")

    def ready(self):
        from src.hubs.catalogue_cache import CATALOGUE_MODELS, catalogue_changed

        # Any change to the catalogue (admin, API, demo, migrations of data) drops its cache.
        for model in CATALOGUE_MODELS:
            post_save.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue-save-{model.__name__}")
            post_delete.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue-delete-{model.__name__}")
        m2m_changed.connect(
            catalogue_changed, sender=self.get_model("Layout").seats.through, dispatch_uid="catalogue-m2m"
        )
