"""The Celery app. Every task carries the schema of the comune it was sent from.

tenant-schemas-celery's `CeleryApp` puts the current schema (`connection.schema_name`)
in each message's headers and switches the worker's connection to that comune
before the task runs (docs/architecture.md, "django-tenants pitfalls"). So: send a task
from inside the comune it is for (`tenant_context(municipality)`), never from the
public schema by mistake.

    celery -A config worker          # runs the tasks
    celery -A config beat            # the periodic jobs, sent to every comune (config.beat)

Configuration comes from the Django settings prefixed with CELERY_ (broker:
CELERY_BROKER_URL, else REDIS_URL). `make run` does not need Redis: it runs the
same periodic jobs with `manage.py run_comune_jobs --every 60`.
"""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = CeleryApp("hub_valle_savio")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
