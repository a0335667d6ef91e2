"""Celery beat's scheduler: tenant-schemas-celery's `TenantAwareScheduler`, over our comuni.

An entry of `CELERY_BEAT_SCHEDULE` without `tenant_schemas` is sent, when due, once
per comune, each message carrying that comune's schema; the list of comuni is
`municipality_list()`, read again at every send, so a comune created today gets its
jobs on the next round without restarting beat. An entry with
`"tenant_schemas": ["public"]` is union-level work, sent once in the public schema.

Imported by `celery beat` once Django is set up (it reads the tenant model at import).
"""

from django.conf import settings
from django_tenants.utils import schema_context
from tenant_schemas_celery.scheduler import TenantAwareScheduler

from tenants.comuni.selectors import municipality_list


class ComuniScheduler(TenantAwareScheduler):
    @classmethod
    def get_queryset(cls):
        return municipality_list()

    def apply_entry(self, entry, producer=None):
        # The public schema is no comune, so the stock scheduler would send union-level
        # entries to nobody.
        if entry.options.get("headers", {}).get("_schema_name") == settings.PUBLIC_SCHEMA_NAME:
            with schema_context(settings.PUBLIC_SCHEMA_NAME):
                return self.apply_async(entry, producer=producer, advance=False)
        return super().apply_entry(entry, producer)
