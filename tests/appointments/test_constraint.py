"""PostgreSQL itself refuses a second appointment on a taken desk slot."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction

from src.desks.models import ServiceDesk
from src.hubs.models import Hub

ROME = ZoneInfo("Europe/Rome")


@pytest.fixture
def desk(cesena):
    connection.set_tenant(cesena)
    hub = Hub.objects.create(name="Hub", slug="hub", address="Via 1", town="Cesena", is_published=True)
    return ServiceDesk.objects.create(
        hub=hub, kind="sportello_facile", name="Sportello Facile", takes_appointments=True
    )


def _insert(desk, start, end, state="booked", code="RAWSQL01"):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO desks_appointment (desk_id, code, period, topic, details, applicant_name, email, phone,"
            " fiscal_code, language, state, created_at)"
            " VALUES (%s, %s, tstzrange(%s, %s, '[)'), 'x', '', 'Anna', 'a@example.org', '', '', 'it', %s, now())",
            [desk.pk, code, start, end, state],
        )


def test_raw_sql_cannot_book_an_overlapping_slot(desk):
    start = datetime(2030, 3, 5, 10, 0, tzinfo=ROME)
    _insert(desk, start, start + timedelta(minutes=30), code="AAAA-0001")
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        _insert(desk, start + timedelta(minutes=15), start + timedelta(minutes=45), code="AAAA-0002")
    assert refused.value.__cause__.pgcode == "23P01"


def test_back_to_back_cancelled_and_other_desk_slots_are_allowed(desk):
    start = datetime(2030, 3, 5, 10, 0, tzinfo=ROME)
    other = ServiceDesk.objects.create(hub=desk.hub, kind="energia", name="Energia", takes_appointments=True)
    _insert(desk, start, start + timedelta(minutes=30), code="AAAA-0001")
    _insert(desk, start + timedelta(minutes=30), start + timedelta(minutes=60), code="AAAA-0002")  # half-open: [)
    _insert(desk, start, start + timedelta(minutes=30), state="cancelled", code="AAAA-0003")
    _insert(other, start, start + timedelta(minutes=30), code="AAAA-0004")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM desks_appointment")
        assert cursor.fetchone()[0] == 4
