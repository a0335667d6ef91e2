"""SPID/CIE sign-in against a real OpenID Connect provider on localhost (tests/identity/provider.py)."""

import base64
import json
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from django.core import mail
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from tenants.identity.fiscal_code import check_character
from tenants.identity.models import User
from tests.conftest import host_client, page_text
from tests.fixtures import UserFactory
from tests.identity.provider import s256

FISCAL = "https://attributes.eid.gov.it/fiscal_number"
CODE = "RSSMRA85T10A562S"
OTHER_CODE = "VRDGLI90A41C573" + check_character("VRDGLI90A41C573")
CALLBACK = "http://cesena.localhost/account/spid/ritorno/"


def claims(code=CODE, **extra):
    return {
        "given_name": "Mario",
        "family_name": "Rossi",
        "email": "mario.rossi@example.org",
        FISCAL: f"TINIT-{code}",
    } | extra


def start(client, method="spid", next_url=None):
    query = {"metodo": method} | ({"next": next_url} if next_url else {})
    response = client.get("/account/spid/entra/", query)
    assert response.status_code == 302, page_text(response)
    return response["Location"]


def with_params(url: str, **changes) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query)) | changes
    return urlunsplit(parts._replace(query=urlencode(query)))


def callback_path(location: str) -> str:
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == CALLBACK
    return f"{parts.path}?{parts.query}"


def sign_in(client, provider, *, sub="spid-mario", user_claims=None, method="spid", next_url=None):
    provider.set_user(sub, user_claims or claims())
    location = provider.authorize(start(client, method, next_url), sub)
    return client.get(callback_path(location))


def signed_in(client) -> User | None:
    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk) if pk else None


# --- configuration --------------------------------------------------------------------------


def test_off_by_default_buttons_hidden_routes_answer_a_clear_page(cesena, oidc_off):
    client = host_client("cesena.localhost")
    login = page_text(client.get("/account/accedi/"))
    assert "Entra con SPID" not in login and "Entra con CIE" not in login
    for path in ("/account/spid/entra/?metodo=spid", "/account/spid/ritorno/?code=x&state=y"):
        response = client.get(path)
        assert response.status_code == 404
        assert "L'accesso con SPID e CIE non è attivo su questo sito" in page_text(response)


def test_login_page_draws_both_buttons_with_local_assets(cesena, oidc):
    html = host_client("localhost").get("/account/accedi/?next=/eventi/").content.decode()
    assert "Entra con SPID" in html and "Entra con CIE" in html
    assert "/account/spid/entra/?metodo=spid&amp;next=/eventi/" in html
    assert "/account/spid/entra/?metodo=cie&amp;next=/eventi/" in html
    assert "/static/site/img/spid-ico-circle-bb.svg" in html and "/static/site/img/cie-ico.svg" in html
    assert "btn-spid-cie" in html


def test_discovery_then_a_code_request_with_pkce_state_nonce_and_the_button_pressed(cesena, oidc):
    client = host_client("cesena.localhost")
    url = start(client, "cie")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{oidc.url}/oauth2/authorize"  # from discovery
    params = dict(parse_qsl(parts.query))
    assert params["response_type"] == "code"
    assert params["client_id"] == "hub-valle-savio"
    assert params["redirect_uri"] == CALLBACK
    assert params["scope"].split()[0] == "openid"
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    assert len(params["state"]) >= 20 and len(params["nonce"]) >= 20
    assert params["idp_hint"] == "cie"
    assert dict(parse_qsl(urlsplit(start(client, "spid")).query))["idp_hint"] == "spid"


def test_a_comune_may_have_its_own_client(cesena, sarsina, oidc, settings):
    settings.OIDC_COMUNE_CLIENTS = {"cesena": {"client_id": "hub-cesena", "client_secret": "altro"}}
    assert dict(parse_qsl(urlsplit(start(host_client("cesena.localhost"))).query))["client_id"] == "hub-cesena"
    assert dict(parse_qsl(urlsplit(start(host_client("sarsina.localhost"))).query))["client_id"] == "hub-valle-savio"


def test_an_unreachable_provider_is_a_clear_page_not_a_500(cesena, oidc, settings):
    settings.OIDC_DISCOVERY_URL = "http://localhost:9/.well-known/openid-configuration"
    response = host_client("cesena.localhost").get("/account/spid/entra/?metodo=spid")
    assert response.status_code == 502
    assert "Il servizio di accesso con SPID e CIE non risponde" in page_text(response)


# --- accounts -------------------------------------------------------------------------------


def test_first_spid_sign_in_creates_the_account_with_a_verified_fiscal_code(cesena, oidc):
    client = host_client("cesena.localhost")
    response = sign_in(client, oidc, next_url="/eventi/")
    assert response.status_code == 302 and response["Location"] == "/eventi/"
    person = signed_in(client)
    assert person.fiscal_code_verified == CODE and person.fiscal_code_verified_by == "spid"
    assert person.fiscal_code_verified_at is not None
    assert person.fiscal_code is None  # the hand-typed field stays the person's own
    assert (person.first_name, person.last_name, person.email) == ("Mario", "Rossi", "mario.rossi@example.org")
    assert person.email_verified and not person.has_usable_password()
    # The provider saw the PKCE verifier of the challenge it was given, and checked it.
    exchange = oidc.token_requests[-1]
    assert exchange["grant_type"] == "authorization_code" and exchange["redirect_uri"] == CALLBACK
    assert len(exchange["code_verifier"]) >= 43
    assert "Hai effettuato l'accesso con SPID" in page_text(client.get("/eventi/"))


def test_the_second_sign_in_finds_the_same_account_also_with_cie(cesena, sarsina, oidc):
    sign_in(host_client("cesena.localhost"), oidc)
    again = host_client("sarsina.localhost")
    provider_claims = claims(given_name="MARIO", email="altro@example.org")
    oidc.set_user("cie-mario", provider_claims)
    location = oidc.authorize(start(again, "cie"), "cie-mario")
    parts = urlsplit(location)
    response = again.get(f"{parts.path}?{parts.query}")
    assert response.status_code == 302
    assert User.objects.filter(fiscal_code_verified=CODE).count() == User.objects.count() == 1
    person = signed_in(again)
    assert person.fiscal_code_verified_by == "cie" and person.first_name == "MARIO"
    assert person.email == "mario.rossi@example.org"  # the account's address is not replaced


def test_an_account_with_the_same_hand_typed_code_is_not_taken_over(cesena, oidc):
    typed = UserFactory(email="chiunque@example.org", fiscal_code=CODE)
    client = host_client("cesena.localhost")
    assert sign_in(client, oidc).status_code == 302
    person = signed_in(client)
    assert person.pk != typed.pk and person.fiscal_code_verified == CODE
    typed.refresh_from_db()
    assert typed.fiscal_code_verified is None and typed.fiscal_code == CODE


def test_an_email_account_is_not_taken_over_by_the_email_claim(cesena, oidc):
    owner = UserFactory(email="mario.rossi@example.org")
    client = host_client("cesena.localhost")
    response = sign_in(client, oidc)
    assert response.status_code == 409
    text = page_text(response)
    assert "Esiste già un account con l'indirizzo e-mail mario.rossi@example.org" in text
    assert "Collega SPID/CIE" in text
    assert signed_in(client) is None
    owner.refresh_from_db()
    assert owner.fiscal_code_verified is None and User.objects.count() == 1


def test_no_email_claim_asks_for_an_address_then_creates_the_account(cesena, oidc):
    client = host_client("cesena.localhost")
    no_email = {k: v for k, v in claims().items() if k != "email"}
    response = sign_in(client, oidc, sub="cie-senza-email", user_claims=no_email, method="cie")
    assert response.status_code == 302 and response["Location"] == "/account/spid/email/"
    assert signed_in(client) is None
    page = client.get("/account/spid/email/")
    assert "CIE ha confermato chi sei" in page_text(page)
    response = client.post("/account/spid/email/", {"email": "Mario@Example.org"})
    assert response.status_code == 302
    person = signed_in(client)
    assert person.email == "mario@example.org" and person.fiscal_code_verified == CODE
    assert not person.email_verified  # typed, not vouched for: a link is on its way
    assert mail.outbox[-1].to == ["mario@example.org"] and "/account/email/conferma/" in mail.outbox[-1].body


def test_a_missing_or_invalid_fiscal_number_is_refused(cesena, oidc):
    client = host_client("cesena.localhost")
    response = sign_in(client, oidc, sub="spid-cf-errato", user_claims=claims(code="RSSMRA85T10A562T"))
    assert response.status_code == 403
    assert "non ci hanno comunicato un codice fiscale valido" in page_text(response)
    assert User.objects.count() == 0


# --- linking an e-mail account ---------------------------------------------------------------


def link(client, provider, *, sub="spid-mario", user_claims=None):
    provider.set_user(sub, user_claims or claims())
    response = client.post("/account/identita/", {"metodo": "spid"})
    assert response.status_code == 302, page_text(response)
    return client.get(callback_path(provider.authorize(response["Location"], sub)))


def test_a_signed_in_email_account_links_spid(cesena, oidc):
    person = UserFactory(email="mario.rossi@example.org", first_name="Marietto")
    client = host_client("cesena.localhost", person)
    response = link(client, oidc)
    assert response.status_code == 302 and response["Location"] == "/account/identita/"
    person.refresh_from_db()
    assert person.fiscal_code_verified == CODE and person.first_name == "Mario"
    assert User.objects.count() == 1 and signed_in(client) == person
    assert "il tuo account è collegato alla tua identità SPID/CIE" in page_text(client.get("/account/identita/"))
    # From now on SPID alone finds it.
    again = host_client("cesena.localhost")
    sign_in(again, oidc)
    assert signed_in(again) == person


def test_linking_is_refused_when_another_account_holds_the_code(cesena, oidc):
    sign_in(host_client("cesena.localhost"), oidc)  # the SPID account
    other = UserFactory(email="secondo@example.org")
    client = host_client("cesena.localhost", other)
    response = link(client, oidc)
    assert response.status_code == 409
    assert "Questa identità SPID/CIE è già collegata a un altro account" in page_text(response)
    other.refresh_from_db()
    assert other.fiscal_code_verified is None


def test_an_account_linked_to_one_identity_does_not_take_a_second(cesena, oidc):
    person = UserFactory(email="mario.rossi@example.org")
    client = host_client("cesena.localhost", person)
    link(client, oidc)
    response = link(client, oidc, sub="spid-altra", user_claims=claims(code=OTHER_CODE))
    assert response.status_code == 409 and "già collegato a un'altra identità" in page_text(response)
    person.refresh_from_db()
    assert person.fiscal_code_verified == CODE


# --- refusals: a clear page, never a 500 -----------------------------------------------------


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _payload(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _header(token: str) -> dict:
    part = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def payload_altered(answer):
    """Someone in the middle changes the fiscal code and keeps the provider's signature."""
    header, _, signature = answer["id_token"].split(".")
    payload = _payload(answer["id_token"]) | {FISCAL: f"TINIT-{OTHER_CODE}"}
    return answer | {"id_token": f"{header}.{_b64(payload)}.{signature}"}


def signed_with_another_key(answer):
    """A token built by someone else: right claims and key id, another RSA key."""
    header = _header(answer["id_token"])
    forged = jwt.encode(header, _payload(answer["id_token"]), RSAKey.generate_key(2048))
    return answer | {"id_token": forged}


def signed_with_hmac(answer):
    """Algorithm confusion: HS256 with the client secret (which the attacker may not even need)."""
    header = {k: v for k, v in _header(answer["id_token"]).items() if k != "alg"} | {"alg": "HS256"}
    forged = jwt.encode(header, _payload(answer["id_token"]), OctKey.import_key("segreto-del-client"))
    return answer | {"id_token": forged}


def without_id_token(answer):
    return {k: v for k, v in answer.items() if k != "id_token"}


@pytest.mark.parametrize("tamper", [payload_altered, signed_with_another_key, signed_with_hmac, without_id_token])
def test_a_tampered_id_token_is_refused(cesena, oidc, tamper):
    oidc.tamper = tamper
    client = host_client("cesena.localhost")
    response = sign_in(client, oidc)
    assert response.status_code == 403
    assert "Non è stato possibile verificare l'identità restituita da SPID o CIE" in page_text(response)
    assert signed_in(client) is None and User.objects.count() == 0


def test_a_token_for_another_client_is_refused(cesena, oidc, settings):
    client = host_client("cesena.localhost")
    oidc.set_user("spid-mario", claims())
    url = start(client)
    # The browser is sent to the provider as another client: the ID token's audience is not ours.
    location = oidc.authorize(with_params(url, client_id="un-altro-servizio"), "spid-mario")
    response = client.get(callback_path(location))
    assert response.status_code == 403 and signed_in(client) is None


def test_a_wrong_nonce_is_refused(cesena, oidc):
    client = host_client("cesena.localhost")
    oidc.set_user("spid-mario", claims())
    url = start(client)
    location = oidc.authorize(with_params(url, nonce="un-nonce-non-nostro-1234567890"), "spid-mario")
    response = client.get(callback_path(location))
    assert response.status_code == 403
    assert "Non è stato possibile verificare l'identità" in page_text(response)
    assert signed_in(client) is None and User.objects.count() == 0


def test_a_code_without_its_pkce_verifier_is_refused_by_the_provider_and_so_by_us(cesena, oidc):
    client = host_client("cesena.localhost")
    oidc.set_user("spid-mario", claims())
    url = start(client)
    # An intercepted code, requested with the attacker's challenge: our verifier does not match.
    location = oidc.authorize(with_params(url, code_challenge=s256("x" * 64)), "spid-mario")
    response = client.get(callback_path(location))
    assert response.status_code == 403 and signed_in(client) is None
    assert oidc.token_requests[-1]["code_verifier"]


def test_a_replayed_state_is_refused(cesena, oidc):
    client = host_client("cesena.localhost")
    oidc.set_user("spid-mario", claims())
    path = callback_path(oidc.authorize(start(client), "spid-mario"))
    assert client.get(path).status_code == 302
    client.post("/account/esci/")
    replay = client.get(path)
    assert replay.status_code == 400
    assert "non è valida, è scaduta o è già stata usata" in page_text(replay)
    assert signed_in(client) is None
    # Nor does a callback work in a browser that never started the flow.
    stranger = host_client("cesena.localhost").get(path)
    assert stranger.status_code == 400 and "già stata usata" in page_text(stranger)


def test_a_cancelled_sign_in_at_the_provider_is_a_clear_page(cesena, oidc):
    client = host_client("cesena.localhost")
    state = dict(parse_qsl(urlsplit(start(client)).query))["state"]
    response = client.get("/account/spid/ritorno/", {"error": "access_denied", "state": state})
    assert response.status_code == 400
    assert "è stato annullato o non è riuscito" in page_text(response)
