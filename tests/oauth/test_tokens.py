"""What a token may do, and when it stops: scopes, revocation, expiry, refresh, one person's data only."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import get_access_token_model

from src.bookings.services import booking_create
from tests.bookings.conftest import build_hub, period
from tests.conftest import host_client
from tests.fixtures import UserFactory
from tests.oauth.conftest import CLIENT_ID, app_sign_in, bearer, token_request
from tests.oauth.test_app_flow import place


def error_of(response, status: int, code: str) -> dict:
    """The API's one error body; a 401 also says how to authenticate."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "code", "fields"} and body["code"] == code and body["detail"], body
    return body


def book(client, cowork, seat, day):
    return client.post("/api/v1/bookings/", place(cowork, seat, day), content_type="application/json")


def test_without_the_bookings_scope_the_app_reads_but_cannot_book(app_client, person, cowork, seats, tomorrow):
    app = bearer("cesena.localhost", app_sign_in(person, scope="read").access)
    assert app.get("/api/v1/bookings/").status_code == 200
    response = book(app, cowork, seats[0], tomorrow)
    body = error_of(response, 403, "insufficient_scope")
    assert "bookings" in body["detail"]
    assert response["WWW-Authenticate"] == 'Bearer realm="api",error="insufficient_scope",scope="bookings"'
    # Nor cancel, nor register to an event: every write in the person's name needs it.
    assert app.post("/api/v1/bookings/ABCDEFGH/cancel/").status_code == 403
    assert app.post("/api/v1/events/1/registration/").status_code == 403


def test_a_token_with_bookings_but_not_read_cannot_list(app_client, person, hub):
    app = bearer("cesena.localhost", app_sign_in(person, scope="bookings").access)
    error_of(app.get("/api/v1/bookings/"), 403, "insufficient_scope")


def test_operators_and_administrators_work_from_the_site_not_through_an_app(app_client, cesena_admin, hub):
    app = bearer("cesena.localhost", app_sign_in(cesena_admin).access)
    response = app.patch("/api/v1/booking-policy/", json.dumps({"slot_minutes": 30}), content_type="application/json")
    body = error_of(response, 403, "insufficient_scope")
    assert "dal sito" in body["detail"]
    assert app.post("/api/v1/hubs/", json.dumps({"name": "X"}), content_type="application/json").status_code == 403
    # The same person in the browser still may (scopes bind tokens, not sessions).
    browser = host_client("cesena.localhost", cesena_admin)
    response = browser.patch(
        "/api/v1/booking-policy/", json.dumps({"slot_minutes": 30}), content_type="application/json"
    )
    assert response.status_code == 200, response.content


def test_a_revoked_token_is_refused_with_401_json(app_client, person, hub):
    tokens = app_sign_in(person)
    app = bearer("cesena.localhost", tokens.access)
    assert app.get("/api/v1/bookings/").status_code == 200
    revoked = Client(HTTP_HOST="localhost").post("/o/revoke_token/", {"token": tokens.access, "client_id": CLIENT_ID})
    assert revoked.status_code == 200
    response = app.get("/api/v1/bookings/")
    body = error_of(response, 401, "authentication_failed")
    assert body["detail"] == "Token di accesso non valido, scaduto o revocato: accedi di nuovo dall'app."
    assert response["WWW-Authenticate"].startswith('Bearer realm="api",error="invalid_token"')
    # Even where anybody may read: a refused token is never taken for "no token".
    error_of(app.get("/api/v1/hubs/"), 401, "authentication_failed")


@pytest.mark.parametrize("header", ["Bearer", "Bearer non-un-token", "bearer     "])
def test_an_unknown_or_empty_token_is_401_in_english_too(hub, header):
    client = Client(HTTP_HOST="cesena.localhost", HTTP_AUTHORIZATION=header, HTTP_ACCEPT_LANGUAGE="en")
    response = client.get("/api/v1/bookings/")
    body = error_of(response, 401, "authentication_failed")
    assert body["detail"] == "Invalid, expired or revoked access token: sign in again from the app."
    assert response["WWW-Authenticate"].startswith("Bearer ")


def test_an_expired_token_is_refused(app_client, person, hub):
    tokens = app_sign_in(person)
    get_access_token_model().objects.filter(user=person).update(expires=timezone.now() - timedelta(seconds=1))
    error_of(bearer("cesena.localhost", tokens.access).get("/api/v1/bookings/"), 401, "authentication_failed")


def test_a_deactivated_person_token_is_refused(app_client, person, hub):
    tokens = app_sign_in(person)
    person.is_active = False
    person.save()
    error_of(bearer("cesena.localhost", tokens.access).get("/api/v1/bookings/"), 401, "authentication_failed")


def test_a_token_in_the_query_string_is_not_accepted(app_client, person, hub):
    tokens = app_sign_in(person)
    response = Client(HTTP_HOST="cesena.localhost").get(f"/api/v1/bookings/?access_token={tokens.access}")
    error_of(response, 401, "not_authenticated")


def refresh(token: str):
    return token_request(grant_type="refresh_token", refresh_token=token, client_id=CLIENT_ID)


def test_refresh_works_once_and_rotates(app_client, person, hub):
    first = app_sign_in(person)
    response = refresh(first.refresh)
    assert response.status_code == 200, response.content
    second = response.json()
    assert second["refresh_token"] != first.refresh and second["access_token"] != first.access
    assert second["scope"] == "read bookings" and second["expires_in"] == 3600
    assert bearer("cesena.localhost", second["access_token"]).get("/api/v1/bookings/").status_code == 200
    # The old access token went with its refresh token.
    assert bearer("cesena.localhost", first.access).get("/api/v1/bookings/").status_code == 401
    # The old refresh token is spent; replaying it (stolen?) also ends the tokens it led to.
    replay = refresh(first.refresh)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert bearer("cesena.localhost", second["access_token"]).get("/api/v1/bookings/").status_code == 401
    assert refresh(second["refresh_token"]).status_code == 400


def test_one_persons_token_never_shows_anothers_bookings(app_client, cowork, seats, tomorrow, sarsina):
    giulia, marco = UserFactory(first_name="Giulia"), UserFactory(first_name="Marco")
    hers = booking_create(
        person=giulia, space=cowork, seat=seats[0], period=period(tomorrow, "10:00", "11:00"), channel="web"
    )
    his = booking_create(
        person=marco, space=cowork, seat=seats[1], period=period(tomorrow, "10:00", "11:00"), channel="web"
    )
    connection.set_tenant(sarsina)
    sarsina_room = build_hub("hub-sarsina").spaces.get(name="Coworking")
    his_in_sarsina = booking_create(
        person=marco,
        space=sarsina_room,
        seat=sarsina_room.seats.get(label="P1"),
        period=period(tomorrow, "10:00", "11:00"),
        channel="web",
    )
    connection.set_schema_to_public()
    giulia_token, marco_token = app_sign_in(giulia).access, app_sign_in(marco).access

    union = bearer("localhost", giulia_token).get("/api/v1/me/bookings/").json()
    assert [item["reference"] for item in union] == [hers.code]
    union = bearer("localhost", marco_token).get("/api/v1/me/bookings/").json()
    assert sorted(item["reference"] for item in union) == sorted([his.code, his_in_sarsina.code])

    in_cesena = bearer("cesena.localhost", giulia_token)
    assert [b["code"] for b in in_cesena.get("/api/v1/bookings/").json()] == [hers.code]
    assert in_cesena.get(f"/api/v1/bookings/{his.code}/").status_code == 404
    assert in_cesena.post(f"/api/v1/bookings/{his.code}/cancel/").status_code == 404
    assert bearer("sarsina.localhost", giulia_token).get("/api/v1/bookings/").json() == []
    # The same token works on every comune's host: Marco's in Sarsina.
    in_sarsina = bearer("sarsina.localhost", marco_token).get("/api/v1/bookings/").json()
    assert [b["code"] for b in in_sarsina] == [his_in_sarsina.code]


def test_sessions_keep_working_without_scopes(person, hub):
    browser = host_client("localhost", person)
    assert browser.get("/api/v1/me/").json()["email"] == person.email  # `profile` binds tokens only
    assert host_client("cesena.localhost", person).get("/api/v1/bookings/").status_code == 200


def test_anonymous_is_told_to_authenticate_with_a_bearer_challenge(hub):
    response = Client(HTTP_HOST="cesena.localhost").get("/api/v1/bookings/")
    error_of(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_signing_out_everywhere_signs_the_apps_out_too(app_client, person, hub):
    tokens = app_sign_in(person)
    app = bearer("cesena.localhost", tokens.access)
    assert app.get("/api/v1/bookings/").status_code == 200

    site = host_client("localhost", person)
    assert site.post("/account/accesso/esci-ovunque/").status_code == 302
    error_of(app.get("/api/v1/bookings/"), 401, "authentication_failed")
    again = refresh(tokens.refresh)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
