"""SPID and CIE through the union's OpenID Connect proxy: the platform is its relying party.

The union runs one SATOSA-based proxy that speaks SPID and CIE to the identity providers
and OpenID Connect to us. Authlib's Django client does the protocol: discovery, the
authorization code flow with PKCE (S256), `state` kept in the session and dropped on
first use (a replayed callback finds nothing), `nonce`, and the ID token checked against
the provider's JWKS: RS256 only, issuer, audience, expiry, nonce.

mozilla-django-oidc was the first choice, but its 5.0 verifies ID tokens without the
audience (`verify_aud: False`) or the issuer, has no discovery and reads one global
client from settings; Authlib checks all of that and lets a comune have its own client.

Every refusal is an `IdentityRefused` with a sentence for the person and an HTTP status;
the views draw it as a page, never a 500.
"""

import logging
import threading
from dataclasses import dataclass

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from joserfc.errors import JoseError

from tenants.identity.fiscal_code import normalize_fiscal_code, validate_fiscal_code
from tenants.identity.models import IdentityMethod

log = logging.getLogger(__name__)

FISCAL_NUMBER_PREFIX = "TINIT-"

UNREACHABLE = _("Il servizio di accesso con SPID e CIE non risponde. Riprova tra qualche minuto.")
STATE_INVALID = _(
    "Questa richiesta di accesso non è valida, è scaduta o è già stata usata. Riparti dalla pagina di accesso."
)
TOKEN_INVALID = _(
    "Non è stato possibile verificare l'identità restituita da SPID o CIE: l'accesso è stato rifiutato. "
    "Riparti dalla pagina di accesso."
)
CANCELLED = _("L'accesso con SPID o CIE è stato annullato o non è riuscito. Puoi riprovare dalla pagina di accesso.")
NO_FISCAL_CODE = _(
    "SPID o CIE non ci hanno comunicato un codice fiscale valido: senza non possiamo riconoscerti. "
    "Riprova, oppure accedi con e-mail e password."
)


class IdentityRefused(Exception):
    """A sign-in with SPID/CIE that cannot go on: `message` for the person, `status` for the page."""

    def __init__(self, message, status: int = 400):
        super().__init__(str(message))
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Identity:
    """What SPID/CIE vouched for, after the ID token was checked."""

    fiscal_code: str
    given_name: str
    family_name: str
    email: str
    method: str  # IdentityMethod: the button the person pressed
    subject: str


@dataclass(frozen=True)
class ClientConfig:
    discovery_url: str
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    timeout: int


def client_config(municipality=None) -> ClientConfig | None:
    """The client to use on this site: the comune's own if it has one, else the union's; None when off."""
    if not (settings.OIDC_DISCOVERY_URL and settings.OIDC_CLIENT_ID):
        return None
    own = settings.OIDC_COMUNE_CLIENTS.get(getattr(municipality, "slug", None) or "")
    client_id, secret = (
        (own["client_id"], own["client_secret"]) if own else (settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET)
    )
    scopes = settings.OIDC_SCOPES.split()
    if "openid" not in scopes:
        scopes.insert(0, "openid")
    return ClientConfig(
        discovery_url=settings.OIDC_DISCOVERY_URL,
        issuer=settings.OIDC_ISSUER,
        client_id=client_id,
        client_secret=secret,
        scopes=" ".join(scopes),
        timeout=settings.OIDC_TIMEOUT,
    )


def is_enabled(municipality=None) -> bool:
    return client_config(municipality) is not None


# One Authlib client per configuration, kept for the process: it caches the discovery
# document and the JWKS (fetched again when a token names an unknown key).
_clients: dict[ClientConfig, object] = {}
_clients_lock = threading.Lock()


def _client(config: ClientConfig):
    with _clients_lock:
        client = _clients.get(config)
        if client is None:
            oauth = OAuth()
            client_kwargs = {
                "scope": config.scopes,
                "code_challenge_method": "S256",
                "default_timeout": config.timeout,
            }
            if not config.client_secret:
                client_kwargs["token_endpoint_auth_method"] = "none"  # a public client: PKCE alone
            client = oauth.register(
                name="spid_cie",
                client_id=config.client_id,
                client_secret=config.client_secret or None,
                server_metadata_url=config.discovery_url,
                client_kwargs=client_kwargs,
            )
            _clients[config] = client
        return client


def _metadata(client, config: ClientConfig) -> dict:
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError) as error:
        log.warning("OIDC discovery failed: %s", error)
        raise IdentityRefused(UNREACHABLE, status=502)
    if config.issuer and metadata.get("issuer") != config.issuer:
        log.error("OIDC issuer mismatch: configured %r, discovered %r", config.issuer, metadata.get("issuer"))
        raise IdentityRefused(UNREACHABLE, status=502)
    # Whatever the provider advertises, we accept only these signatures (never "none" nor HMAC).
    metadata["id_token_signing_alg_values_supported"] = list(settings.OIDC_ID_TOKEN_ALGORITHMS)
    return metadata


def authorization_redirect(request, *, method: str, next_url: str, link_user_id: int | None = None) -> str:
    """Start the flow: keep state, nonce and PKCE verifier in the session; return the provider's URL."""
    config = client_config(getattr(request, "municipality", None))
    if config is None:
        raise IdentityRefused(_("L'accesso con SPID e CIE non è attivo su questo sito."), status=404)
    method = IdentityMethod(method)
    client = _client(config)
    _metadata(client, config)
    redirect_uri = request.build_absolute_uri(reverse("identity:oidc_callback"))
    params = {settings.OIDC_IDP_HINT_PARAM: method.value} if settings.OIDC_IDP_HINT_PARAM else {}
    if settings.OIDC_ACR_VALUES:
        params["acr_values"] = settings.OIDC_ACR_VALUES
    try:
        authorization = client.create_authorization_url(redirect_uri, **params)
    except (requests.RequestException, RuntimeError) as error:
        log.warning("OIDC authorization request failed: %s", error)
        raise IdentityRefused(UNREACHABLE, status=502)
    client.save_authorize_data(
        request,
        redirect_uri=redirect_uri,
        method=method.value,
        next=next_url,
        link_user_id=link_user_id,
        **authorization,
    )
    return authorization["url"]


def complete(request) -> tuple[Identity, dict]:
    """The provider's answer on our callback: the checked identity and what the flow started with."""
    config = client_config(getattr(request, "municipality", None))
    if config is None:
        raise IdentityRefused(_("L'accesso con SPID e CIE non è attivo su questo sito."), status=404)
    client = _client(config)
    state = request.GET.get("state")
    flow = client.framework.get_state_data(request.session, state) if state else None
    if not flow:
        raise IdentityRefused(STATE_INVALID, status=400)
    metadata = _metadata(client, config)
    claims_options = {
        "iss": {"essential": True, "value": metadata.get("issuer")},
        "aud": {"essential": True, "value": config.client_id},
    }
    try:
        # Drops the state from the session before anything else: a second use finds nothing.
        token = client.authorize_access_token(request, claims_options=claims_options)
    except OAuthError as error:
        log.info("OIDC callback refused: %s %s", error.error, error.description)
        if error.error == "mismatching_state":
            raise IdentityRefused(STATE_INVALID, status=400)
        if request.GET.get("error"):
            raise IdentityRefused(CANCELLED, status=400)
        raise IdentityRefused(TOKEN_INVALID, status=403)
    except (JoseError, ValueError) as error:
        log.warning("OIDC ID token refused: %r", error)
        raise IdentityRefused(TOKEN_INVALID, status=403)
    except requests.RequestException as error:
        log.warning("OIDC token request failed: %s", error)
        raise IdentityRefused(UNREACHABLE, status=502)
    if not token.get("userinfo"):
        log.warning("OIDC token response without an ID token")
        raise IdentityRefused(TOKEN_INVALID, status=403)
    claims = dict(token["userinfo"])
    claims = _with_userinfo(client, token, claims)
    return _identity(claims, method=flow.get("method", IdentityMethod.SPID)), flow


WANTED = ("given_name", "family_name", "email")


def _with_userinfo(client, token, claims: dict) -> dict:
    """Attributes the ID token lacks, from the userinfo endpoint (same subject, or refused)."""
    wanted = (settings.OIDC_FISCAL_NUMBER_CLAIM, *WANTED)
    if all(claims.get(name) for name in wanted) or not client.server_metadata.get("userinfo_endpoint"):
        return claims
    try:
        extra = client.userinfo(token=token)
    except requests.RequestException as error:
        log.warning("OIDC userinfo failed: %s", error)
        raise IdentityRefused(UNREACHABLE, status=502)
    if extra.get("sub") != claims.get("sub"):
        log.warning("OIDC userinfo for another subject")
        raise IdentityRefused(TOKEN_INVALID, status=403)
    return {**extra, **claims}  # what the signed ID token says wins


def fiscal_code_from_claim(value) -> str | None:
    """`TINIT-RSSMRA85T10A562S` → `RSSMRA85T10A562S`, checked; None when absent or not a valid code."""
    if not isinstance(value, str):
        return None
    code = normalize_fiscal_code(value)
    if code.startswith(FISCAL_NUMBER_PREFIX):
        code = code.removeprefix(FISCAL_NUMBER_PREFIX)
    try:
        validate_fiscal_code(code)
    except ValidationError:
        return None
    return code


def _identity(claims: dict, *, method: str) -> Identity:
    code = fiscal_code_from_claim(claims.get(settings.OIDC_FISCAL_NUMBER_CLAIM))
    if code is None:
        raise IdentityRefused(NO_FISCAL_CODE, status=403)
    email = claims.get("email")
    return Identity(
        fiscal_code=code,
        given_name=str(claims.get("given_name") or "")[:150],
        family_name=str(claims.get("family_name") or "")[:150],
        email=email.strip().lower() if isinstance(email, str) and "@" in email else "",
        method=IdentityMethod(method).value,
        subject=str(claims.get("sub", "")),
    )
