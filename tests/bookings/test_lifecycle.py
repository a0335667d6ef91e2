"""States over time: cancel deadline, check-in window, no-show release, holds, completion, reminders."""

from datetime import timedelta

import pytest

from src.bookings.availability import hub_availability
from src.bookings.jobs import bookings_complete, bookings_release_no_shows, holds_expire, reminders_send
from src.bookings.models import Booking
from src.bookings.selectors import person_active_count
from src.bookings.services import (
    booking_cancel,
    booking_check_in,
    booking_confirm,
    booking_create,
    booking_mark_no_show,
)
from src.common.errors import Conflict, DomainError, NotFound
from src.common.jobs import comune_jobs_run
from tests.bookings.conftest import at, period


@pytest.fixture
def booking(citizen, cowork, seats, tomorrow):
    return booking_create(
        person=citizen, space=cowork, seat=seats[0], period=period(tomorrow, "10:00", "12:00"), channel="web"
    )


def history(booking):
    return [(t.from_state, t.to_state, t.channel) for t in Booking.objects.get(pk=booking.pk).transitions.all()]


def test_cancel_before_the_deadline_frees_the_seat(booking, citizen, make_user, cowork, seats, tomorrow):
    booking_cancel(booking=booking, actor=citizen, channel="web", now=at(tomorrow, "07:59"))
    assert Booking.objects.get(pk=booking.pk).state == "cancelled"
    assert history(booking)[-1] == ("confirmed", "cancelled", "web")
    assert booking_create(
        person=make_user(), space=cowork, seat=seats[0], period=period(tomorrow, "10:00", "12:00"), channel="api"
    )


def test_cancel_after_the_deadline_is_refused_for_the_citizen_not_the_operator(
    booking, citizen, cesena_operator, tomorrow
):
    with pytest.raises(DomainError) as info:
        booking_cancel(booking=booking, actor=citizen, channel="web", now=at(tomorrow, "08:01"))
    assert info.value.code == "too_late_to_cancel"
    assert f"andava fatto entro il {tomorrow:%d/%m/%Y} 08:00 (2 ore prima dell'inizio)" in str(info.value)
    booking_cancel(
        booking=booking, actor=cesena_operator, channel="front_desk", now=at(tomorrow, "08:01"), by_staff=True
    )
    assert history(booking)[-1] == ("confirmed", "cancelled", "front_desk")


def test_cancelled_cannot_be_cancelled_again(booking, citizen, tomorrow):
    booking_cancel(booking=booking, actor=citizen, channel="web", now=at(tomorrow, "07:00"))
    with pytest.raises(DomainError, match="è annullata: non si può annullare"):
        booking_cancel(booking=booking, actor=citizen, channel="web", now=at(tomorrow, "07:00"))


def test_citizen_check_in_inside_the_window(booking, citizen, tomorrow):
    with pytest.raises(DomainError, match="Il check-in apre alle 09:30"):
        booking_check_in(code=booking.code, actor=citizen, channel="web", now=at(tomorrow, "09:00"))
    done = booking_check_in(code=booking.code.lower(), actor=citizen, channel="web", now=at(tomorrow, "10:10"))
    assert done.state == "checked_in" and done.checked_in_at == at(tomorrow, "10:10")
    with pytest.raises(DomainError) as info:
        booking_check_in(code=booking.code, actor=citizen, channel="web", now=at(tomorrow, "10:11"))
    assert info.value.code == "already_checked_in"


def test_citizen_check_in_after_the_window_is_refused_operator_may(booking, citizen, cesena_operator, hub, tomorrow):
    with pytest.raises(DomainError, match="Il check-in si è chiuso alle 10:30"):
        booking_check_in(code=booking.code, actor=citizen, channel="web", now=at(tomorrow, "10:31"))
    done = booking_check_in(
        code=booking.code,
        actor=cesena_operator,
        channel="front_desk",
        hub=hub,
        by_staff=True,
        now=at(tomorrow, "10:31"),
    )
    assert done.state == "checked_in"


def test_someone_elses_code_is_not_found(booking, make_user, tomorrow):
    with pytest.raises(NotFound):
        booking_check_in(code=booking.code, actor=make_user(), channel="web", now=at(tomorrow, "10:00"))
    with pytest.raises(NotFound):
        booking_check_in(
            code="ZZZZZZZZ", actor=make_user(), channel="front_desk", by_staff=True, now=at(tomorrow, "10:00")
        )


def test_check_in_at_another_hub_is_refused(booking, cesena_operator, tomorrow):
    from tests.bookings.conftest import build_hub

    other = build_hub("altro-hub")
    with pytest.raises(DomainError, match="è per l'hub Hub hub-test"):
        booking_check_in(
            code=booking.code,
            actor=cesena_operator,
            channel="front_desk",
            hub=other,
            by_staff=True,
            now=at(tomorrow, "10:00"),
        )


def test_no_show_release_frees_the_seat(booking, make_user, cowork, seats, tomorrow):
    assert bookings_release_no_shows(now=at(tomorrow, "10:29")) == 0
    assert bookings_release_no_shows(now=at(tomorrow, "10:31")) == 1
    released = Booking.objects.get(pk=booking.pk)
    assert released.state == "no_show"
    assert history(booking)[-1] == ("confirmed", "no_show", "system")
    other = booking_create(
        person=make_user(), space=cowork, seat=seats[0], period=period(tomorrow, "11:00", "12:00"), channel="web"
    )
    assert other.state == "confirmed"


def test_a_walk_in_made_after_the_start_gets_its_own_window(citizen, cowork, seats, tomorrow, cesena_operator):
    late = booking_create(
        person=citizen,
        space=cowork,
        seat=seats[1],
        period=period(tomorrow, "10:00", "12:00"),
        channel="front_desk",
        created_by=cesena_operator,
        now=at(tomorrow, "10:50"),
    )
    assert bookings_release_no_shows(now=at(tomorrow, "11:10")) == 0
    assert bookings_release_no_shows(now=at(tomorrow, "11:21")) == 1
    assert Booking.objects.get(pk=late.pk).state == "no_show"


def test_operator_marks_no_show_only_after_the_start(booking, cesena_operator, tomorrow):
    with pytest.raises(DomainError, match="non si può ancora segnare"):
        booking_mark_no_show(booking=booking, actor=cesena_operator, channel="front_desk", now=at(tomorrow, "09:59"))
    booking_mark_no_show(booking=booking, actor=cesena_operator, channel="front_desk", now=at(tomorrow, "10:05"))
    assert history(booking)[-1] == ("confirmed", "no_show", "front_desk")


def test_checked_in_bookings_complete_when_over(booking, citizen, tomorrow):
    booking_check_in(code=booking.code, actor=citizen, channel="web", now=at(tomorrow, "10:00"))
    assert bookings_complete(now=at(tomorrow, "11:59")) == 0
    assert bookings_complete(now=at(tomorrow, "12:00")) == 1
    assert Booking.objects.get(pk=booking.pk).state == "completed"


def test_hold_expires_and_a_late_payment_revives_it_if_still_free(citizen, make_user, cowork, seats, tomorrow):
    now = at(tomorrow, "08:00")
    held = booking_create(
        person=citizen,
        space=cowork,
        seat=seats[0],
        period=period(tomorrow, "10:00", "11:00"),
        channel="web",
        hold=True,
        now=now,
    )
    assert held.state == "held" and held.hold_expires_at == now + timedelta(minutes=15)
    assert holds_expire(now=now + timedelta(minutes=14)) == 0
    assert holds_expire(now=now + timedelta(minutes=15)) == 1
    assert Booking.objects.get(pk=held.pk).state == "cancelled"
    revived = booking_confirm(booking=held, channel="system", now=now + timedelta(minutes=20), note="pagamento tardivo")
    assert revived.state == "confirmed"
    assert [t[1] for t in history(held)] == ["held", "cancelled", "confirmed"]


def test_late_payment_for_a_place_taken_meanwhile_is_a_conflict(citizen, make_user, cowork, seats, tomorrow):
    now = at(tomorrow, "08:00")
    held = booking_create(
        person=citizen,
        space=cowork,
        seat=seats[0],
        period=period(tomorrow, "10:00", "11:00"),
        channel="web",
        hold=True,
        now=now,
    )
    holds_expire(now=now + timedelta(minutes=16))
    booking_create(
        person=make_user(),
        space=cowork,
        seat=seats[0],
        period=period(tomorrow, "10:00", "11:00"),
        channel="web",
        now=now + timedelta(minutes=17),
    )
    with pytest.raises(Conflict):
        booking_confirm(booking=held, channel="system", now=now + timedelta(minutes=20))
    assert Booking.objects.get(pk=held.pk).state == "cancelled"


def test_reminders_once_for_bookings_made_well_ahead(citizen, cowork, seats, tomorrow):
    early = booking_create(
        person=citizen,
        space=cowork,
        seat=seats[0],
        period=period(tomorrow, "10:00", "11:00"),
        channel="web",
        now=at(tomorrow, "10:00") - timedelta(hours=30),
    )
    recent = booking_create(
        person=citizen,
        space=cowork,
        seat=seats[1],
        period=period(tomorrow, "10:00", "11:00"),
        channel="web",
        now=at(tomorrow, "10:00") - timedelta(hours=3),
    )
    now = at(tomorrow, "10:00") - timedelta(hours=2)
    assert reminders_send(now=now) == 1
    assert reminders_send(now=now) == 0
    assert Booking.objects.get(pk=early.pk).reminder_sent_at == now
    assert Booking.objects.get(pk=recent.pk).reminder_sent_at is None


def test_jobs_run_reports_counts(booking, tomorrow):
    counts = comune_jobs_run(now=at(tomorrow, "10:45"))
    assert counts["no_shows_released"] == 1
    assert set(counts) == {
        "holds_expired",
        "no_shows_released",
        "completed",
        "waitlist_offers",
        "reminders",
        "appointment_holds_expired",
        "appointment_reminders",
        "event_reminders",
        "idempotency_keys_expired",
        "outbox",
        "outbox_purged",
        "event_places_refilled",
        "appointments_anonymised",
        "walk_ins_anonymised",
        "payments_reconciled",
        "refunds_sent",
        "sensor_readings_purge",
    }


def test_run_comune_jobs_command_visits_every_comune(booking, tomorrow, in_cesena):
    from django.core.management import call_command

    call_command("run_comune_jobs")  # real now: tomorrow's booking is untouched
    from django.db import connection

    connection.set_tenant(in_cesena)
    assert Booking.objects.get(pk=booking.pk).state == "confirmed"


def test_a_lapsed_hold_frees_its_seat_with_no_job_running(citizen, make_user, cowork, seats, tomorrow, hub):
    """The jobs are late or down: the seat of a lapsed hold shows free, can be booked by
    someone else, and no longer counts against its holder's limit."""
    now = at(tomorrow, "08:00")
    held = booking_create(
        person=citizen,
        space=cowork,
        seat=seats[0],
        period=period(tomorrow, "10:00", "11:00"),
        channel="web",
        hold=True,
        now=now,
    )
    later = now + timedelta(minutes=20)  # the hold lapsed 5 minutes ago; no job ran
    grid = hub_availability(hub, tomorrow, now=later)
    row = next(r for r in next(s for s in grid.spaces if s.space == cowork).seats if r.seat == seats[0])
    ten = next(i for i, slot in enumerate(grid.slots) if slot[0] == at(tomorrow, "10:00"))
    assert row.free[ten]
    assert person_active_count(citizen, later) == 0

    other = booking_create(
        person=make_user(),
        space=cowork,
        seat=seats[0],
        period=period(tomorrow, "10:00", "11:00"),
        channel="web",
        now=later,
    )
    assert other.state == "confirmed"
    released = Booking.objects.get(pk=held.pk)
    assert released.state == "cancelled"
    assert [t[1] for t in history(held)] == ["held", "cancelled"]
