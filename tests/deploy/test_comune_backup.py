"""A comune's backup round trip: export it, drop its schema, import it, and the same bookings,
appointments, people references and reports come back; a new booking then gets a fresh id.

Runs in the test's transaction (PostgreSQL's DDL is transactional), on the reporting tests'
fixed data of February 2026."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_exists, tenant_context

from src.appointments.models import Appointment
from src.bookings.models import Booking
from tenants.comuni.backup import BackupError, comune_export, comune_import
from tenants.comuni.models import Domain
from tenants.identity.models import Role
from tenants.reporting.periods import Period
from tenants.reporting.schemas import comune_schemas
from tenants.reporting.selectors import ReportQuery, report_build


def cesena_rows(cesena):
    with tenant_context(cesena):
        bookings = sorted(Booking.objects.values_list("id", "code", "person_id", "seat_id", "period", "state"))
        appointments = sorted(Appointment.objects.values_list("id", "code", "period", "state", "topic"))
    return bookings, appointments


def cesena_report():
    report = report_build(
        ReportQuery(comuni=comune_schemas(), period=Period.containing("month", date(2026, 2, 1)), mode="live")
    )
    return next(row for row in report["summary"]["comuni"] if row["comune"] == "cesena")["current"]


def test_export_drop_import_brings_the_same_comune_back(cesena, union_data, make_user):
    admin = make_user(email="admin.backup@example.org")
    Role.objects.create(user=admin, kind=Role.Kind.ADMINISTRATOR, municipality=cesena)
    before_rows, before_report = cesena_rows(cesena), cesena_report()
    assert len(before_rows[0]) == 8 and before_report["bookings"] == 6

    archive = io.BytesIO()
    seen = []
    manifest = comune_export(municipality=cesena, fileobj=archive, progress=lambda i, n, t, r: seen.append(t))
    assert manifest["tables"]["bookings_booking"]["rows"] == 8 and "bookings_booking" in seen
    assert set(manifest["people"]) >= {row[2] for row in before_rows[0]}

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the fixtures' deferred checks, before the tables go
        cursor.execute('DROP SCHEMA "cesena" CASCADE')
    Role.objects.filter(municipality=cesena).delete()
    assert not schema_exists("cesena")

    archive.seek(0)
    comune_import(fileobj=archive)
    assert schema_exists("cesena")
    assert cesena_rows(cesena) == before_rows
    assert cesena_report() == before_report
    assert Role.objects.filter(user=admin, kind="administrator", municipality=cesena).exists()
    assert Domain.objects.filter(tenant=cesena, is_primary=True).exists()

    # Identity sequences moved past the restored rows: the next booking does not collide.
    with tenant_context(cesena):
        template = Booking.objects.order_by("id").last()
        template.pk, template.code, template.state = None, "NEW00001", "cancelled"
        template.save()
        assert template.pk > max(row[0] for row in before_rows[0])


def test_import_over_an_existing_comune_needs_replace_and_a_bad_archive_changes_nothing(cesena, union_data):
    archive = io.BytesIO()
    comune_export(municipality=cesena, fileobj=archive)
    archive.seek(0)
    with pytest.raises(BackupError, match="--replace"):
        comune_import(fileobj=archive)
    with pytest.raises(BackupError, match="not a comune's archive"):
        comune_import(fileobj=io.BytesIO(b"not a tar"), replace=True)
    assert cesena_rows(cesena)[0]  # untouched


def test_the_commands_write_and_read_an_archive_with_progress(cesena, union_data, tmp_path):
    path = tmp_path / "cesena.tar.gz"
    out = io.StringIO()
    call_command("comune_export", "cesena", "--output", str(path), stdout=out)
    assert "bookings_booking: 8 rows" in out.getvalue() and path.stat().st_size > 0
    out = io.StringIO()
    call_command("comune_import", str(path), "--replace", stdout=out)
    assert "restored" in out.getvalue()
    assert len(cesena_rows(cesena)[0]) == 8
