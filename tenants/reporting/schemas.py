"""The comuni whose schemas a report reads (names checked here, quoted by tenants.comuni.sql.union_all)."""

from dataclasses import dataclass

from django.conf import settings

from tenants.comuni.models import Municipality
from tenants.comuni.sql import check_schema_name


@dataclass(frozen=True)
class ComuneSchema:
    schema: str
    slug: str
    name: str
    istat_code: str


def comune_schemas(slugs: list[str] | None = None) -> list[ComuneSchema]:
    """Every comune (or the given ones), ordered by name; never the public or template schema."""
    rows = Municipality.objects.exclude(schema_name__in=[settings.PUBLIC_SCHEMA_NAME, settings.TENANT_BASE_SCHEMA])
    if slugs is not None:
        rows = rows.filter(slug__in=slugs)
    return [
        ComuneSchema(schema=check_schema_name(m.schema_name), slug=m.slug, name=m.name, istat_code=m.istat_code)
        for m in rows.order_by("name").only("schema_name", "slug", "name", "istat_code")
    ]
