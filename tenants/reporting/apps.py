import logging

from django.apps import AppConfig

logger = logging.getLogger(__name__)


class ReportingConfig(AppConfig):
    name = "tenants.reporting"
    label = "reporting"
    verbose_name = "Statistiche dell'Unione"

    def ready(self):
        from django_tenants.signals import post_schema_sync, schema_migrated

        post_schema_sync.connect(_grant_new_comune, dispatch_uid="reporting_grant_new_comune")
        schema_migrated.connect(_grant_migrated_schema, dispatch_uid="reporting_grant_migrated_schema")


def _grant(schema_name: str) -> None:
    """Let the read-only reporting role read a comune's new or migrated schema.

    Never breaks onboarding or a migration: a missing grant is re-applied the
    first time a report query trips over it (see selectors.run).
    """
    from django.conf import settings
    from django.db import transaction

    from tenants.reporting.role import reporting_role_grant_schema

    if schema_name in (settings.PUBLIC_SCHEMA_NAME, settings.TENANT_BASE_SCHEMA):
        return
    try:
        with transaction.atomic():
            reporting_role_grant_schema(schema_name)
    except Exception:  # noqa: BLE001 - logged; the query path heals it
        logger.exception("Could not grant the reporting role on schema %s", schema_name)


def _grant_new_comune(sender, tenant, **kwargs):
    _grant(tenant.schema_name)


def _grant_migrated_schema(sender, schema_name, **kwargs):
    _grant(schema_name)
