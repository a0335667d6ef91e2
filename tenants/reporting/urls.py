"""/statistiche/ on the union site: the union dashboard (union staff), its CSV tables, open data (public)."""

from django.urls import path

from tenants.reporting import opendata_views, views

app_name = "reporting"

urlpatterns = [
    path("", views.union_dashboard, name="dashboard"),
    path("csv/<slug:key>/", views.union_csv, name="csv"),
    path("open-data/", opendata_views.open_data_page, name="open_data"),
    path(f"open-data/{opendata_views.DATASET_SLUG}.csv", opendata_views.open_data_csv, name="open_data_csv"),
    path(
        f"open-data/{opendata_views.DATASET_SLUG}.jsonld", opendata_views.open_data_metadata, name="open_data_metadata"
    ),
    path(f"open-data/{opendata_views.AIR_SLUG}.csv", opendata_views.air_csv, name="air_csv"),
    path(f"open-data/{opendata_views.AIR_SLUG}.jsonld", opendata_views.air_metadata, name="air_metadata"),
]
