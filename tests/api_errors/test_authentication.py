"""Without signing in: 401 with the bearer challenge (the app's token comes first); without the role: 403. A sentence each."""

import pytest

from tests.api_errors.contract import api_client, error_of

NOT_SIGNED_IN = {
    "it": "Non sono state immesse le credenziali di autenticazione.",
    "en": "Authentication credentials were not provided.",
}
NOT_AN_OPERATOR = {
    "it": "Non sei tra gli operatori di questo hub.",
    "en": "You are not one of the operators of this hub.",
}


@pytest.mark.parametrize("language", ["it", "en"])
def test_anonymous_is_told_to_sign_in(hub, language):
    response = api_client(language).get("/api/v1/bookings/")
    body = error_of(response, 401, "not_authenticated")
    assert body["detail"] == NOT_SIGNED_IN[language] and body["fields"] == {}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize("language", ["it", "en"])
def test_signed_in_without_the_role_is_refused(hub, citizen, language):
    response = api_client(language, citizen).get("/api/v1/front-desk/sheet/", {"hub": hub.pk})
    body = error_of(response, 403, "permission_denied")
    assert body["detail"] == NOT_AN_OPERATOR[language]
