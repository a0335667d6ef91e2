"""Which writes an app's token may make at all: the person's own bookings, appointments,
registrations and waitlist places, each with the `bookings` scope. Every other write (an
operator's, an administrator's) is closed to tokens because no view opened it."""

from django.conf import settings
from django.test import Client

SAFE = {"get", "head", "options"}

OPEN_TO_APPS = {
    ("post", "/api/v1/bookings/", "bookings"),
    ("post", "/api/v1/bookings/series/", "bookings"),
    ("post", "/api/v1/bookings/{code}/cancel/", "bookings"),
    ("post", "/api/v1/bookings/{code}/check-in/", "bookings"),
    ("post", "/api/v1/waitlist/", "bookings"),
    ("delete", "/api/v1/waitlist/{id}/", "bookings"),
    ("post", "/api/v1/waitlist/{id}/accept/", "bookings"),
    ("post", "/api/v1/waitlist/{id}/decline/", "bookings"),
    # Accept and decline inherit the entry view's DELETE (leave the waitlist) as it stands.
    ("delete", "/api/v1/waitlist/{id}/accept/", "bookings"),
    ("delete", "/api/v1/waitlist/{id}/decline/", "bookings"),
    ("post", "/api/v1/appointments/", "bookings"),
    ("post", "/api/v1/appointments/{code}/cancel/", "bookings"),
    ("post", "/api/v1/appointments/lookup/", "read"),
    ("post", "/api/v1/events/{id}/registration/", "bookings"),
    ("delete", "/api/v1/events/{id}/registration/", "bookings"),
}


def _token_scopes(host: str) -> dict[tuple[str, str], list[str]]:
    schema = Client(HTTP_HOST=host).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    found = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for requirement in operation.get("security", []):
                if "oauth2" in requirement:
                    found[(method, path)] = requirement["oauth2"]
    return found


def test_the_writes_open_to_apps_are_the_persons_own_bookings(cesena):
    scopes = _token_scopes("cesena.localhost")
    writes = {(method, path, " ".join(s)) for (method, path), s in scopes.items() if method not in SAFE}
    assert writes == OPEN_TO_APPS
    assert all(s == ["read"] for (method, _path), s in scopes.items() if method in SAFE)


def test_the_union_opens_no_write_to_apps_and_every_scope_exists(cesena):
    union = _token_scopes("localhost")
    assert all(method in SAFE for method, _path in union)
    named = {s for scopes in (*union.values(), *_token_scopes("cesena.localhost").values()) for s in scopes}
    assert named <= set(settings.OAUTH2_PROVIDER["SCOPES"])
