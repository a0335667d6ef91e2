"""The consent page's Content-Security-Policy lets its form reach the app's redirect URI, and only
that one: Chromium checks a form's redirects against form-action, so without it "Autorizza"
would stop at a blocked page instead of returning to the app."""

from django.test import Client

from tenants.identity.oauth import app_client_register
from tests.oauth.conftest import authorize_url, hidden_fields, pkce_pair, redirect_params
from tests.security.test_content_security_policy import assert_protected, directives


def _signed_in(person) -> Client:
    browser = Client(HTTP_HOST="localhost")
    browser.force_login(person)
    return browser


def test_the_consent_form_may_go_back_to_the_app(app_client, person):
    browser = _signed_in(person)
    _verifier, challenge = pkce_pair()
    page = browser.get(authorize_url("read", challenge))
    policy = assert_protected(page)
    assert policy["form-action"][-1] == "it.unionevallesavio.hub:"
    # And the answer is the redirect that source allows.
    answer = hidden_fields(page.content.decode()) | {"allow": "1"}
    assert "code" in redirect_params(browser.post("/o/authorize/", answer))


def test_a_loopback_client_gets_its_own_port_only(db, person):
    app_client_register(name="Strumento di prova", redirect_uris=["http://127.0.0.1/callback"], client_id="loop")
    _verifier, challenge = pkce_pair()
    url = authorize_url("read", challenge, client_id="loop").replace(
        "it.unionevallesavio.hub%3A%2F%2Foauth", "http%3A%2F%2F127.0.0.1%3A53127%2Fcallback"
    )
    page = _signed_in(person).get(url)
    assert page.status_code == 200, page.content[:300]
    assert directives(page)["form-action"][-1] == "http://127.0.0.1:53127"


def test_an_unregistered_redirect_uri_widens_nothing(app_client, person):
    _verifier, challenge = pkce_pair()
    url = authorize_url("read", challenge).replace("it.unionevallesavio.hub", "evil.example")
    page = _signed_in(person).get(url)
    header = page["Content-Security-Policy"]
    assert "evil" not in header and "it.unionevallesavio.hub:" not in header
    assert directives(page)["form-action"][0] == "'self'"
