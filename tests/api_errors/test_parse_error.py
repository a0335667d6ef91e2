"""A body that is not JSON, or no data at all: 400 with a readable sentence, not Python's parser error."""

import pytest

from tests.api_errors.contract import api_client, error_of

# Our JSON parser (src/common/parsers.py) says where the JSON breaks.
MALFORMED = {
    "it": "Il corpo della richiesta non è un JSON valido (riga 1, colonna 2).",
    "en": "The body of the request is not valid JSON (line 1, column 2).",
}
NO_DATA = {"it": "Nessun dato ricevuto.", "en": "No data received."}


@pytest.mark.parametrize("language", ["it", "en"])
def test_malformed_json_is_a_400_parse_error(hub, citizen, language):
    response = api_client(language, citizen).post("/api/v1/bookings/", "{non è json", content_type="application/json")
    body = error_of(response, 400, "parse_error")
    assert body == {"detail": MALFORMED[language], "code": "parse_error", "fields": {}}


@pytest.mark.parametrize("language", ["it", "en"])
def test_a_null_body_says_no_data_in_the_language_asked(hub, citizen, language):
    # DRF's own "No data provided" has no translation.
    response = api_client(language, citizen).post("/api/v1/bookings/", "null", content_type="application/json")
    body = error_of(response, 400, "invalid")
    assert body["detail"] == NO_DATA[language] and body["fields"] == {}
