"""The API's error contract, checked the same way by every test of this folder."""

from django.test import Client

from tests.signin import sign_in


def api_client(language: str, user=None, host: str = "cesena.localhost", **defaults) -> Client:
    """A client on a comune's (or the union's) host that asks for `language` (Accept-Language)."""
    client = Client(HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE=language, **defaults)
    if user is not None:
        sign_in(client, user)  # staff with their second factor (tests/signin.py)
    return client


def error_of(response, status: int, code: str) -> dict:
    """The body of an API error, once it is known to be one: JSON, the status, the code, the three keys."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json", response["Content-Type"]
    body = response.json()
    assert set(body) == {"detail", "code", "fields"}, body
    assert isinstance(body["detail"], str) and body["detail"], body
    assert isinstance(body["fields"], dict), body
    assert body["code"] == code, body
    return body
