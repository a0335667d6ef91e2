"""Nothing there: an unknown URL under /api/ (Django's 404, no DRF view) and an unknown object
(DRF's 404 and a view's own message) answer the same JSON; pages keep the HTML 404."""

import pytest

from tests.api_errors.contract import api_client, error_of

NOT_FOUND = {"it": "Non trovato.", "en": "Not found."}
NOT_YOURS = {"it": "Nessuna prenotazione con questo codice tra le tue.", "en": "None of your bookings has this code."}


@pytest.mark.parametrize("language", ["it", "en"])
@pytest.mark.parametrize("host", ["cesena.localhost", "localhost"])
def test_unknown_url_under_api(cesena, host, language):
    response = api_client(language, host=host).get("/api/v1/non-esiste/")
    body = error_of(response, 404, "not_found")
    assert body["detail"] == NOT_FOUND[language] and body["fields"] == {}


@pytest.mark.parametrize("language", ["it", "en"])
def test_unknown_object_found_by_get_object_or_404(hub, language):
    # Django's Http404 text is English and names the model: it never reaches the client.
    response = api_client(language).get("/api/v1/hubs/999999/")
    body = error_of(response, 404, "not_found")
    assert body["detail"] == NOT_FOUND[language]


@pytest.mark.parametrize("language", ["it", "en"])
def test_unknown_object_with_the_views_own_message(hub, citizen, language):
    response = api_client(language, citizen).get("/api/v1/bookings/ZZZZZZZZ/")
    body = error_of(response, 404, "not_found")
    assert body["detail"] == NOT_YOURS[language]


@pytest.mark.parametrize("host", ["cesena.localhost", "localhost"])
def test_an_unknown_page_stays_html(cesena, host):
    response = api_client("it", host=host).get("/pagina-che-non-esiste/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
