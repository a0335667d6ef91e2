from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class OutboxConfig(AppConfig):
    name = "src.outbox"
    label = "outbox"
    verbose_name = "Outbox"

    def ready(self):
        # Handlers register themselves when each app's notifications.py is imported. Every
        # process that drains (runserver, run_comune_jobs, a Celery worker) goes through
        # django.setup(), so they all know every kind, whatever else they happen to import.
        autodiscover_modules("notifications")
