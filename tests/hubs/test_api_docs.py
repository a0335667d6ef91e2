"""The API describes itself, and its docs page works offline (no CDN)."""

from tests.conftest import host_client


def test_schema_lists_the_catalogue_endpoints(cesena):
    response = host_client("cesena.localhost").get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/hubs/",
        "/api/v1/hubs/{id}/open-intervals/",
        "/api/v1/hubs/{hub_pk}/opening-hours/",
        "/api/v1/hubs/{hub_pk}/closures/",
        "/api/v1/spaces/{id}/seats-on/",
        "/api/v1/seats/",
        "/api/v1/desks/",
        "/api/v1/desks/{desk_pk}/hours/",
        "/api/v1/desks/{id}/open-intervals/",
    ):
        assert path in paths, path


def test_docs_page_loads_swagger_from_our_own_static_files(cesena):
    page = host_client("cesena.localhost").get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn.jsdelivr.net" not in page and "unpkg.com" not in page
