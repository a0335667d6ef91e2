"""The comuni's schemas, as SQL identifiers that are safe to paste into generated SQL.

Schema names come from the Municipality table, so they are data: every one is
checked against PostgreSQL's unquoted-identifier shape and then quoted anyway.
"""

import re
from dataclasses import dataclass

from django.conf import settings

from tenants.comuni.models import Municipality

_SCHEMA = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class ComuneSchema:
    schema: str
    slug: str
    name: str
    istat_code: str

    @property
    def ident(self) -> str:
        return quote_ident(self.schema)

    @property
    def literal(self) -> str:
        return quote_literal(self.schema)


def check_schema_name(name: str) -> str:
    if not _SCHEMA.match(name or ""):
        raise ValueError(f"Not a valid comune schema name: {name!r}")
    return name


def quote_ident(name: str) -> str:
    check_schema_name(name)
    return '"' + name.replace('"', '""') + '"'


def quote_literal(name: str) -> str:
    check_schema_name(name)
    return "'" + name.replace("'", "''") + "'"


def comune_schemas(slugs: list[str] | None = None) -> list[ComuneSchema]:
    """Every comune (or the given ones), ordered by name; never the public or template schema."""
    rows = Municipality.objects.exclude(schema_name__in=[settings.PUBLIC_SCHEMA_NAME, settings.TENANT_BASE_SCHEMA])
    if slugs is not None:
        rows = rows.filter(slug__in=slugs)
    return [
        ComuneSchema(schema=check_schema_name(m.schema_name), slug=m.slug, name=m.name, istat_code=m.istat_code)
        for m in rows.order_by("name").only("schema_name", "slug", "name", "istat_code")
    ]
