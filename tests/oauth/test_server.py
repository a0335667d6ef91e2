"""The authorization server: the public schema only, its discovery document, introspection, registering the app."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from oauth2_provider.models import get_application_model

from tenants.identity.oauth import app_client_register
from tenants.union.demo import APP_CLIENT_ID, _demo_app_client
from tests.oauth.conftest import REDIRECT_URI, app_sign_in


def test_the_toolkit_tables_live_in_the_public_schema_only(cesena, sarsina):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT table_schema FROM information_schema.tables WHERE table_name LIKE 'oauth2_provider_%%'"
        )
        assert {row[0] for row in cursor.fetchall()} == {"public"}


def test_the_comuni_do_not_serve_the_authorization_endpoints(cesena):
    assert Client(HTTP_HOST="cesena.localhost").get("/o/authorize/").status_code == 404
    assert Client(HTTP_HOST="cesena.localhost").post("/o/token/").status_code == 404


def test_discovery_document_rfc_8414(db):
    response = Client(HTTP_HOST="localhost").get("/.well-known/oauth-authorization-server")
    assert response.status_code == 200
    meta = response.json()
    assert meta["issuer"] == "http://localhost"
    assert meta["authorization_endpoint"] == "http://localhost/o/authorize/"
    assert meta["token_endpoint"] == "http://localhost/o/token/"
    assert meta["revocation_endpoint"] == "http://localhost/o/revoke_token/"
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["response_types_supported"] == ["code"]
    assert set(meta["grant_types_supported"]) == {"authorization_code", "refresh_token"}


def test_introspection_is_for_confidential_clients_only(app_client, person):
    tokens = app_sign_in(person)
    Application = get_application_model()
    Application.objects.create(
        name="Resource server",
        client_id="resource-server",
        client_secret="segreto-lungo-abbastanza",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
    )
    client = Client(HTTP_HOST="localhost")
    answer = client.post(
        "/o/introspect/",
        {"token": tokens.access},
        HTTP_AUTHORIZATION="Basic cmVzb3VyY2Utc2VydmVyOnNlZ3JldG8tbHVuZ28tYWJiYXN0YW56YQ==",
    )
    assert answer.status_code == 200 and answer.json()["active"] is True
    assert answer.json()["scope"] == "read bookings"
    # The public app itself cannot: it has no secret to show, and no token has the scope.
    assert client.post("/o/introspect/", {"token": tokens.access, "client_id": app_client.client_id}).status_code == 403
    assert (
        client.post(
            "/o/introspect/", {"token": tokens.access}, HTTP_AUTHORIZATION=f"Bearer {tokens.access}"
        ).status_code
        == 403
    )


def test_create_app_client_registers_a_public_pkce_client_and_updates_it(db, capsys):
    call_command("create_app_client", "--name", "Hub Valle del Savio", "--redirect-uri", REDIRECT_URI)
    out = capsys.readouterr().out
    assert "registered" in out and "public (no secret)" in out
    app = get_application_model().objects.get(name="Hub Valle del Savio")
    assert app.client_type == "public" and app.authorization_grant_type == "authorization-code"
    assert app.redirect_uris == REDIRECT_URI and not app.skip_authorization
    assert f"client_id      {app.client_id}" in out

    call_command(
        "create_app_client",
        "--client-id",
        app.client_id,
        "--name",
        "Hub Savio",
        "--redirect-uri",
        REDIRECT_URI,
        "--redirect-uri",
        "https://app.example.it/oauth",
    )
    app.refresh_from_db()
    assert "updated" in capsys.readouterr().out
    assert app.name == "Hub Savio" and app.redirect_uris.split() == [REDIRECT_URI, "https://app.example.it/oauth"]


def test_create_app_client_refuses_a_scheme_not_allowed(db):
    with pytest.raises(CommandError, match="Could not register"):
        call_command("create_app_client", "--name", "X", "--redirect-uri", "ftp://example.it/oauth")


def test_the_demo_client_is_made_once(db):
    lines: list[str] = []
    _demo_app_client(lines)
    _demo_app_client(lines)
    assert get_application_model().objects.filter(client_id=APP_CLIENT_ID).count() == 1
    assert sum("client_id" in line for line in lines) == 1
    assert app_client_register(name="x", redirect_uris=[REDIRECT_URI], client_id=APP_CLIENT_ID).created is False
