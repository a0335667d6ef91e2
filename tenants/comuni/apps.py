from django.apps import AppConfig


class ComuniConfig(AppConfig):
    name = "tenants.comuni"
    label = "comuni"
    verbose_name = "Comuni"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from tenants.comuni.middleware import forget_hosts
        from tenants.comuni.models import Domain

        # A domain added or moved is served at once by this process.
        for signal in (post_save, post_delete):
            signal.connect(lambda **kwargs: forget_hosts(), sender=Domain, weak=False)
