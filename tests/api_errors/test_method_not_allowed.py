"""A method the endpoint does not take: 405 with the Allow header, the message in the request's language."""

import pytest

from tests.api_errors.contract import api_client, error_of

TEXT = {"it": 'Metodo "DELETE" non consentito', "en": 'Method "DELETE" not allowed.'}  # DRF's catalogue


@pytest.mark.parametrize("language", ["it", "en"])
def test_delete_on_a_list_is_a_405(cesena, language):
    response = api_client(language).delete("/api/v1/events/")
    body = error_of(response, 405, "method_not_allowed")
    assert body["detail"] == TEXT[language] and body["fields"] == {}
    assert "GET" in response["Allow"]
