"""The catalogue is cached per comune: a change shows at once, and one comune's cache never answers for another."""

from django.db import connection

from src.hubs.models import Hub
from tests.hubs.api import cesena_api, sarsina_api
from tests.hubs.factories import make_hub


def names(api) -> list[str]:
    return [h["name"] for h in api.get("hubs/").json()["results"]]


def test_an_edit_through_the_api_shows_in_the_next_read(in_cesena, cesena_admin):
    hub = make_hub(slug="centro", name="Hub Centro")
    public = cesena_api()
    assert names(public) == ["Hub Centro"]  # now cached
    response = cesena_api(cesena_admin).patch(f"hubs/{hub.pk}/", {"name": "Hub Centro Storico"})
    assert response.status_code == 200, response.content
    assert names(public) == ["Hub Centro Storico"]
    assert public.get(f"hubs/{hub.pk}/").json()["name"] == "Hub Centro Storico"


def test_an_edit_in_the_database_layer_drops_the_cache(in_cesena):
    hub = make_hub(slug="centro", name="Hub Centro")
    assert names(cesena_api()) == ["Hub Centro"]
    connection.set_tenant(in_cesena)
    hub.is_published = False
    hub.save()  # the admin and the services save models: the signal drops the cache
    assert names(cesena_api()) == []


def test_each_comune_reads_its_own_catalogue(cesena, sarsina):
    connection.set_tenant(cesena)
    make_hub(slug="uno", name="Hub di Cesena")
    connection.set_tenant(sarsina)
    make_hub(slug="uno", name="Hub di Sarsina")
    connection.set_schema_to_public()
    # Same path, same query: the cache keys differ by the comune's schema.
    assert names(cesena_api()) == ["Hub di Cesena"]
    assert names(sarsina_api()) == ["Hub di Sarsina"]
    assert names(cesena_api()) == ["Hub di Cesena"]
    connection.set_tenant(sarsina)
    assert Hub.objects.get().name == "Hub di Sarsina"
