"""The citizens' app as a test client: PKCE, the consent page, the token endpoint, bearer calls.

Everything goes over HTTP with Django's test client, as the app would: the union
site (`localhost`) is the authorization server, the comuni's hosts the API.
"""

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client

from tenants.identity.oauth import app_client_register
from tests.bookings.conftest import build_hub, cowork, hub, in_cesena, seats, tomorrow  # noqa: F401
from tests.fixtures import UserFactory
from tests.signin import sign_in

REDIRECT_URI = "it.unionevallesavio.hub://oauth"
CLIENT_ID = "hub-app-test"
PASSWORD = "una-password-lunga-1"  # tests.fixtures.UserFactory's


def pkce_pair() -> tuple[str, str]:
    """A code verifier and its S256 challenge (RFC 7636 §4.1-4.2)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_url(scope: str, challenge: str | None, *, state="stato-123", method="S256", client_id=CLIENT_ID) -> str:
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": scope,
        "state": state,
    }
    if challenge is not None:
        params |= {"code_challenge": challenge, "code_challenge_method": method}
    return "/o/authorize/?" + urlencode(params)


def hidden_fields(html: str) -> dict[str, str]:
    """The consent form's hidden inputs, as the browser would send them back."""
    form = html[html.index('id="authorizationForm"') :]
    form = form[: form.index("</form>")]
    fields = {}
    for tag in re.findall(r"<input [^>]*>", form):
        if 'type="hidden"' in tag:
            name = re.search(r'name="([^"]*)"', tag).group(1)
            value = re.search(r'value="([^"]*)"', tag)
            fields[name] = unescape(value.group(1)) if value else ""
    return fields


def redirect_params(response) -> dict[str, str]:
    assert response.status_code == 302, response.content
    location = response["Location"]
    assert location.startswith(REDIRECT_URI + "?"), location
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def consent(browser: Client, scope: str, challenge: str, *, allow=True, method="S256") -> dict[str, str]:
    """As the signed-in person: open the consent page, answer it; the redirect's parameters."""
    page = browser.get(authorize_url(scope, challenge, method=method))
    assert page.status_code == 200, page.content
    answer = hidden_fields(page.content.decode()) | ({"allow": "1"} if allow else {})
    return redirect_params(browser.post("/o/authorize/", answer))


def token_request(**data):
    return Client(HTTP_HOST="localhost").post("/o/token/", data)


def code_for_token(code: str, verifier: str):
    return token_request(
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT_URI,
        client_id=CLIENT_ID,
        code_verifier=verifier,
    )


@dataclass
class Tokens:
    access: str
    refresh: str
    scope: str


def app_sign_in(person, scope="read bookings") -> Tokens:
    """The whole flow for `person` (signed in on the union already): the app's tokens."""
    browser = Client(HTTP_HOST="localhost")
    sign_in(browser, person)  # staff with their second factor (tests/signin.py)
    verifier, challenge = pkce_pair()
    code = consent(browser, scope, challenge)["code"]
    response = code_for_token(code, verifier)
    assert response.status_code == 200, response.content
    body = response.json()
    return Tokens(access=body["access_token"], refresh=body["refresh_token"], scope=body["scope"])


def bearer(host: str, token: str) -> Client:
    """The app: no session, no CSRF cookie, CSRF checked as in production; only the token."""
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Bearer {token}", enforce_csrf_checks=True)


@pytest.fixture
def app_client(db):
    return app_client_register(
        name="Hub Valle del Savio", redirect_uris=[REDIRECT_URI], client_id=CLIENT_ID
    ).application


@pytest.fixture
def person(db):
    return UserFactory(first_name="Giulia", last_name="Bianchi")
