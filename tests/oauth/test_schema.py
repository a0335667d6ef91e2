"""The OpenAPI schemas say how to get in: the OAuth 2.0 flow (PKCE) and the session, and each operation's scopes."""

from django.test import Client

from tests.conftest import host_client


def test_the_union_schema_describes_its_api_and_the_oauth_flow(db):
    response = Client(HTTP_HOST="localhost").get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert {"/api/v1/hubs/", "/api/v1/me/", "/api/v1/me/bookings/"} <= set(schema["paths"])
    assert "/api/v1/bookings/" not in schema["paths"]  # a comune's, not the union's
    assert {"oauth2": ["profile"]} in schema["paths"]["/api/v1/me/"]["get"]["security"]
    assert {"oauth2": ["read"]} in schema["paths"]["/api/v1/me/bookings/"]["get"]["security"]
    assert "oauth2" in schema["components"]["securitySchemes"]
    docs = host_client("localhost").get("/api/docs/")
    assert docs.status_code == 200 and '<script src="/api/docs/?script="></script>' in docs.content.decode()
    # The page's start-up script is a file of its own (the CSP allows no inline script): it loads the schema.
    script = host_client("localhost").get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript") and "/api/schema/" in script.content.decode()


def test_a_comune_schema_documents_both_ways_in_and_each_operations_scopes(cesena):
    schema = Client(HTTP_HOST="cesena.localhost").get("/api/schema/", HTTP_ACCEPT="application/json").json()
    schemes = schema["components"]["securitySchemes"]
    oauth2 = schemes["oauth2"]
    assert oauth2["type"] == "oauth2" and "PKCE" in oauth2["description"] and "S256" in oauth2["description"]
    flow = oauth2["flows"]["authorizationCode"]
    # The authorization server is the union, whichever comune's schema this is.
    assert flow["authorizationUrl"] == "http://localhost/o/authorize/"
    assert flow["tokenUrl"] == flow["refreshUrl"] == "http://localhost/o/token/"
    assert set(flow["scopes"]) == {"read", "bookings", "profile", "export"}
    assert schemes["cookieAuth"]["in"] == "cookie"

    paths = schema["paths"]
    assert paths["/api/v1/bookings/"]["post"]["security"] == [{"oauth2": ["bookings"]}, {"cookieAuth": []}]
    assert paths["/api/v1/bookings/"]["get"]["security"] == [{"oauth2": ["read"]}, {"cookieAuth": []}]
    # Open to anybody: a token is optional.
    assert paths["/api/v1/availability/"]["get"]["security"] == [{"oauth2": ["read"]}, {"cookieAuth": []}, {}]
    # An administrator's write is not for apps: only the session.
    assert paths["/api/v1/booking-policy/"]["patch"]["security"] == [{"cookieAuth": []}]
