"""The API's two ways in, as OpenAPI security schemes (drf-spectacular extensions, loaded in apps.py).

- `oauth2`: the app's bearer token, from the authorization code flow with PKCE on the
  union site; each operation lists the scopes it needs (tenants/identity/bearer.py),
  and an operation closed to apps has no `oauth2` requirement.
- `cookieAuth`: the browser's session, with the CSRF token on writes.
"""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from oauth2_provider.settings import oauth2_settings

from tenants.comuni.selectors import union_url
from tenants.identity.bearer import required_scopes

OAUTH2_DESCRIPTION = (
    "Token dell'app dei cittadini (`Authorization: Bearer <token>`), valido su ogni comune. "
    "Si ottiene sul sito dell'Unione con il flusso *authorization code* e **PKCE obbligatorio** "
    "(`code_challenge_method=S256`; client pubblico, senza segreto): `GET /o/authorize/` con "
    "`client_id`, `redirect_uri`, `scope`, `state`, `code_challenge`; la persona accede e acconsente; "
    "poi `POST /o/token/` con `grant_type=authorization_code`, `code`, `redirect_uri`, `client_id`, "
    "`code_verifier`. Il token di accesso dura un'ora; il refresh token (`grant_type=refresh_token`) "
    "si usa una volta sola e ne restituisce uno nuovo. Revoca: `POST /o/revoke_token/`. "
    "Un token non valido, scaduto o revocato riceve 401; un token senza lo scope richiesto 403."
)
SESSION_DESCRIPTION = (
    "Sessione del browser dopo l'accesso al sito (cookie condiviso tra i siti dell'Unione). "
    "Le scritture chiedono anche il token CSRF (intestazione `X-CSRFToken`). Gli scope non si applicano."
)


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "tenants.identity.bearer.BearerTokenAuthentication"
    name = "oauth2"
    priority = 1  # before drf-spectacular's own extension for the toolkit's class

    def get_security_requirement(self, auto_schema):
        scopes = required_scopes(auto_schema.view, auto_schema.method)
        return None if scopes is None else {self.name: scopes}

    def get_security_definition(self, auto_schema):
        request = getattr(auto_schema.view, "request", None)

        def on_union(name):  # the authorization server is the union site, whichever host this schema is for
            return union_url(
                reverse(f"oauth2_provider:{name}", urlconf=settings.PUBLIC_SCHEMA_URLCONF), request=request
            )

        token_url = on_union("token")
        return {
            "type": "oauth2",
            "description": OAUTH2_DESCRIPTION,
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": on_union("authorize"),
                    "tokenUrl": token_url,
                    "refreshUrl": token_url,
                    "scopes": {name: str(text) for name, text in oauth2_settings.SCOPES.items()},
                }
            },
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "rest_framework.authentication.SessionAuthentication"
    name = "cookieAuth"
    priority = 1  # replaces drf-spectacular's own, to add the description

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": SESSION_DESCRIPTION,
        }
