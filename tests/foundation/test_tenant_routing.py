"""A request's host picks the comune; unknown hosts get a clear page, not a crash."""

from tests.conftest import host_client, page_text


def test_union_domain_lists_the_comuni(union_client):
    response = union_client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Comune di Cesena" in page and "Comune di Sarsina" in page
    assert 'href="http://cesena.localhost/"' in page


def test_each_comune_home_shows_its_own_name(cesena_client, sarsina_client):
    cesena_page = cesena_client.get("/").content.decode()
    sarsina_page = sarsina_client.get("/").content.decode()
    assert "Comune di Cesena" in cesena_page and "Sarsina" not in cesena_page
    assert "Comune di Sarsina" in sarsina_page and "Cesena" not in sarsina_page


def test_unknown_host_gets_a_404_page_that_says_why(db):
    response = host_client("atlantide.localhost").get("/")
    assert response.status_code == 404
    assert "Nessun comune dell'Unione risponde all'indirizzo atlantide.localhost" in page_text(response)


def test_host_outside_the_union_domain_is_refused(db):
    response = host_client("example.com").get("/")
    assert response.status_code == 400


def test_institutional_hostname_serves_its_comune(cesena, settings):
    from tenants.comuni.models import Domain

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "servizi.comune.cesena.fc.it"]
    Domain.objects.create(tenant=cesena, domain="servizi.comune.cesena.fc.it", is_primary=False)
    response = host_client("servizi.comune.cesena.fc.it").get("/")
    assert response.status_code == 200
    assert "Comune di Cesena" in response.content.decode()
    assert cesena.primary_domain == "cesena.localhost"


def test_english_is_available(cesena_client):
    response = cesena_client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Municipality of Cesena" in page_text(response)
