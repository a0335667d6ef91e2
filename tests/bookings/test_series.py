"""Recurring bookings: every occurrence is an ordinary booking under every rule; the refused ones
are reported with their reason and the others are kept."""

from datetime import timedelta

import pytest

from src.bookings.models import Booking, BookingPolicy
from src.bookings.services import booking_create, booking_series_create
from src.common.errors import DomainError
from src.common.time import ROME
from src.hubs.models import Closure
from tests.bookings.conftest import at, period
from tests.conftest import host_client, page_text


@pytest.fixture
def roomy_policy(in_cesena):
    """A policy that lets eight weekly bookings through, so only the closure and the taken seat refuse."""
    BookingPolicy.objects.update_or_create(pk=1, defaults={"max_days_ahead": 90, "max_active_per_person": 20})


def test_two_refused_occurrences_are_reported_and_the_others_created(
    roomy_policy, hub, cowork, seats, tomorrow, citizen, make_user
):
    first = period(tomorrow, "09:00", "11:00")
    week = timedelta(days=7)
    closed_day = tomorrow + 2 * week
    taken_day = tomorrow + 5 * week
    Closure.objects.create(hub=hub, starts_on=closed_day, ends_on=closed_day, reason="festa del patrono")
    booking_create(
        person=make_user(), space=cowork, seat=seats[0], period=period(taken_day, "10:00", "11:00"), channel="web"
    )

    result = booking_series_create(
        person=citizen, space=cowork, seat=seats[0], first_period=first, every=week, count=8, channel="web"
    )

    assert [(r.day, r.code) for r in result.refused] == [(closed_day, "hub_closed"), (taken_day, "conflict")]
    assert "L'hub è chiuso il" in result.refused[0].message and "festa del patrono" in result.refused[0].message
    assert "La postazione P1 è già prenotata in quell'orario" in result.refused[1].message
    mine = Booking.objects.filter(person=citizen).order_by("period")
    expected_days = [tomorrow + n * week for n in range(8) if n not in (2, 5)]
    assert [b.start.date() for b in mine] == expected_days == [b.start.date() for b in result.created]
    hours = {(b.state, b.seat_id, b.start.astimezone(ROME).hour, b.end.astimezone(ROME).hour) for b in mine}
    assert hours == {("confirmed", seats[0].pk, 9, 11)}


def test_every_rule_applies_to_each_occurrence(in_cesena, hub, cowork, seats, tomorrow, citizen):
    """With the default policy (14 days ahead, 3 active bookings) a weekly series stops early, and says why."""
    result = booking_series_create(
        person=citizen,
        space=cowork,
        seat=seats[1],
        first_period=period(tomorrow, "09:00", "10:00"),
        every=timedelta(days=7),
        count=4,
        channel="web",
    )
    assert len(result.created) == 2
    assert [r.code for r in result.refused] == ["too_far_ahead", "too_far_ahead"]
    assert "al massimo 14 giorni in anticipo" in result.refused[0].message


@pytest.mark.parametrize("every, count", [(timedelta(hours=12), 3), (timedelta(days=7), 0), (timedelta(days=7), 27)])
def test_a_malformed_series_is_refused_whole(in_cesena, hub, cowork, seats, tomorrow, citizen, every, count):
    with pytest.raises(DomainError):
        booking_series_create(
            person=citizen,
            space=cowork,
            seat=seats[0],
            first_period=period(tomorrow, "09:00", "10:00"),
            every=every,
            count=count,
            channel="web",
        )
    assert not Booking.objects.filter(person=citizen).exists()


def test_the_confirmation_page_repeats_and_lists_what_was_refused(roomy_policy, hub, cowork, seats, tomorrow, citizen):
    closed_day = tomorrow + timedelta(days=7)
    Closure.objects.create(hub=hub, starts_on=closed_day, ends_on=closed_day, reason="lavori")
    web = host_client("cesena.localhost", citizen)
    response = web.post(
        f"/prenota/{hub.slug}/nuova/",
        {
            "space": cowork.pk,
            "seat": seats[2].pk,
            "start": at(tomorrow, "14:00").isoformat(),
            "end": at(tomorrow, "15:00").isoformat(),
            "repeat": "settimana",
            "count": "3",
        },
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "2 prenotazioni confermate. 1 non è stata possibile" in text
    assert "Non prenotate" in text and "(lavori)" in text
    assert Booking.objects.filter(person=citizen, seat=seats[2]).count() == 2


def test_the_repeat_needs_a_count(roomy_policy, hub, cowork, seats, tomorrow, citizen):
    web = host_client("cesena.localhost", citizen)
    query = {"space": cowork.pk, "seat": seats[2].pk}
    query |= {"start": at(tomorrow, "14:00").isoformat(), "end": at(tomorrow, "15:00").isoformat()}
    response = web.post(f"/prenota/{hub.slug}/nuova/", query | {"repeat": "settimana", "count": ""})
    assert response.status_code == 200
    assert "Indica quante volte ripetere la prenotazione." in page_text(response)
    assert not Booking.objects.filter(person=citizen).exists()


def test_the_api_books_a_series_and_reports_the_refusals(
    roomy_policy, hub, cowork, seats, tomorrow, citizen, make_user
):
    import json

    taken_day = tomorrow + timedelta(days=1)
    booking_create(
        person=make_user(), space=cowork, seat=seats[3], period=period(taken_day, "09:00", "10:00"), channel="web"
    )
    api = host_client("cesena.localhost", citizen)
    body = {
        "space": cowork.pk,
        "seat": seats[3].pk,
        "start": at(tomorrow, "09:00").isoformat(),
        "end": at(tomorrow, "10:00").isoformat(),
        "every_days": 1,
        "count": 3,
    }
    response = api.post("/api/v1/bookings/series/", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    assert len(response.json()["created"]) == 2
    assert response.json()["refused"] == [
        {
            "start": at(taken_day, "09:00").isoformat(),
            "end": at(taken_day, "10:00").isoformat(),
            "detail": "La postazione P4 è già prenotata in quell'orario: scegli un altro orario o un'altra postazione.",
            "code": "conflict",
        }
    ]
    bad = api.post("/api/v1/bookings/series/", json.dumps(body | {"count": 99}), content_type="application/json")
    assert bad.status_code == 400 and "count" in bad.json()["fields"]
