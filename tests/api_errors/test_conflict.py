"""A request that collides with what exists: 409 "conflict" (or a domain's own code) with a sentence."""

import pytest

from src.bookings.services import booking_create
from tests.api_errors.contract import api_client, error_of
from tests.bookings.conftest import at, period

TAKEN = {
    "it": "La postazione P1 è già prenotata in quell'orario: scegli un altro orario o un'altra postazione.",
    "en": "Seat P1 is already booked at that time: choose another time or another seat.",
}
DUPLICATE = {"it": "La richiesta è in conflitto con dati esistenti.", "en": "The request conflicts with existing data."}


@pytest.mark.parametrize("language", ["it", "en"])
def test_a_taken_seat_is_a_409(cowork, seats, tomorrow, citizen, make_user, language):
    booking_create(
        person=make_user(), space=cowork, seat=seats[0], period=period(tomorrow, "10:00", "11:00"), channel="web"
    )
    place = {
        "space": cowork.pk,
        "seat": seats[0].pk,
        "start": at(tomorrow, "10:00").isoformat(),
        "end": at(tomorrow, "11:00").isoformat(),
    }
    response = api_client(language, citizen).post("/api/v1/bookings/", place, content_type="application/json")
    assert error_of(response, 409, "conflict") == {"detail": TAKEN[language], "code": "conflict", "fields": {}}


@pytest.mark.parametrize("language", ["it", "en"])
def test_an_integrity_error_no_service_caught_is_a_409_without_the_sql(cesena, settings, language):
    settings.ROOT_URLCONF = "tests.api_errors.urls"
    body = error_of(api_client(language).get("/api/prova/duplicato/"), 409, "conflict")
    assert body["detail"] == DUPLICATE[language]
