"""A bug under /api/: 500 JSON "server_error", no traceback; pages keep the HTML 500 page."""

import pytest

from tests.api_errors.contract import api_client, error_of

TEXT = {"it": "Errore interno del server: riprova più tardi.", "en": "Internal server error: please try again later."}


@pytest.mark.parametrize("path", ["/api/prova/rotto/", "/api/prova/rotto-django/"])
@pytest.mark.parametrize("language", ["it", "en"])
def test_a_crash_under_api_is_a_json_500(cesena, settings, path, language):
    settings.ROOT_URLCONF = "tests.api_errors.urls"
    response = api_client(language, raise_request_exception=False).get(path)
    assert error_of(response, 500, "server_error") == {"detail": TEXT[language], "code": "server_error", "fields": {}}
    assert b"traceback" not in response.content and b"RuntimeError" not in response.content


def test_a_crash_on_a_page_stays_html(cesena, settings):
    settings.ROOT_URLCONF = "tests.api_errors.urls"
    response = api_client("it", raise_request_exception=False).get("/prova/rotto/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
