"""The union as OAuth 2.0 authorization server of the citizens' app (django-oauth-toolkit).

The app is a public client (a native app keeps no secret): it signs the person in
with the authorization code grant and PKCE (S256) on the union site (/o/authorize/,
/o/token/), and calls the API of every comune with the access token, which lives in
the public schema. What a token may do is its scopes (the descriptions are in
settings.OAUTH2_PROVIDER["SCOPES"]); tenants/identity/bearer.py checks them.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)
from oauth2_provider.views import AuthorizationView

from tenants.comuni.selectors import union_url

# The scopes an app may ask for. A view names what its writes need (`token_scopes`);
# reading needs READ unless the view says otherwise.
READ = "read"  # the person's own bookings, appointments, registrations; the catalogues
BOOKINGS = "bookings"  # book, cancel, check in, waitlist, register to events, in the person's name
PROFILE = "profile"  # the person's profile (GET /api/v1/me/ on the union)
EXPORT = "export"  # a copy of all the person's data


@dataclass(frozen=True)
class AppClientResult:
    application: object
    created: bool


@transaction.atomic
def app_client_register(*, name: str, redirect_uris: list[str], client_id: str | None = None) -> AppClientResult:
    """Register (or update, found by `client_id`) a public app client: code grant with PKCE, no secret.

    Never `skip_authorization`: the person sees the consent page once per set of scopes.
    The client secret is left to the toolkit (a random value, stored hashed and never
    shown): an empty one would let anybody who knows the client id pass as the client.
    """
    Application = get_application_model()
    fields = {
        "name": name,
        "redirect_uris": " ".join(redirect_uris),
        "client_type": Application.CLIENT_PUBLIC,
        "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
        "skip_authorization": False,
    }
    application = Application.objects.filter(client_id=client_id).first() if client_id else None
    created = application is None
    if created:
        application = Application(**fields, **({"client_id": client_id} if client_id else {}))
    else:
        for field, value in fields.items():
            setattr(application, field, value)
    application.full_clean(exclude=["client_secret"])
    application.save()
    return AppClientResult(application=application, created=created)


def app_client_summary(application) -> list[str]:
    """What an app's developer needs to configure it, one line each."""

    def endpoint(name):
        return union_url(reverse(f"oauth2_provider:{name}", urlconf=settings.PUBLIC_SCHEMA_URLCONF))

    return [
        f"client_id      {application.client_id}",
        "client type    public (no secret): authorization code with PKCE (S256)",
        f"redirect URIs  {application.redirect_uris}",
        f"authorize      {endpoint('authorize')}",
        f"token          {endpoint('token')}",
        f"revoke         {endpoint('revoke-token')}",
        f"scopes         {' '.join(settings.OAUTH2_PROVIDER['SCOPES'])}",
    ]


def redirect_uri_source(uri: str) -> str | None:
    """The Content-Security-Policy source that lets a form's redirect reach `uri`: the app's
    private-use scheme (`it.unionevallesavio.hub:`), or the origin of an http(s) redirect URI."""
    parts = urlsplit(uri or "")
    scheme = parts.scheme.lower()
    if not scheme:
        return None
    if scheme in ("http", "https"):
        return f"{scheme}://{parts.netloc}" if parts.netloc else None
    return f"{scheme}:"


class ConsentView(AuthorizationView):
    """The toolkit's consent page. Its form posts here, and the answer is a redirect to the
    app's redirect URI, which the CSP's form-action must allow (Chromium checks a form's
    redirects too): this page's policy adds that URI, once the toolkit has checked that the
    app registered it."""

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        form = context.get("form")
        if form is None:
            return response
        client_id = form["client_id"].value()
        redirect_uri = form["redirect_uri"].value()
        application = get_application_model().objects.filter(client_id=client_id).first() if client_id else None
        source = redirect_uri_source(redirect_uri) if redirect_uri else None
        if application is not None and source and application.redirect_uri_allowed(redirect_uri):
            response._csp_update = {"form-action": [source]}  # what django-csp's @csp_update sets
        return response


def app_tokens_revoke(user, *, now) -> None:
    """Every app the person let in must ask again (sign-out everywhere): refresh tokens revoked,
    as the toolkit's own revocation leaves them, access and ID tokens and unused codes deleted."""
    get_refresh_token_model().objects.filter(user=user, revoked__isnull=True).update(revoked=now)
    get_access_token_model().objects.filter(user=user).delete()
    get_id_token_model().objects.filter(user=user).delete()
    get_grant_model().objects.filter(user=user).delete()
