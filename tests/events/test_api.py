"""Events over JSON for the app; every write answers bad input with a 4xx JSON error."""

import pytest

from tests.conftest import host_client


def test_list_register_waitlist_and_cancel(cesena_event, make_user):
    anna, bruno, carla = make_user(), make_user(), make_user()
    listing = host_client("cesena.localhost").get("/api/v1/events/").json()
    assert [(e["title"], e["places_left"]) for e in listing] == [(cesena_event.title, 2)]

    states = []
    for person in (anna, bruno, carla):
        response = host_client("cesena.localhost", person).post(f"/api/v1/events/{cesena_event.pk}/registration/")
        assert response.status_code == 201
        states.append((response.json()["state"], response.json()["waitlist_position"]))
    assert states == [("registered", None), ("registered", None), ("waitlisted", 1)]
    again = host_client("cesena.localhost", anna).post(f"/api/v1/events/{cesena_event.pk}/registration/")
    assert again.status_code == 409 and "già iscritto" in again.json()["detail"]

    assert (
        host_client("cesena.localhost", bruno).delete(f"/api/v1/events/{cesena_event.pk}/registration/").json()["state"]
        == "cancelled"
    )
    mine = host_client("cesena.localhost", carla).get(f"/api/v1/events/{cesena_event.pk}/registration/").json()
    assert mine["state"] == "registered"
    assert host_client("cesena.localhost").get(f"/api/v1/events/{cesena_event.pk}/").json()["places_left"] == 0


@pytest.mark.parametrize(
    "method, path, body, expected",
    [
        ("post", "/api/v1/events/{pk}/registration/", None, 401),  # anonymous
        ("post", "/api/v1/events/999999/registration/", None, 404),
        ("delete", "/api/v1/events/{pk}/registration/", None, 404),  # not registered
        ("post", "/api/v1/events/{pk}/registrations/1/attendance/", {"attended": "forse"}, 403),
    ],
)
def test_every_write_endpoint_answers_bad_input_with_4xx_json(cesena_event, make_user, method, path, body, expected):
    client = host_client("cesena.localhost", None if expected == 401 else make_user())
    response = getattr(client, method)(path.format(pk=cesena_event.pk), body, content_type="application/json")
    assert response.status_code == expected
    assert response["Content-Type"] == "application/json" and response.json()["detail"]


def test_attendance_bad_input_from_an_administrator_is_a_400(cesena, cesena_event, cesena_admin, make_user):
    from django.db import connection

    from src.events.services import event_register

    connection.set_tenant(cesena)
    registration = event_register(event=cesena_event, person=make_user())
    api = host_client("cesena.localhost", cesena_admin)
    url = f"/api/v1/events/{cesena_event.pk}/registrations/{registration.pk}/attendance/"
    for body in ({"attended": "forse"}, {}, "not json"):
        response = api.post(url, body, content_type="application/json")
        assert response.status_code == 400 and response.json()["detail"]
    assert (
        api.post(
            f"/api/v1/events/{cesena_event.pk}/registrations/999999/attendance/",
            {"attended": True},
            content_type="application/json",
        ).status_code
        == 404
    )
