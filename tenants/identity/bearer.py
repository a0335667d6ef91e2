"""The API's bearer tokens, on every host: the token says who the person is and what the app may do.

Tokens live in the public schema, on the search path of every comune's request, so
a token issued by the union works on `<comune>.<union domain>` too.

- No `Authorization: Bearer` header: this class steps aside and the browser's
  session (SessionAuthentication, with its CSRF check) is tried as before.
- A bearer token that is unknown, expired, revoked or of a deactivated person: 401
  with `WWW-Authenticate: Bearer ... error="invalid_token"`; never a fall back to
  the session or to anonymous.
- A valid token is also checked against what the request needs, here, for every
  view whatever its permission classes (so a view that forgets to say is closed to
  tokens, not open): reading needs `read` unless the view names another scope; a
  write needs the scope the view names for that method in `token_scopes`, and a
  write whose view names none (an operator's or administrator's) is refused to apps.
  Refusals are 403 `insufficient_scope` (RFC 6750 §3.1).

Scopes bind tokens only: a session is the person at the browser, who may do all
their roles allow.
"""

from django.utils.translation import gettext_lazy as _
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS

from tenants.identity.oauth import READ

INVALID_TOKEN = _("Token di accesso non valido, scaduto o revocato: accedi di nuovo dall'app.")
NOT_FOR_APPS = _("Questa operazione non è disponibile alle app: va svolta dal sito, con il proprio account.")
MISSING_SCOPE = _("L'autorizzazione data all'app non comprende questa operazione (serve: %(scopes)s).")


def required_scopes(view, method: str) -> list[str] | None:
    """The scopes a token needs for `method` on `view`; None when no token may do it.

    A view declares its needs per HTTP method: `token_scopes = {"POST": [BOOKINGS]}`.
    """
    declared = getattr(view, "token_scopes", {}) or {}
    method = method.upper()
    if method in declared:
        return list(declared[method])
    if method in SAFE_METHODS:
        return [READ]
    return None


class InsufficientScope(exceptions.PermissionDenied):
    default_code = "insufficient_scope"

    def __init__(self, scopes: list[str] | None):
        if scopes is None:
            detail, challenge = NOT_FOR_APPS, 'Bearer realm="api",error="insufficient_scope"'
        else:
            detail = MISSING_SCOPE % {"scopes": " ".join(scopes)}
            challenge = f'Bearer realm="api",error="insufficient_scope",scope="{" ".join(scopes)}"'
        super().__init__(detail, code=self.default_code)
        # DRF's exception handler turns this into the WWW-Authenticate header.
        self.auth_header = challenge


def _has_bearer_header(request) -> bool:
    return request.META.get("HTTP_AUTHORIZATION", "").split(" ", 1)[0].lower() == "bearer"


class BearerTokenAuthentication(OAuth2Authentication):
    def authenticate(self, request):
        if not _has_bearer_header(request):
            return None  # a browser: the session decides, with its CSRF check
        result = super().authenticate(request)
        if result is None or not result[0].is_active:
            if not getattr(request, "oauth2_error", None):
                request.oauth2_error = {"error": "invalid_token"}
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        user, token = result
        # The view is known here (DRF hands it over in the parser context), so the
        # scope check covers every API view without each one having to ask for it.
        view = (getattr(request, "parser_context", None) or {}).get("view")
        needed = required_scopes(view, request.method)
        if needed is None or not token.allow_scopes(needed):
            raise InsufficientScope(needed)
        return user, token
