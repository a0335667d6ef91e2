"""The floor's tables, made in one comune's schema by the benchmark (no migrations: see __init__.py)."""

from django.db import connection

# The same exclusion constraint as src/bookings/models.py's booking_no_overlap (docs/domain.md),
# so the floor's INSERT pays the same GiST check; no foreign keys, no other index.
TABLES = """
CREATE TABLE {s}.bench_floor_booking (
    id bigserial PRIMARY KEY,
    person_id bigint NOT NULL,
    space_id bigint NOT NULL,
    seat_id bigint,
    period tstzrange NOT NULL,
    state varchar(16) NOT NULL DEFAULT 'confirmed',
    created_at timestamptz NOT NULL,
    CONSTRAINT bench_floor_no_overlap EXCLUDE USING gist (
        int8range(space_id, space_id, '[]') WITH =,
        int8range(seat_id, seat_id, '[]') WITH &&,
        period WITH &&
    ) WHERE (state IN ('held', 'confirmed', 'checked_in'))
);
CREATE TABLE {s}.bench_floor_item (
    id bigserial PRIMARY KEY,
    name varchar(200) NOT NULL,
    slug varchar(200) NOT NULL,
    address varchar(255) NOT NULL,
    town varchar(120) NOT NULL,
    description text NOT NULL,
    is_published boolean NOT NULL
);
"""


def floor_tables_create(schema: str, items: list[dict]) -> None:
    s = connection.ops.quote_name(schema)
    with connection.cursor() as cursor:
        cursor.execute(TABLES.format(s=s))
        for item in items:
            cursor.execute(
                f"INSERT INTO {s}.bench_floor_item (name, slug, address, town, description, is_published)"
                " VALUES (%(name)s, %(slug)s, %(address)s, %(town)s, %(description)s, true)",
                item,
            )
