"""A comune's site: <slug>.<union domain>, the comune's schema."""

from django.urls import include, path

from src.portal.legal import legal
from src.portal import views
from src.portal.admin import comune_admin

urlpatterns = [
    path("", views.home, name="comune_home"),
    path("account/", include("tenants.identity.urls")),
    path("admin/", comune_admin.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("legale/<slug:page>/", legal, name="legal"),
]
