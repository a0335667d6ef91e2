"""One comune's backup: its schema's rows and its rows of the public schema, in one archive.

`comune_export` writes a gzipped tar: `manifest.json` (the comune, the release's migrations of
its schema, each table's columns and row count, the people its rows refer to), `public.json`
(the comune, its domains, the roles granted in it) and one CSV per table (PostgreSQL's COPY).

`comune_import` restores it on the same release: it re-creates the schema the way a new comune
is created (clone of the template or migrations), empties it, copies every table back in one
transaction (Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, so the order does not
matter and a missing row fails the whole import, never half of it), moves each identity
sequence past the highest id, and restores the public rows that are missing. People live in the
public schema for the whole union and are not part of a comune's backup: the import refuses
an archive whose people are gone (restore the whole database for that: docs/scaling.md).

Whole-database point-in-time recovery is PostgreSQL's (base backups and WAL archiving,
deploy/README.md); this is for one comune: a mistake undone, or a comune moved to another
installation of the same release.
"""

import io
import json
import tarfile
import time
from collections.abc import Callable
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_exists

from tenants.comuni.models import Domain, Municipality
from tenants.comuni.services import template_schema_ensure
from tenants.identity.models import Role, User

FORMAT = 1
Progress = Callable[[int, int, str, int], None]


class BackupError(Exception):
    """An archive that cannot be restored here, with the reason in words."""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(cursor, schema: str) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema])
    return [row[0] for row in cursor.fetchall()]


def _columns(cursor, schema: str, table: str) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s "
        "AND is_generated = 'NEVER' ORDER BY ordinal_position",
        [schema, table],
    )
    return [row[0] for row in cursor.fetchall()]


def _migrations(cursor, schema: str) -> list[str]:
    cursor.execute(f"SELECT app || '.' || name FROM {_quote(schema)}.django_migrations ORDER BY 1")
    return [row[0] for row in cursor.fetchall()]


def _people(cursor, schema: str) -> list[int]:
    """Ids of the people the comune's rows refer to (every foreign key into identity_user)."""
    cursor.execute(
        """
        SELECT cl.relname, a.attname
          FROM pg_constraint c
          JOIN pg_class cl ON cl.oid = c.conrelid
          JOIN pg_namespace n ON n.oid = cl.relnamespace
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
         WHERE c.contype = 'f' AND n.nspname = %s AND c.confrelid = 'public.identity_user'::regclass
        """,
        [schema],
    )
    references = cursor.fetchall()
    if not references:
        return []
    union = " UNION ".join(
        f"SELECT {_quote(column)} FROM {_quote(schema)}.{_quote(table)} WHERE {_quote(column)} IS NOT NULL"
        for table, column in references
    )
    cursor.execute(f"SELECT DISTINCT * FROM ({union}) AS people ORDER BY 1")
    return [row[0] for row in cursor.fetchall()]


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    archive.addfile(info, io.BytesIO(data))


def comune_export(*, municipality: Municipality, fileobj, progress: Progress | None = None) -> dict:
    """Write the comune's archive to `fileobj` (binary); returns the manifest."""
    schema = municipality.schema_name
    with _one_snapshot(), connection.cursor() as cursor:
        tables = _tables(cursor, schema)
        manifest = {
            "format": FORMAT,
            "slug": municipality.slug,
            "schema_name": schema,
            "exported_at": timezone.now().isoformat(),
            "migrations": _migrations(cursor, schema),
            "people": _people(cursor, schema),
            "tables": {},
        }
        public = {
            "municipality": {
                "id": municipality.pk,
                "slug": municipality.slug,
                "name": municipality.name,
                "istat_code": municipality.istat_code,
                "province": municipality.province,
            },
            "domains": list(Domain.objects.filter(tenant=municipality).values("domain", "is_primary")),
            "roles": list(Role.objects.filter(municipality=municipality).values("user_id", "kind")),
        }
        with tarfile.open(fileobj=fileobj, mode="w:gz") as archive:
            for index, table in enumerate(tables, start=1):
                columns = _columns(cursor, schema, table)
                buffer = io.BytesIO()
                column_list = ", ".join(map(_quote, columns))
                cursor.cursor.copy_expert(
                    f"COPY {_quote(schema)}.{_quote(table)} ({column_list}) TO STDOUT WITH (FORMAT csv)", buffer
                )
                data = buffer.getvalue()
                cursor.execute(f"SELECT count(*) FROM {_quote(schema)}.{_quote(table)}")
                rows = cursor.fetchone()[0]
                manifest["tables"][table] = {"columns": columns, "rows": rows}
                _add(archive, f"tables/{table}.csv", data)
                if progress:
                    progress(index, len(tables), table, rows)
            _add(archive, "public.json", json.dumps(public, indent=1).encode())
            _add(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
    return manifest


@contextmanager
def _one_snapshot():
    """One snapshot for every table, so rows that refer to each other are exported together
    while the comune keeps working (REPEATABLE READ, read only). Inside a caller's transaction
    its snapshot is already the one."""
    if connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    connection.ensure_connection()
    connection.connection.set_session(isolation_level="REPEATABLE READ", readonly=True)
    try:
        with transaction.atomic():
            yield
    finally:
        connection.connection.set_session(isolation_level="READ COMMITTED", readonly=False)


def _read(archive: tarfile.TarFile, name: str) -> bytes:
    member = archive.extractfile(name)
    if member is None:
        raise BackupError(f"The archive has no {name}.")
    return member.read()


def comune_import(*, fileobj, replace: bool = False, progress: Progress | None = None) -> Municipality:
    """Restore a comune from an archive written by `comune_export` on this release."""
    try:
        archive = tarfile.open(fileobj=fileobj, mode="r:gz")
        manifest = json.loads(_read(archive, "manifest.json"))
        public = json.loads(_read(archive, "public.json"))
    except (tarfile.TarError, KeyError, ValueError, OSError) as error:
        raise BackupError(f"This is not a comune's archive ({error}).") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Archive format {manifest.get('format')!r}; this release reads format {FORMAT}.")
    schema, slug = manifest["schema_name"], manifest["slug"]
    missing_people = set(manifest["people"]) - set(
        User.objects.filter(pk__in=manifest["people"]).values_list("pk", flat=True)
    )
    if missing_people:
        raise BackupError(
            f"{len(missing_people)} people the comune's rows refer to no longer exist in the union "
            "(restore the whole database to bring them back)."
        )

    municipality = Municipality.objects.filter(slug=slug).first()
    if schema_exists(schema) and not replace:
        raise BackupError(f"The schema {schema} exists: pass --replace to overwrite it with the archive.")
    template_schema_ensure()
    # One transaction from the DROP to the last row: a failed import leaves the comune as it was.
    with transaction.atomic():
        if schema_exists(schema):
            with connection.cursor() as cursor:
                # Checks still deferred in the caller's transaction must run before their tables go.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"DROP SCHEMA {_quote(schema)} CASCADE")
        if municipality is None:
            details = public["municipality"]
            id_free = not Municipality.objects.filter(pk=details["id"]).exists()
            municipality = Municipality(
                **({"pk": details["id"]} if id_free else {}),
                schema_name=schema,
                slug=slug,
                name=details["name"],
                istat_code=details["istat_code"],
                province=details["province"],
            )
            municipality.save(verbosity=0)  # creates the schema
        else:
            municipality.create_schema(check_if_exists=True, verbosity=0)
        connection.set_schema_to_public()
        for domain in public["domains"]:
            Domain.objects.get_or_create(domain=domain["domain"], defaults={"tenant": municipality, **domain})
        for role in public["roles"]:
            if User.objects.filter(pk=role["user_id"]).exists():
                Role.objects.get_or_create(municipality=municipality, **role)

        with connection.cursor() as cursor:
            fresh = _migrations(cursor, schema)
            if fresh != manifest["migrations"]:
                extra = sorted(set(manifest["migrations"]) ^ set(fresh))[:5]
                raise BackupError(f"The archive comes from another release (migrations differ: {', '.join(extra)}).")
            tables = _tables(cursor, schema)
            if set(tables) != set(manifest["tables"]):
                raise BackupError("The archive's tables are not this release's.")
            cursor.execute(f"TRUNCATE {', '.join(f'{_quote(schema)}.{_quote(t)}' for t in tables)}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for index, table in enumerate(tables, start=1):
                columns = manifest["tables"][table]["columns"]
                column_list = ", ".join(map(_quote, columns))
                cursor.cursor.copy_expert(
                    f"COPY {_quote(schema)}.{_quote(table)} ({column_list}) FROM STDIN WITH (FORMAT csv)",
                    io.BytesIO(_read(archive, f"tables/{table}.csv")),
                )
                _sequences_past_highest(cursor, schema, table)
                if progress:
                    progress(index, len(tables), table, manifest["tables"][table]["rows"])
    connection.set_schema_to_public()
    return municipality


def _sequences_past_highest(cursor, schema: str, table: str) -> None:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s "
        "AND (is_identity = 'YES' OR column_default LIKE 'nextval(%%')",
        [schema, table],
    )
    qualified = f"{_quote(schema)}.{_quote(table)}"
    for (column,) in cursor.fetchall():
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX({_quote(column)}), 0) + 1, false) "
            f"FROM {qualified}",
            [qualified, column],
        )
