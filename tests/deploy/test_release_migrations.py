"""A release's `migrate_schemas` skips the comuni that already have every migration (one query),
and still migrates a comune that misses one."""

from django.db import connection

from tenants.comuni.release import schemas_needing_migrations


def test_up_to_date_schemas_are_skipped_and_a_stale_or_new_one_is_not(cesena, sarsina):
    assert schemas_needing_migrations(["cesena", "sarsina"]) == []
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cesena.django_migrations WHERE app = 'bookings' AND name LIKE '0001%%'")
    assert schemas_needing_migrations(["cesena", "sarsina"]) == ["cesena"]
    assert schemas_needing_migrations(["sarsina", "brand_new_schema"]) == ["brand_new_schema"]


def test_the_public_schema_is_checked_the_same_way(db):
    assert schemas_needing_migrations(["public"]) == []
