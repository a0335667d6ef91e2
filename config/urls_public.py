"""The union site: bare union domain, public schema."""

from django.urls import include, path

from src.portal.legal import legal
from tenants.account import api as account_api
from tenants.union import views
from tenants.union.admin import union_admin

urlpatterns = [
    path("", views.home, name="union_home"),
    path("hub/", views.hubs, name="union_hubs"),
    path("le-mie-prenotazioni/", views.my_bookings, name="union_my_bookings"),
    path("account/", include("tenants.account.urls")),  # the personal area
    path("account/", include("tenants.identity.urls")),
    path("admin/", union_admin.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("legale/<slug:page>/", legal, name="legal"),
    path("statistiche/", include("tenants.reporting.urls")),
    path("api/v1/reports/", include("tenants.reporting.api_urls")),
    path("api/v1/me/export/", account_api.MyDataExportView.as_view(), name="api_me_export"),
]

# Under /api/ these answer the API's JSON error; elsewhere Django's HTML pages (config/api.py).
handler400 = "config.api.bad_request"
handler403 = "config.api.permission_denied"
handler404 = "config.api.page_not_found"
handler500 = "config.api.server_error"
