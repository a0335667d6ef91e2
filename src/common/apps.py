from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CommonConfig(AppConfig):
    # An app for the job runner (management command, Celery task); no models.
    name = "src.common"
    label = "common"

    def ready(self):
        # Every app's periodic jobs register themselves when their jobs.py is imported.
        autodiscover_modules("jobs")
