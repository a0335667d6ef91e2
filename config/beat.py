"""Celery beat's scheduler: tenant-schemas-celery's `TenantAwareScheduler`, over our comuni.

An entry of `CELERY_BEAT_SCHEDULE` without `tenant_schemas` is sent, when due, once
per comune, each message carrying that comune's schema; the list of comuni is
`municipality_list()`, read again at every send, so a comune created today gets its
jobs on the next round without restarting beat.

Imported by `celery beat` once Django is set up (it reads the tenant model at import).
"""

from tenant_schemas_celery.scheduler import TenantAwareScheduler

from tenants.comuni.selectors import municipality_list


class ComuniScheduler(TenantAwareScheduler):
    @classmethod
    def get_queryset(cls):
        return municipality_list()
