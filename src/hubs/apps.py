from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _


class HubsConfig(AppConfig):
    name = "src.hubs"
    label = "hubs"
    verbose_name = _("Hub")

    def ready(self):
        from src.hubs.catalogue_cache import CATALOGUE_MODELS, catalogue_changed
        from src.hubs.photos import photo_file_deleted, photo_file_replaced

        # Any change to the catalogue (admin, API, demo, migrations of data) drops its cache.
        for model in CATALOGUE_MODELS:
            post_save.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue-save-{model.__name__}")
            post_delete.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue-delete-{model.__name__}")
        # A photo's file is removed with its row, or when a new image replaces it.
        photo = self.get_model("HubPhoto")
        pre_save.connect(photo_file_replaced, sender=photo, dispatch_uid="hub-photo-replaced")
        post_delete.connect(photo_file_deleted, sender=photo, dispatch_uid="hub-photo-deleted")
        m2m_changed.connect(
            catalogue_changed, sender=self.get_model("Layout").seats.through, dispatch_uid="catalogue-m2m"
        )
