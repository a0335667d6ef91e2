"""The union site: bare union domain, public schema."""

from django.urls import include, path
from oauth2_provider import views as oauth

from config.api_schema import SchemaDocsView, SchemaView
from src.payments.webhooks import stripe_webhook
from src.portal import pwa
from src.portal.legal import legal
from tenants.account import api as account_api
from tenants.firms import api as firms_api
from tenants.identity import oauth as identity_oauth
from tenants.union import api as union_api
from tenants.union import views
from tenants.union.admin import union_admin

# The OAuth 2.0 authorization server of the citizens' app (django-oauth-toolkit): only the
# endpoints a client needs. Not the toolkit's pages where any signed-in person could register
# applications, nor its device, OpenID Connect or dynamic registration endpoints.
oauth_patterns = (
    [
        # The consent page: the toolkit's, its CSP form-action widened to the app's redirect URI.
        path("o/authorize/", identity_oauth.ConsentView.as_view(), name="authorize"),
        path("o/token/", oauth.TokenView.as_view(), name="token"),
        path("o/revoke_token/", oauth.RevokeTokenView.as_view(), name="revoke-token"),
        path("o/introspect/", oauth.IntrospectTokenView.as_view(), name="introspect"),
        # RFC 8414 metadata, where app libraries (AppAuth) look for the endpoints.
        path(
            ".well-known/oauth-authorization-server",
            oauth.OAuthServerMetadataView.as_view(),
            name="oauth-server-metadata",
        ),
    ],
    "oauth2_provider",  # the namespace the toolkit reverses its own URLs in
)

urlpatterns = [
    path("", views.home, name="union_home"),
    path("hub/", views.hubs, name="union_hubs"),
    *pwa.pwa_urls(),  # manifest, service worker, offline page, favicon
    path("le-mie-prenotazioni/", views.my_bookings, name="union_my_bookings"),
    path("account/", include("tenants.account.urls")),  # the personal area
    path("account/", include("tenants.identity.urls")),
    path("admin/", union_admin.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("legale/<slug:page>/", legal, name="legal"),
    path("statistiche/", include("tenants.reporting.urls")),
    path("cooperativa/", include("tenants.operators.urls")),
    path("aziende/", include("tenants.firms.urls")),
    path("", include(oauth_patterns)),
    path("api/v1/reports/", include("tenants.reporting.api_urls")),
    path("api/v1/me/export/", account_api.MyDataExportView.as_view(), name="api_me_export"),
    # One Stripe webhook endpoint for the platform and the connected accounts (src/payments/webhooks.py).
    path("pagamenti/stripe/webhook/", stripe_webhook, name="stripe_webhook"),
    path("api/v1/firms/", firms_api.FirmListView.as_view(), name="api_firms"),
    path("api/v1/firms/<int:firm_id>/people/", firms_api.FirmPeopleView.as_view(), name="api_firm_people"),
    path("api/v1/firms/<int:firm_id>/pscl/", firms_api.FirmPsclView.as_view(), name="api_firm_pscl"),
    path("api/v1/hubs/", union_api.HubListView.as_view(), name="union_api_hubs"),
    path("api/v1/me/", union_api.ProfileView.as_view(), name="union_api_me"),
    path("api/v1/me/bookings/", union_api.MyBookingsView.as_view(), name="union_api_my_bookings"),
    path("api/v1/push/", include("tenants.webpush.urls")),  # web push: VAPID key, browser subscriptions
    path(
        "api/schema/",
        SchemaView.as_view(
            urlconf="config.urls_public",  # not ROOT_URLCONF, which is the comuni's
            custom_settings={
                "TITLE": "Hub di comunità - Unione Valle del Savio (sito dell'Unione)",
                "DESCRIPTION": (
                    "API del sito dell'Unione per l'app dei cittadini: tutti gli hub dei comuni, "
                    "le prenotazioni della persona in ogni comune, il suo profilo. Prenotare si fa "
                    "sull'API di ciascun comune (`api` di ogni hub), con lo stesso token."
                ),
            },
        ),
        name="api_schema",
    ),
    # The split view serves its start-up script as a file (?script), not inline: the CSP allows no inline script.
    path("api/docs/", SchemaDocsView.as_view(url_name="api_schema"), name="api_docs"),
]

# Under /api/ these answer the API's JSON error; elsewhere Django's HTML pages (config/api.py).
handler400 = "config.api.bad_request"
handler403 = "config.api.permission_denied"
handler404 = "config.api.page_not_found"
handler500 = "config.api.server_error"
