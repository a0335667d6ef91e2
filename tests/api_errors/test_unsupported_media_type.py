"""A body in a format the API does not read: 415, in the request's language (DRF's own text)."""

import pytest

from tests.api_errors.contract import api_client, error_of

TEXT = {
    "it": 'Tipo di media "application/xml"non supportato.',  # sic: DRF's Italian catalogue
    "en": 'Unsupported media type "application/xml" in request.',
}


@pytest.mark.parametrize("language", ["it", "en"])
def test_xml_body_is_a_415(hub, citizen, language):
    response = api_client(language, citizen).post("/api/v1/bookings/", "<booking/>", content_type="application/xml")
    body = error_of(response, 415, "unsupported_media_type")
    assert body["detail"] == TEXT[language] and body["fields"] == {}
