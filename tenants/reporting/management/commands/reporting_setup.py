"""Create the read-only reporting role and (re)grant it on every comune schema. Safe to run again."""

from django.core.management.base import BaseCommand

from tenants.reporting.role import ROLE, reporting_role_ensure
from tenants.reporting.schemas import comune_schemas


class Command(BaseCommand):
    help = "Create the read-only role the reports use and grant it SELECT on what they read."

    def handle(self, *args, **options):
        schemas = [c.schema for c in comune_schemas()]
        reporting_role_ensure(schemas)
        self.stdout.write(f"Role {ROLE}: SELECT granted on public and on {len(schemas)} comune schemas.")
