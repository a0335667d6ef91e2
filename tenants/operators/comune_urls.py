"""The comune administrator's pages about the cooperatives' contracts, under /gestione/contratti/."""

from django.urls import path, re_path

from tenants.operators import views

app_name = "operators_comune"

urlpatterns = [
    path("", views.comune_contracts, name="contracts"),
    re_path(r"^(?P<pk>\d+)/(?P<decision>approva|respingi|termina)/$", views.comune_contract_decide, name="decide"),
    path("<int:pk>/attivita/", views.report, name="report"),
    path("<int:pk>/attivita/<str:month>.csv", views.report_csv, name="report_csv"),
]
