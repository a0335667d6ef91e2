"""The comuni's hubs as the public schema sees them: ids, slugs and names, read in SQL across schemas.

A contract stores its hubs as ids in the comune's schema (no foreign key across
schemas), so writing one checks them here, and pages show their names from here.
One query for every comune asked (a UNION ALL over their schemas), never a loop.
"""

from dataclasses import dataclass

from django.db import connection

from tenants.comuni.models import Municipality
from tenants.comuni.sql import union_all
from tenants.reporting.catalogue import SQL

_HUBS = "SELECT {i} AS comune_index, h.id, h.slug::text, h.name::text FROM {s}.{table.hub} h"


@dataclass(frozen=True)
class ComuneHub:
    municipality: Municipality
    id: int
    slug: str
    name: str

    @property
    def key(self) -> str:
        """How a form names the hub: "<comune id>:<hub id>"."""
        return f"{self.municipality.pk}:{self.id}"

    def __str__(self):
        return f"{self.municipality.name} · {self.name}"


def hubs_of(comuni: list[Municipality]) -> list[ComuneHub]:
    """Every hub of `comuni`, by comune and name: one query across their schemas."""
    comuni = list(comuni)
    if not comuni:
        return []
    sql = "SELECT * FROM (" + union_all(_HUBS, [m.schema_name for m in comuni], **SQL) + ") AS hubs"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    found = [ComuneHub(comuni[index], hub_id, slug, name) for index, hub_id, slug, name in rows]
    return sorted(found, key=lambda hub: (hub.municipality.name, hub.name))


def hub_index(comuni: list[Municipality]) -> dict[tuple[int, int], ComuneHub]:
    """(comune id, hub id) → hub, for showing what contracts name."""
    return {(hub.municipality.pk, hub.id): hub for hub in hubs_of(comuni)}
