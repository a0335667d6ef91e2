"""Too many requests: 429 with Retry-After, and the seconds in the request's language."""

import pytest

from tests.api_errors.contract import api_client, error_of

TEXT = {"it": "Troppe richieste: riprova tra 30 secondi.", "en": "Too many requests: try again in 30 seconds."}


@pytest.mark.parametrize("language", ["it", "en"])
def test_throttled_keeps_retry_after(cesena, settings, language):
    settings.ROOT_URLCONF = "tests.api_errors.urls"
    response = api_client(language).get("/api/prova/limite/")
    body = error_of(response, 429, "throttled")
    assert body["detail"] == TEXT[language]
    assert response["Retry-After"] == "30"
