"""Money pages on a comune's subdomain (Italian paths, as the rest of the site)."""

from django.urls import path, re_path

from src.payments import views

app_name = "payments"

REF = r"(?P<reference>[A-Za-z0-9]{8})"

urlpatterns = [
    path("tariffe/", views.price_list, name="prices"),
    path("pagamenti/carnet-e-abbonamenti/", views.passes, name="passes"),
    path("pagamenti/riconciliazione/", views.reconciliation, name="reconciliation"),
    path("pagamenti/rendiconti/", views.statements, name="statements"),
    path("pagamenti/rendiconti/<int:pk>/", views.statement_detail, name="statement"),
    path("pagamenti/rendiconti/<int:pk>/avviso/", views.statement_notice, name="statement_notice"),
    re_path(rf"^pagamenti/{REF}/$", views.order_detail, name="order"),
    re_path(rf"^pagamenti/{REF}/paga/$", views.order_pay, name="pay"),
    re_path(rf"^pagamenti/{REF}/esito/$", views.order_return, name="return"),
    re_path(rf"^pagamenti/{REF}/avviso/$", views.order_notice, name="notice"),
]
