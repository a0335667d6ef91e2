"""Onboarding: creating comuni (schema, domains, first administrator)."""

import json
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django_tenants.utils import schema_exists

from tenants.audit.services import AuditAction, audit_record
from tenants.comuni.models import Domain, Municipality
from tenants.identity.models import Role, User

UNION_COMUNI = json.loads((Path(__file__).parent / "data" / "valle_del_savio.json").read_text())


@dataclass
class Outcome:
    municipality: Municipality
    created: bool
    seconds: float = 0.0


def schema_name_for(slug: str) -> str:
    return slug.replace("-", "_")


def platform_domain(slug: str) -> str:
    return f"{slug}.{settings.UNION_DOMAIN}"


_template_checked_in_this_process = False


def template_schema_ensure() -> None:
    """Keep the schema new comuni are cloned from created and fully migrated.

    Cloning fakes the migrations it copies, so a template behind the code would
    give new comuni missing tables: migrate it first. The code cannot change
    while a process runs, so once per process is enough.
    """
    global _template_checked_in_this_process
    if not settings.TENANT_CREATION_FAKES_MIGRATIONS or _template_checked_in_this_process:
        return
    name = settings.TENANT_BASE_SCHEMA
    if not schema_exists(name):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{name}"')
    call_command("migrate_schemas", schema_name=name, interactive=False, verbosity=0)
    connection.set_schema_to_public()
    _template_checked_in_this_process = True


def municipality_create(
    *,
    slug: str,
    name: str,
    istat_code: str,
    province: str,
    extra_domains: tuple[str, ...] = (),
    admin_email: str | None = None,
    admin_password: str | None = None,
) -> Outcome:
    """Create a comune with its schema and domains; an existing comune is left as it is."""
    existing = Municipality.objects.filter(slug=slug).first()
    if existing:
        return Outcome(existing, created=False)

    started = time.perf_counter()
    template_schema_ensure()
    with transaction.atomic():
        municipality = Municipality(
            schema_name=schema_name_for(slug), slug=slug, name=name, istat_code=istat_code, province=province
        )
        municipality.full_clean()
        municipality.save(verbosity=0)  # creates the schema (clone or migrations)
        Domain.objects.create(tenant=municipality, domain=platform_domain(slug), is_primary=True)
        for hostname in extra_domains:
            Domain.objects.create(tenant=municipality, domain=hostname, is_primary=False)
        if admin_email:
            administrator_grant(municipality=municipality, email=admin_email, password=admin_password)
    connection.set_schema_to_public()
    return Outcome(municipality, created=True, seconds=time.perf_counter() - started)


def administrator_grant(*, municipality: Municipality, email: str, password: str | None = None) -> User:
    """Give `email` the administrator role in `municipality`, creating the account if needed."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password)
    role, granted = Role.objects.get_or_create(user=user, kind=Role.Kind.ADMINISTRATOR, municipality=municipality)
    if granted:  # from the command line: on the audit log with no request behind it
        audit_record(
            request=None,
            action=AuditAction.ROLE_GRANT,
            target=role,
            description=_("Ruolo «amministratore» del comune, senza richiesta web (riga di comando)"),
            comune=municipality,
        )
    return user


def union_provision(*, progress=lambda outcome, index, total: None) -> list[Outcome]:
    """Create every comune of the union that does not exist yet. Safe to run again."""
    outcomes = []
    for index, comune in enumerate(UNION_COMUNI, start=1):
        outcome = municipality_create(**comune)
        outcomes.append(outcome)
        progress(outcome, index, len(UNION_COMUNI))
    return outcomes
