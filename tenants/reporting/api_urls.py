from django.urls import path

from tenants.reporting.api import OpenDataView, UnionReportView

app_name = "reporting_api"

urlpatterns = [
    path("", UnionReportView.as_view(), name="report"),
    path("open-data/", OpenDataView.as_view(), name="open_data"),
]
