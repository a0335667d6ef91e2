"""The machinery: generated SQL across schemas, one statement per measure, a role that cannot write."""

from datetime import date

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from tenants.comuni.sql import check_schema_name, quote_ident
from tenants.reporting.periods import Period
from tenants.reporting.role import reporting_cursor
from tenants.reporting.schemas import ComuneSchema, comune_schemas
from tenants.reporting.selectors import ReportQuery, report_build
from tenants.reporting.sql.facts import BOOKING_DAY
from tenants.reporting.sql.source import union_all_sql


def _sqlstate(error: DatabaseError) -> str:
    return getattr(error.__cause__, "pgcode", None)


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO cesena.hubs_hub (name, slug, address, postal_code, town, description, accessibility_notes,"
        " phone, email, is_published) VALUES ('x', 'x', 'x', '', 'x', '', '', '', '', true)",
        "UPDATE sarsina.bookings_booking SET state = 'cancelled'",
        "DELETE FROM public.comuni_municipality",
        "INSERT INTO public.reporting_commuteprofile (user_id, workplace_istat_code, is_public_employee, updated_at)"
        " VALUES (1, '', false, now())",
        "CREATE TABLE cesena.intruder (id int)",
    ],
)
def test_reporting_role_cannot_write(union_data, statement):
    with pytest.raises(DatabaseError) as error, reporting_cursor() as cursor:
        cursor.execute(statement)
    assert _sqlstate(error.value) == "42501"  # insufficient_privilege


def test_reporting_role_reads_no_personal_data(union_data):
    with reporting_cursor() as cursor:
        cursor.execute("SELECT count(*) FROM public.identity_user WHERE home_municipality_id IS NOT NULL")
        assert cursor.fetchone()[0] == 5
    with pytest.raises(DatabaseError) as error, reporting_cursor() as cursor:
        cursor.execute("SELECT email FROM public.identity_user")
    assert _sqlstate(error.value) == "42501"


def test_role_is_dropped_after_the_report_transaction(union_data):
    with reporting_cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == "hub_reporting"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] != "hub_reporting"


@pytest.mark.parametrize("name", ['cesena"; DROP SCHEMA public; --', "Cesena", "1cesena", "", "a" * 64, "ces-ena"])
def test_schema_names_are_validated(name):
    with pytest.raises(ValueError):
        check_schema_name(name)
    with pytest.raises(ValueError):
        quote_ident(name)


def test_generated_union_names_every_comune_schema_quoted(db, mercato):
    sql = union_all_sql(BOOKING_DAY, comune_schemas())
    for schema in ("cesena", "mercato_saraceno", "sarsina"):
        assert f'FROM "{schema}"."bookings_booking"' in sql
    assert sql.count("UNION ALL") == 2
    # No comune at all still gives a valid, empty relation.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {union_all_sql(BOOKING_DAY, [])} AS f")
        assert cursor.fetchone()[0] == 0


def test_a_bad_schema_name_in_the_table_never_reaches_sql():
    with pytest.raises(ValueError):
        union_all_sql(BOOKING_DAY, [ComuneSchema(schema='x"y', slug="x", name="X", istat_code="000000")])


def test_one_statement_per_measure_whatever_the_number_of_comuni(union_data):
    def statements(slugs):
        query = ReportQuery(
            comuni=comune_schemas(slugs), period=Period.containing("month", date(2026, 2, 1)), mode="live"
        )
        with CaptureQueriesContext(connection) as captured:
            report_build(query)
        # Savepoints, search_path and SET ROLE aside: the statements that read data.
        return [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().startswith(("SELECT", "WITH"))]

    one = statements(["cesena"])
    three = statements(["cesena", "sarsina", "mercato-saraceno"])
    # dimensions, summary, trend, hours, desks, events, people, commuting, agreements, revenue:
    # 10 statements, the same 10 for one comune or three (more branches in each UNION ALL, not more queries).
    assert len(one) == len(three) == 10
    assert sum(sql.count('"sarsina".') for sql in three) > 0


def test_commands_set_up_the_role_and_refresh_the_rollups(union_data):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("reporting_setup", stdout=out)
    assert "3 comune schemas" in out.getvalue()
    call_command("reporting_refresh", "--since", "2026-01-01", "--until", "2026-03-01", stdout=out)
    assert "Rollups refreshed for 3 comuni" in out.getvalue()
    with reporting_cursor() as cursor:
        cursor.execute("SELECT sum(bookings) FROM reporting_rollup.booking_day WHERE day >= '2026-02-01'")
        assert cursor.fetchone()[0] == 13
    # Rollups are read-only for the reporting role too.
    with pytest.raises(DatabaseError), reporting_cursor() as cursor:
        cursor.execute("DELETE FROM reporting_rollup.booking_day")


def test_a_new_comune_is_readable_without_any_step(db, mercato):
    # Created by municipality_create (post_schema_sync granted the role): a report reads it at once.
    with reporting_cursor() as cursor:
        cursor.execute("SELECT count(*) FROM mercato_saraceno.bookings_booking")
        assert cursor.fetchone()[0] == 0


def test_shipped_distances_are_plausible_road_distances():
    """Road km between 1x and 2.5x the straight line (mountain roads to Verghereto are the worst)."""
    import math

    from tenants.reporting.commuting import places, road_distances

    def straight_km(a, b):
        lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
        h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
        return 6371 * 2 * math.asin(math.sqrt(h))

    known = places()
    union = [code for code, place in known.items() if place.in_union]
    assert len(union) == 6
    distances = road_distances()
    for origin in union:
        for destination in known:
            if origin == destination:
                assert distances[(origin, destination)] == 0
                continue
            km = distances[(origin, destination)]  # every union comune reaches every place
            assert km == distances[(destination, origin)]
            assert 1.0 <= km / straight_km(known[origin], known[destination]) <= 2.5, (origin, destination, km)
