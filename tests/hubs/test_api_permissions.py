"""Anyone reads the catalogue; only this comune's administrators write it."""

import re

import pytest
from django_tenants.utils import tenant_context

from src.hubs.models import Hub
from tests.hubs.api import cesena_api
from tests.hubs.factories import make_hub
from tests.pages.builders import image_upload

NEW_HUB = {"name": "Hub di Ponte Pietra", "slug": "ponte-pietra", "address": "Via Ravennate 1", "town": "Cesena"}


def test_anyone_reads_published_hubs_only(cesena):
    with tenant_context(cesena):
        make_hub("pubblico", "Hub pubblicato", hours={1: [("09:00", "19:00")]})
        make_hub("bozza", "Hub in preparazione", published=False)
    response = cesena_api().get("hubs/")
    assert response.status_code == 200
    hubs = response.json()["results"]
    assert [h["name"] for h in hubs] == ["Hub pubblicato"]
    assert hubs[0]["opening_hours"][0]["weekday_label"] == "martedì"


def test_administrators_also_see_unpublished_hubs(cesena, cesena_admin):
    with tenant_context(cesena):
        make_hub("bozza", "Hub in preparazione", published=False)
    names = [h["name"] for h in cesena_api(cesena_admin).get("hubs/").json()["results"]]
    assert "Hub in preparazione" in names


def test_anonymous_write_is_refused_with_a_json_message(cesena):
    response = cesena_api().post("hubs/", NEW_HUB)
    assert response.status_code in (401, 403)
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


@pytest.mark.parametrize("who", ["citizen", "cesena_operator", "sarsina_admin"])
def test_people_without_the_role_here_cannot_write(cesena, who, request):
    user = request.getfixturevalue(who)
    response = cesena_api(user).post("hubs/", NEW_HUB)
    assert response.status_code == 403
    assert "amministratore di questo comune" in response.json()["detail"]
    with tenant_context(cesena):
        assert not Hub.objects.filter(slug="ponte-pietra").exists()


def test_administrator_creates_changes_and_deletes(cesena, cesena_admin):
    api = cesena_api(cesena_admin)
    created = api.post("hubs/", {**NEW_HUB, "latitude": 44.15, "longitude": 12.21})
    assert created.status_code == 201, created.json()
    hub_id = created.json()["id"]
    assert created.json()["latitude"] == 44.15

    changed = api.patch(f"hubs/{hub_id}/", {"is_published": True, "description": "Nuova sede"})
    assert changed.status_code == 200
    assert cesena_api().get(f"hubs/{hub_id}/").json()["description"] == "Nuova sede"

    assert api.delete(f"hubs/{hub_id}/").status_code == 204
    with tenant_context(cesena):
        assert not Hub.objects.filter(pk=hub_id).exists()


def test_administrator_writes_the_rows_of_a_hub(cesena, cesena_admin):
    with tenant_context(cesena):
        hub = make_hub()
    api = cesena_api(cesena_admin)
    assert (
        api.post(f"hubs/{hub.pk}/opening-hours/", {"weekday": 2, "opens": "09:00", "closes": "13:00"}).status_code
        == 201
    )
    assert api.post(f"hubs/{hub.pk}/closures/", {"starts_on": "2030-08-15", "ends_on": "2030-08-16"}).status_code == 201
    special = {"date": "2030-06-02", "opens": "10:00", "closes": "12:00", "note": "Festa"}
    assert api.post(f"hubs/{hub.pk}/special-openings/", special).status_code == 201
    # A photo is uploaded (multipart), never given as an address.
    photo = {"image": image_upload(), "alt_text": "La sala coworking con le finestre sul parco"}
    assert api.client.post(f"/api/v1/hubs/{hub.pk}/photos/", photo).status_code == 201

    body = cesena_api().get(f"hubs/{hub.pk}/").json()
    assert [(h["weekday"], h["opens"]) for h in body["opening_hours"]] == [(2, "09:00:00")]
    assert body["closures"][0]["starts_on"] == "2030-08-15"
    assert body["special_openings"][0]["note"] == "Festa"
    assert body["photos"][0]["alt_text"].startswith("La sala")
    assert re.fullmatch(r"/media/cesena/hubs/[0-9a-f]{32}\.webp", body["photos"][0]["url"])


def test_rows_of_a_hub_are_refused_without_the_role(cesena, citizen):
    with tenant_context(cesena):
        hub = make_hub()
    response = cesena_api(citizen).post(
        f"hubs/{hub.pk}/opening-hours/", {"weekday": 2, "opens": "09:00", "closes": "13:00"}
    )
    assert response.status_code == 403
