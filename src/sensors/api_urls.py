"""/api/v1/sensorthings/v1.1/: the hourly aggregates in OGC SensorThings shape (src/sensors/api.py)."""

from django.urls import path, re_path

from src.sensors import api

PREFIX = r"^sensorthings/v1\.1"

urlpatterns = [
    path("sensorthings/v1.1/", api.RootView.as_view(), name="sensorthings_root"),
    re_path(rf"{PREFIX}/Things$", api.ThingsView.as_view(), name="sensorthings_things"),
    re_path(rf"{PREFIX}/Things\((?P<pk>\d{{1,18}})\)$", api.ThingView.as_view(), name="sensorthings_thing"),
    re_path(
        rf"{PREFIX}/Things\((?P<pk>\d{{1,18}})\)/Datastreams$",
        api.ThingDatastreamsView.as_view(),
        name="sensorthings_thing_datastreams",
    ),
    re_path(rf"{PREFIX}/Datastreams$", api.DatastreamsView.as_view(), name="sensorthings_datastreams"),
    re_path(
        rf"{PREFIX}/Datastreams\((?P<pk>\d{{1,18}})\)$", api.DatastreamView.as_view(), name="sensorthings_datastream"
    ),
    re_path(
        rf"{PREFIX}/Datastreams\((?P<pk>\d{{1,18}})\)/Observations$",
        api.ObservationsView.as_view(),
        name="sensorthings_observations",
    ),
]
