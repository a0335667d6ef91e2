"""The cooperative's pages on the union site, under /cooperativa/."""

from django.urls import path

from tenants.operators import views

app_name = "operators"

urlpatterns = [
    path("", views.console, name="console"),
    path("contratti/", views.staff_contracts, name="contracts"),
    path("contratti/<int:pk>/attivita/", views.report, name="report"),
    path("contratti/<int:pk>/attivita/<str:month>.csv", views.report_csv, name="report_csv"),
]
