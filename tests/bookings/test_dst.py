"""Daylight-saving nights in Europe/Rome: the spring night has no 02:00-03:00, the autumn one has it twice.

- The availability grid and the desks' slots count in real time: every slot lasts its
  minutes (no zero-length slot in spring, no two-hour slot in autumn). Choice for the
  repeated hour: it is offered twice, as two distinct slots (+02:00, then +01:00).
- A local time given without offset that does not exist or happens twice is refused
  with a message (forms, special openings), never moved.
- A booking sent with explicit offsets across 02:00-03:00 is stored as exactly the
  instants sent (UTC), never refused as too long nor lengthened.

The nights used for booking are the next ones after today (bookings must be ahead);
those for refusals are fixed: 29/03/2026 and 25/10/2026.
"""

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError

from src.appointments.selectors import desk_slots_by_day
from src.bookings.availability import hub_availability
from src.bookings.forms import PlaceForm
from src.bookings.models import Booking
from src.bookings.selectors import policy_get
from src.common.time import ROME, local_time_problem, local_today
from src.desks.models import DeskHours, ServiceDesk
from src.hubs.models import SpecialOpening
from tests.conftest import host_client, page_text

SPRING_2026, AUTUMN_2026 = date(2026, 3, 29), date(2026, 10, 25)
HOUR = timedelta(hours=1)


def policy_set(**fields):
    """Through save(), as the admin and policy_update do: the cached policy is dropped."""
    policy = policy_get()
    for name, value in fields.items():
        setattr(policy, name, value)
    policy.save()


def next_change(*, forward: bool) -> date:
    """The next day after today on which Rome's clocks go forward (spring) or back (autumn)."""
    day = local_today()
    while True:
        day += timedelta(days=1)
        before = datetime.combine(day, time(0), tzinfo=ROME).utcoffset()
        after = datetime.combine(day + timedelta(days=1), time(0), tzinfo=ROME).utcoffset()
        if before != after and (after > before) == forward:
            return day


SPRING, AUTUMN = next_change(forward=True), next_change(forward=False)
ORDINARY_SUNDAY = SPRING - timedelta(days=7)


def length(start: datetime, end: datetime) -> timedelta:
    # In UTC: Python subtracts two Rome datetimes on the wall clock, ignoring their offsets.
    return end.astimezone(UTC) - start.astimezone(UTC)


def instant(day: date, hhmm: str, offset_hours: int) -> datetime:
    """`hhmm` on `day` at an explicit offset (what an API client sends), as a UTC instant."""
    naive = datetime.combine(day, time.fromisoformat(hhmm))
    return (naive - timedelta(hours=offset_hours)).replace(tzinfo=UTC)


def iso(day: date, hhmm: str, offset_hours: int) -> str:
    return f"{day.isoformat()}T{hhmm}:00+{offset_hours:02d}:00"


@pytest.fixture
def night_hub(hub):
    """The test hub, open from midnight to 06:00 on both nights (special openings)."""
    for day in (SPRING, AUTUMN, SPRING_2026, AUTUMN_2026, ORDINARY_SUNDAY):
        SpecialOpening.objects.create(hub=hub, date=day, opens=time(0), closes=time(6))
    return hub


@pytest.fixture
def policy(in_cesena):
    policy_get()
    policy_set(slot_minutes=60, max_days_ahead=365, max_hours=1, max_active_per_person=20)
    return policy_get()


# --- the availability grid ------------------------------------------------------------


@pytest.mark.parametrize(
    "day, hours",
    [(SPRING, 5), (AUTUMN, 7), (SPRING_2026, 5), (AUTUMN_2026, 7), (ORDINARY_SUNDAY, 6)],
)
@pytest.mark.parametrize("minutes", [60, 30, 45])
def test_every_slot_of_the_grid_lasts_its_minutes(night_hub, policy, day, hours, minutes):
    policy_set(slot_minutes=minutes, max_hours=4)
    grid = hub_availability(night_hub, day, now=datetime.combine(day - timedelta(days=1), time(12), tzinfo=ROME))
    step = timedelta(minutes=minutes)
    lengths = [length(start, end) for start, end in grid.slots]
    assert all(length == step for length in lengths[:-1]) and timedelta(0) < lengths[-1] <= step
    assert sum(lengths, timedelta()) == timedelta(hours=hours)  # the night's real length
    starts = [start.astimezone(UTC) for start, _end in grid.slots]
    assert starts == sorted(set(starts))  # distinct, in order
    assert all(a[1] == b[0] for a, b in zip(grid.slots, grid.slots[1:]))  # back to back
    assert all(len(row.free) == len(grid.slots) for space in grid.spaces for row in space.seats)


def test_in_spring_the_slot_from_one_oclock_ends_at_three(night_hub, policy):
    slots = hub_availability(night_hub, SPRING).slots
    assert [(s.isoformat()[11:], e.isoformat()[11:]) for s, e in slots[:3]] == [
        ("00:00:00+01:00", "01:00:00+01:00"),
        ("01:00:00+01:00", "03:00:00+02:00"),  # one hour: 02:00-03:00 does not exist
        ("03:00:00+02:00", "04:00:00+02:00"),
    ]


def test_in_autumn_the_repeated_hour_is_two_slots(night_hub, policy):
    slots = hub_availability(night_hub, AUTUMN).slots
    assert [(s.isoformat()[11:], e.isoformat()[11:]) for s, e in slots[1:4]] == [
        ("01:00:00+02:00", "02:00:00+02:00"),
        ("02:00:00+02:00", "02:00:00+01:00"),  # the first 02:00-03:00 ...
        ("02:00:00+01:00", "03:00:00+01:00"),  # ... and the second
    ]


def test_the_availability_api_gives_one_hour_slots_with_their_offsets(night_hub, policy, citizen):
    for day, count in ((SPRING, 5), (AUTUMN, 7)):
        response = host_client("cesena.localhost").get(f"/api/v1/availability/?hub={night_hub.pk}&date={day}")
        slots = [
            (datetime.fromisoformat(s["start"]), datetime.fromisoformat(s["end"])) for s in response.json()["slots"]
        ]
        assert len(slots) == count and all(length(start, end) == HOUR for start, end in slots)


# --- the desks' slots -------------------------------------------------------------------


@pytest.mark.parametrize("day, count", [(SPRING, 10), (AUTUMN, 14), (SPRING_2026, 10), (AUTUMN_2026, 14)])
def test_every_desk_slot_lasts_its_minutes(night_hub, policy, day, count):
    desk = ServiceDesk.objects.create(hub=night_hub, kind="sportello_facile", name="Notte", takes_appointments=True)
    desk.slot_minutes = 30
    desk.save()
    DeskHours.objects.create(desk=desk, weekday=day.weekday(), opens=time(0), closes=time(6))
    now = datetime.combine(day - timedelta(days=1), time(12), tzinfo=ROME)
    slots = desk_slots_by_day(desk=desk, first_day=day, days=1, now=now)[day]
    assert len(slots) == count
    assert all(length(slot.start, slot.end) == timedelta(minutes=30) for slot in slots)
    assert len({slot.start.astimezone(UTC) for slot in slots}) == count


# --- local times given as input ------------------------------------------------------------


@pytest.mark.parametrize(
    "day, at, problem",
    [
        (SPRING_2026, "01:59", None),
        (SPRING_2026, "02:00", "non esiste"),
        (SPRING_2026, "02:30", "non esiste"),
        (SPRING_2026, "03:00", None),
        (AUTUMN_2026, "01:59", None),
        (AUTUMN_2026, "02:00", "è ambiguo"),
        (AUTUMN_2026, "02:59", "è ambiguo"),
        (AUTUMN_2026, "03:00", None),
        (date(2026, 7, 1), "02:30", None),
    ],
)
def test_which_local_times_are_refused(day, at, problem):
    message = local_time_problem(day, time.fromisoformat(at))
    assert (message is None) if problem is None else (problem in message)


def test_the_messages_say_what_happens_that_night():
    assert local_time_problem(SPRING_2026, time(2, 30)) == (
        "L'orario 02:30 del 29/03/2026 non esiste: quella notte, con il passaggio all'ora legale,"
        " gli orologi saltano avanti di un'ora."
    )
    assert local_time_problem(AUTUMN_2026, time(2, 30)) == (
        "L'orario 02:30 del 25/10/2026 è ambiguo: quella notte, con il ritorno all'ora solare,"
        " si ripete due volte (prima con +02:00, poi con +01:00)."
    )


@pytest.mark.parametrize("day, word", [(SPRING_2026, "non esiste"), (AUTUMN_2026, "è ambiguo")])
def test_a_special_opening_at_a_missing_or_repeated_time_is_refused(hub, day, word):
    opening = SpecialOpening(hub=hub, date=day, opens=time(2, 30), closes=time(5))
    with pytest.raises(ValidationError) as refused:
        opening.full_clean()
    assert word in refused.value.message_dict["opens"][0]
    SpecialOpening(hub=hub, date=day, opens=time(3), closes=time(5)).full_clean()  # fine


def test_the_catalogue_api_refuses_it_with_the_message(hub, cesena_admin):
    client = host_client("cesena.localhost", cesena_admin)
    body = {"date": AUTUMN_2026.isoformat(), "opens": "01:00", "closes": "02:30"}
    response = client.post(
        f"/api/v1/hubs/{hub.pk}/special-openings/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400
    assert "L'orario 02:30 del 25/10/2026 è ambiguo" in json.dumps(response.json(), ensure_ascii=False)


@pytest.mark.parametrize(
    "start, word",
    [("2026-03-29T02:30", "non esiste"), ("2026-03-29 02:00", "non esiste"), ("25/10/2026 02:30", "è ambiguo")],
)
def test_the_booking_form_refuses_a_missing_or_repeated_local_time(cowork, start, word):
    form = PlaceForm({"space": cowork.pk, "start": start, "end": "2026-10-25T05:00:00+01:00"})
    assert not form.is_valid()
    [error] = form.errors.as_data()["start"]
    assert error.code == "local_time_problem" and word in error.messages[0]


def test_the_booking_form_takes_the_same_time_with_an_offset(cowork):
    form = PlaceForm({"space": cowork.pk, "start": "2026-10-25T02:30:00+01:00", "end": "2026-10-25T03:30:00+01:00"})
    assert form.is_valid(), form.errors
    assert length(form.cleaned_data["start"], form.cleaned_data["end"]) == HOUR


def test_the_booking_page_says_why(night_hub, citizen):
    client = host_client("cesena.localhost", citizen)
    query = {"space": night_hub.spaces.get(name="Coworking").pk, "start": "2026-03-29T02:30", "end": "2026-03-29T04:00"}
    response = client.get(f"/prenota/{night_hub.slug}/nuova/", query, follow=True)
    assert "L'orario 02:30 del 29/03/2026 non esiste" in page_text(response)


# --- bookings across the change, sent with offsets -------------------------------------------


ACROSS = [
    (SPRING, ("01:00", 1), ("03:00", 2)),  # the hour that holds the jump
    (SPRING, ("01:30", 1), ("03:30", 2)),
    (AUTUMN, ("02:00", 2), ("02:00", 1)),  # the first 02:00-03:00
    (AUTUMN, ("02:00", 1), ("03:00", 1)),  # the second one
    (AUTUMN, ("01:30", 2), ("02:30", 2)),
    (AUTUMN, ("02:30", 2), ("02:30", 1)),
]


@pytest.mark.parametrize("day, start, end", ACROSS)
def test_a_one_hour_booking_across_the_change_is_stored_as_sent(night_hub, policy, citizen, day, start, end):
    policy_set(slot_minutes=30)  # max_hours stays 1: one real hour, not two on the wall clock
    cowork = night_hub.spaces.get(name="Coworking")
    body = {"space": cowork.pk, "seat": cowork.seats.first().pk, "start": iso(day, *start), "end": iso(day, *end)}
    response = host_client("cesena.localhost", citizen).post(
        "/api/v1/bookings/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    sent = (instant(day, *start), instant(day, *end))
    assert length(*sent) == HOUR
    period = Booking.objects.get(code=response.json()["code"]).period
    assert (period.lower, period.upper) == sent
    assert (datetime.fromisoformat(response.json()["start"]), datetime.fromisoformat(response.json()["end"])) == sent


def test_two_real_hours_across_the_spring_change_are_two_hours(night_hub, policy, citizen):
    cowork = night_hub.spaces.get(name="Coworking")
    body = {"space": cowork.pk, "start": iso(SPRING, "01:00", 1), "end": iso(SPRING, "04:00", 2)}
    response = host_client("cesena.localhost", citizen).post(
        "/api/v1/bookings/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "too_long"  # max_hours is 1


def test_the_booking_page_stores_the_hour_across_the_change_as_sent(night_hub, policy, citizen):
    cowork = night_hub.spaces.get(name="Coworking")
    data = {
        "space": cowork.pk,
        "seat": cowork.seats.first().pk,
        "start": iso(AUTUMN, "02:00", 2),
        "end": iso(AUTUMN, "02:00", 1),
    }
    response = host_client("cesena.localhost", citizen).post(f"/prenota/{night_hub.slug}/nuova/", data)
    assert response.status_code == 302
    period = Booking.objects.get().period
    assert (period.lower, period.upper) == (instant(AUTUMN, "02:00", 2), instant(AUTUMN, "02:00", 1))


def test_the_service_counts_real_time_for_rome_datetimes_too(night_hub, policy, citizen):
    from src.bookings.services import booking_create

    cowork = night_hub.spaces.get(name="Coworking")
    start, end = datetime.combine(SPRING, time(1), tzinfo=ROME), datetime.combine(SPRING, time(3), tzinfo=ROME)
    assert end - start == 2 * HOUR and length(start, end) == HOUR  # the wall clock says two hours; one passes
    booking = booking_create(
        person=citizen, space=cowork, seat=cowork.seats.first(), period=(start, end), channel="web"
    )
    booking.refresh_from_db()
    assert (booking.period.lower, booking.period.upper) == (start, end)
