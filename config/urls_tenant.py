"""A comune's site: <slug>.<union domain>, the comune's schema."""

from django.conf import settings
from django.urls import include, path, re_path

from config.api_schema import SchemaDocsView, SchemaView
from config.media import media
from src.common.admin import comune_admin
from src.portal import pwa, views
from src.portal.legal import legal
from src.portal.my_bookings import my_bookings

urlpatterns = [
    path("", views.home, name="comune_home"),
    path("valutazione/", views.page_rating, name="page_rating"),
    *pwa.pwa_urls(),  # manifest, service worker, offline page, favicon
    # Le mie prenotazioni: seats, appointments and events of the person in this comune.
    path("prenotazioni/", my_bookings, name="my_bookings"),
    path("account/", include("tenants.account.urls")),  # the personal area
    path("account/", include("tenants.identity.urls")),
    path("admin/", comune_admin.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("legale/<slug:page>/", legal, name="legal"),
    path("gestione/contratti/", include("tenants.operators.comune_urls")),  # the cooperatives' contracts
    path("", include("src.portal.reports")),  # the comune's reports: /statistiche/, /api/v1/reports/
    path("api/v1/", include("config.api_v1")),
    path("api/schema/", SchemaView.as_view(), name="api_schema"),
    # The split view serves its start-up script as a file (?script), not inline: the CSP allows no inline script.
    path("api/docs/", SchemaDocsView.as_view(url_name="api_schema"), name="api_docs"),
    path("", include("src.sensors.urls")),  # the kiosk screen, /hub/<slug>/aria/
    path("", include("src.portal.hub_urls")),
    path("", include("src.appointments.urls")),
    path("", include("src.bookings.urls")),
    path("", include("src.events.urls")),
    path("", include("src.payments.urls")),
    # Hub photos in development and tests (SERVE_MEDIA); nginx serves them in production.
    re_path(r"^media/(?P<path>.+)$", media, name="media"),
]

if settings.BENCH_FLOOR:  # benchmarks only (bench/floor/): last, so it resolves past every real route
    urlpatterns.append(path("api/v1/bench-floor/", include("bench.floor.urls")))

# Under /api/ these answer the API's JSON error; elsewhere Django's HTML pages (config/api.py).
handler400 = "config.api.bad_request"
handler403 = "config.api.permission_denied"
handler404 = "config.api.page_not_found"
handler500 = "config.api.server_error"
