"""The installable web app: manifest, service worker, offline page, favicon, web push subscriptions."""

import json

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import override_settings

from tenants.webpush.models import PushSubscription
from tests.conftest import host_client, page_text

KEY = "BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U"


@pytest.mark.parametrize("host", ["cesena.localhost", "localhost"])
def test_manifest_is_italian_with_icons_and_the_theme_colour(host, cesena):
    response = host_client(host).get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["lang"] == "it" and manifest["scope"] == "/" and manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#0066CC"  # Bootstrap Italia's primary blue
    if host.startswith("cesena"):
        assert manifest["name"] == "Hub di comunità · Comune di Cesena"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:  # every icon is really there
        assert finders.find(icon["src"].removeprefix(settings.STATIC_URL)), icon["src"]


def test_pages_link_the_manifest_icons_and_the_worker_script(cesena):
    html = host_client("cesena.localhost").get("/hub/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'rel="apple-touch-icon"' in html and 'rel="icon"' in html
    assert 'name="theme-color" content="#0066CC"' in html
    assert "/static/site/pwa.js" in html  # registered from a static file, no inline script


@pytest.mark.parametrize("host", ["cesena.localhost", "localhost"])
def test_service_worker_is_served_at_the_root_with_its_scope(host, cesena):
    response = host_client(host).get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    body = b"".join(response.streaming_content).decode()
    assert "/prenotazioni/" in body and "/senza-connessione/" in body


def test_offline_page_and_favicon(cesena):
    client = host_client("cesena.localhost")
    response = client.get("/senza-connessione/")
    assert response.status_code == 200
    assert "Sei senza connessione" in page_text(response)
    assert 'href="/prenotazioni/"' in response.content.decode()
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 200 and favicon["Content-Type"] == "image/x-icon"


def subscription(endpoint="https://push.example.net/send/abc"):
    return {
        "endpoint": endpoint,
        "keys": {"p256dh": "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQ", "auth": "tBHItJI5svbpez7KI4CCXg"},
    }


@override_settings(WEBPUSH_VAPID_PUBLIC_KEY=KEY)
def test_a_person_stores_and_removes_their_browser_subscription(cesena, citizen, make_user):
    client = host_client("cesena.localhost", citizen)
    assert client.get("/api/v1/push/key/").json() == {"public_key": KEY}
    response = client.post("/api/v1/push/subscriptions/", subscription(), content_type="application/json")
    assert response.status_code == 201, response.content
    row = PushSubscription.objects.get()
    assert row.user == citizen and row.auth == "tBHItJI5svbpez7KI4CCXg"
    # The key is offered to pages (the personal area's button reads it).
    assert f'name="webpush-key" content="{KEY}"' in client.get("/account/notifiche/").content.decode()

    # Another person cannot remove it, guessing the endpoint.
    other = host_client("localhost", make_user())
    response = other.delete("/api/v1/push/subscriptions/", subscription(), content_type="application/json")
    assert response.status_code == 204
    assert PushSubscription.objects.filter(user=citizen).exists()

    response = client.delete("/api/v1/push/subscriptions/", subscription(), content_type="application/json")
    assert response.status_code == 204
    assert not PushSubscription.objects.exists()


@override_settings(WEBPUSH_VAPID_PUBLIC_KEY=KEY)
def test_bad_subscriptions_and_anonymous_callers_get_clear_errors(cesena, citizen):
    anonymous = host_client("cesena.localhost")
    response = anonymous.post("/api/v1/push/subscriptions/", subscription(), content_type="application/json")
    assert response.status_code in (401, 403) and "detail" in response.json()
    client = host_client("cesena.localhost", citizen)
    response = client.post(
        "/api/v1/push/subscriptions/", subscription("http://push.example.net/x"), content_type="application/json"
    )
    assert response.status_code == 400
    assert "https" in response.json()["fields"]["endpoint"][0]
    response = client.post("/api/v1/push/subscriptions/", {"endpoint": "x"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"]


@override_settings(WEBPUSH_VAPID_PUBLIC_KEY="")
def test_without_a_key_push_is_not_offered(cesena, citizen):
    client = host_client("cesena.localhost", citizen)
    response = client.post("/api/v1/push/subscriptions/", subscription(), content_type="application/json")
    assert response.status_code == 404
    assert response.json()["code"] == "push_unavailable"
    assert "webpush-key" not in client.get("/account/notifiche/").content.decode()


@override_settings(WEBPUSH_VAPID_PUBLIC_KEY=KEY)
def test_a_subscription_from_another_comunes_host_belongs_to_the_same_person(cesena, sarsina, citizen):
    """One person, one public-schema row per browser, whatever comune's site it subscribed on."""
    host_client("cesena.localhost", citizen).post(
        "/api/v1/push/subscriptions/", subscription(), content_type="application/json"
    )
    response = host_client("sarsina.localhost", citizen).post(
        "/api/v1/push/subscriptions/", subscription(), content_type="application/json"
    )
    assert response.status_code == 201
    assert list(PushSubscription.objects.values_list("user_id", flat=True)) == [citizen.pk]
