"""Retention: GDPR_RETENTION_MONTHS after the fact, appointments and walk-ins lose their personal data."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context
from psycopg2.extras import DateTimeTZRange

from src.appointments.jobs import appointments_anonymise
from src.appointments.models import Appointment, AppointmentTransition
from src.bookings.jobs import walk_ins_anonymise
from src.bookings.models import Booking, BookingTransition
from src.bookings.services.front_desk import person_for_email
from src.common.jobs import registered_jobs
from src.common.retention import months_before, retention_cutoff
from src.common.time import ROME
from tenants.identity.models import User
from tenants.identity.selectors import ERASED_EMAIL
from tests.appointments.conftest import make_desk
from tests.bookings.conftest import build_hub
from tests.fixtures import UserFactory

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=ROME)


def _ago(months: int, extra_days: int = 0) -> datetime:
    return datetime.combine(months_before(NOW.date(), months), time(10), tzinfo=ROME) - timedelta(days=extra_days)


def _appointment(desk, start, code, **fields):
    data = (
        dict(
            topic="ISEE",
            details="Porto il modello di Livia Sangiorgi",
            applicant_name="Livia Sangiorgi",
            email="livia.sangiorgi@example.org",
            phone="0547 123456",
            fiscal_code="SNGLVI80A41C573X",
        )
        | fields
    )
    return Appointment.objects.create(
        desk=desk, code=code, period=DateTimeTZRange(start, start + timedelta(minutes=30)), state="attended", **data
    )


def test_months_before_keeps_the_day_or_takes_the_months_last():
    assert months_before(date(2026, 11, 30), 24) == date(2024, 11, 30)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)
    assert retention_cutoff(NOW) == datetime(2024, 11, 30, tzinfo=ROME)


def test_both_jobs_are_registered():
    names = {entry.name for entry in registered_jobs()}
    assert {"appointments_anonymised", "walk_ins_anonymised"} <= names


def test_an_old_appointment_is_anonymised_and_a_recent_one_kept(cesena, make_user):
    person = make_user(first_name="Livia")
    desk = make_desk(cesena)
    old = _appointment(desk, _ago(24, extra_days=1), "OLD000001", person=person)
    AppointmentTransition.objects.create(appointment=old, to_state="attended", by=person, channel="web")
    recent = _appointment(desk, _ago(23), "NEW000001", person=person)
    AppointmentTransition.objects.create(appointment=recent, to_state="attended", by=person, channel="web")

    assert appointments_anonymise(now=NOW) == 1
    old.refresh_from_db()
    assert (old.applicant_name, old.email, old.phone, old.fiscal_code, old.details, old.person_id) == (
        Appointment.ANONYMISED,
        "",
        "",
        "",
        "",
        None,
    )
    assert (old.state, old.topic, old.desk_id) == ("attended", "ISEE", desk.pk)  # the statistics' part stays
    assert old.transitions.get().by_id is None
    recent.refresh_from_db()
    assert (recent.applicant_name, recent.email, recent.person_id) == (
        "Livia Sangiorgi",
        "livia.sangiorgi@example.org",
        person.pk,
    )
    assert recent.transitions.get().by_id == person.pk
    assert appointments_anonymise(now=NOW) == 0  # done once


def test_the_number_of_months_is_a_setting(cesena, settings):
    settings.GDPR_RETENTION_MONTHS = 6
    desk = make_desk(cesena)
    _appointment(desk, _ago(7), "SEVEN0001")
    _appointment(desk, _ago(5), "FIVE00001")
    assert appointments_anonymise(now=NOW) == 1
    assert Appointment.objects.get(code="SEVEN0001").applicant_name == Appointment.ANONYMISED
    assert Appointment.objects.get(code="FIVE00001").applicant_name == "Livia Sangiorgi"


def _walk_in(person, space, seat, start, code, operator):
    booking = Booking.objects.create(
        code=code,
        person=person,
        hub=space.hub,
        space=space,
        seat=seat,
        period=DateTimeTZRange(start, start + timedelta(hours=2)),
        state="completed",
        channel=Booking.Channel.FRONT_DESK,
        created_by=operator,
        created_at=start,
    )
    BookingTransition.objects.create(
        booking=booking, to_state="confirmed", actor=operator, at=start, channel="front_desk", note="Sig. Sangiorgi"
    )
    return booking


@pytest.fixture
def desk_hub(cesena):
    connection.set_tenant(cesena)
    hub = build_hub("hub-accoglienza")
    yield hub.spaces.get(name="Coworking")
    connection.set_schema_to_public()


def test_an_old_walk_in_loses_its_person_and_the_account_goes(desk_hub, sarsina):
    operator = UserFactory(email="operatore@example.org")
    seat = desk_hub.seats.order_by("label").first()
    gone = person_for_email("livia.sangiorgi@example.org")  # created on the spot, never signed in
    kept = person_for_email("mirco.babbi@example.org")
    member = UserFactory(email="socia@example.org")  # an account holder booked at the desk
    old = _walk_in(gone, desk_hub, seat, _ago(25), "WALKOLD1", operator)
    recent = _walk_in(kept, desk_hub, seat, _ago(2), "WALKNEW1", operator)
    kept_old = _walk_in(kept, desk_hub, seat, _ago(30), "WALKOLD2", operator)
    members = _walk_in(member, desk_hub, seat, _ago(26), "MEMBER01", operator)

    assert walk_ins_anonymise(now=NOW) == 2
    erased = User.objects.get(email=ERASED_EMAIL)
    old.refresh_from_db()
    assert (old.person_id, old.state, old.created_by_id, old.space_id) == (
        erased.pk,
        "completed",
        operator.pk,
        desk_hub.pk,
    )
    assert old.transitions.get().note == ""
    assert not User.objects.filter(pk=gone.pk).exists()  # nothing refers to the walk-in any more
    # A walk-in with a recent booking keeps it, and keeps the account, until that one ages out too.
    assert Booking.objects.get(pk=recent.pk).person_id == kept.pk
    assert Booking.objects.get(pk=kept_old.pk).person_id == erased.pk
    assert User.objects.filter(pk=kept.pk).exists()
    # An account holder's history is theirs to manage: left alone.
    assert Booking.objects.get(pk=members.pk).person_id == member.pk
    assert walk_ins_anonymise(now=NOW) == 0


def test_a_walk_in_still_booked_in_another_comune_keeps_the_account(desk_hub, sarsina):
    operator = UserFactory(email="operatore@example.org")
    walk_in = person_for_email("livia.sangiorgi@example.org")
    _walk_in(walk_in, desk_hub, desk_hub.seats.first(), _ago(25), "WALKOLD1", operator)
    with tenant_context(sarsina):
        space = build_hub("hub-sarsina-accoglienza").spaces.get(name="Coworking")
        _walk_in(walk_in, space, space.seats.first(), timezone.now() - timedelta(days=3), "WALKSAR1", operator)
    assert connection.schema_name == "cesena"  # the job runs in Cesena, the Sarsina booking is recent
    assert walk_ins_anonymise(now=NOW) == 1
    assert User.objects.filter(pk=walk_in.pk).exists()  # Sarsina's booking still refers to it
