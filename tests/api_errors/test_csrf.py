"""A write without the CSRF token: under /api/ the API's JSON error with code "csrf"; pages keep Django's page."""

import pytest

from tests.api_errors.contract import api_client, error_of

CSRF = {
    "it": "Verifica di sicurezza (CSRF) non riuscita: ricarica la pagina e riprova.",
    "en": "Security check (CSRF) failed: reload the page and try again.",
}


@pytest.mark.parametrize("language", ["it", "en"])
def test_drf_session_authentication_refusal(hub, citizen, language):
    # DRF checks CSRF itself, for signed-in sessions only, and says so in English: "CSRF Failed: ...".
    client = api_client(language, citizen, enforce_csrf_checks=True)
    response = client.post("/api/v1/bookings/", {}, content_type="application/json")
    body = error_of(response, 403, "csrf")
    assert body["detail"] == CSRF[language] and body["fields"] == {}


@pytest.mark.parametrize("language", ["it", "en"])
def test_djangos_own_check_on_a_plain_view_under_api(cesena, settings, language):
    settings.ROOT_URLCONF = "tests.api_errors.urls"
    response = api_client(language, enforce_csrf_checks=True).post("/api/prova/modulo/", {"a": "1"})
    body = error_of(response, 403, "csrf")
    assert body["detail"] == CSRF[language]


def test_a_page_keeps_djangos_html_refusal(cesena):
    response = api_client("it", enforce_csrf_checks=True).post("/account/accedi/", {"username": "x"})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
