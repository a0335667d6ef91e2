"""The union's API for the app: every hub, the person's items in every comune, the profile."""

from django.db import connection
from django.test import Client

from tests.bookings.conftest import build_hub
from tests.oauth.conftest import app_sign_in, bearer


def test_all_hubs_of_every_comune_with_where_to_book(cesena, sarsina):
    connection.set_tenant(cesena)
    cesena_hub = build_hub("hub-cesena")
    connection.set_tenant(sarsina)
    build_hub("hub-sarsina")
    connection.set_schema_to_public()

    response = Client(HTTP_HOST="localhost").get("/api/v1/hubs/")
    assert response.status_code == 200, response.content
    hubs = response.json()
    assert [(h["comune"]["slug"], h["slug"]) for h in hubs] == [("cesena", "hub-cesena"), ("sarsina", "hub-sarsina")]
    first = hubs[0]
    assert first["id"] == cesena_hub.pk and first["name"] == "Hub hub-cesena"
    assert first["comune"]["api"] == "http://cesena.localhost/api/v1/"
    assert first["url"] == "http://cesena.localhost/hub/hub-cesena/"
    assert isinstance(first["open_now"], bool) and first["desk_kinds"] == []

    only_sarsina = Client(HTTP_HOST="localhost").get("/api/v1/hubs/", {"comune": "sarsina"}).json()
    assert [h["slug"] for h in only_sarsina] == ["hub-sarsina"]
    unknown = Client(HTTP_HOST="localhost").get("/api/v1/hubs/", {"comune": "atlantide"})
    assert unknown.status_code == 400 and unknown.json()["fields"] == {"comune": ["Comune sconosciuto."]}


def test_the_profile_needs_the_profile_scope(app_client, person, make_user, cesena):
    person.phone, person.home_municipality = "0547 123456", cesena
    person.save()
    profile = bearer("localhost", app_sign_in(person, scope="read profile").access).get("/api/v1/me/")
    assert profile.status_code == 200, profile.content
    body = profile.json()
    assert body["email"] == person.email and body["first_name"] == "Giulia" and body["phone"] == "0547 123456"
    assert body["home_comune"]["slug"] == "cesena" and body["fiscal_code"] is None

    other = make_user()
    refused = bearer("localhost", app_sign_in(other, scope="read").access).get("/api/v1/me/")
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"
    assert Client(HTTP_HOST="localhost").get("/api/v1/me/").status_code == 401
