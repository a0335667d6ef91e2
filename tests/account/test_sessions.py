"""Signed-in devices: "esci da tutti i dispositivi" ends every session; a new password ends the others."""

from django.core.cache import caches
from django.test import Client

from tenants.identity.selectors import sessions_active
from tests.conftest import page_text


def _signed_in(host, user):
    # force_login: django-axes checks every authenticate() and needs the request, which
    # Client.login does not pass; the session made is the same.
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


def test_sign_out_everywhere(cesena, citizen, make_user):
    phone, laptop = _signed_in("cesena.localhost", citizen), _signed_in("localhost", citizen)
    someone = _signed_in("localhost", make_user())
    assert len(sessions_active(citizen)) == 2
    page = page_text(laptop.get("/account/accesso/"))
    assert "aperto in 2 browser o dispositivi" in page and "Questo dispositivo" in page

    response = laptop.post("/account/accesso/esci-ovunque/")
    assert response.status_code == 302 and response["Location"].startswith("/account/accedi/")
    assert sessions_active(citizen) == []
    for client in (phone, laptop):
        assert client.get("/account/").status_code == 302
    # The cached copy of the session is gone too (sessions are cached_db).
    key = phone.cookies["sessionid"].value
    assert caches["sessions"].get(f"django.contrib.sessions.cached_db{key}") is None
    assert someone.get("/account/").status_code == 200


def test_a_new_password_keeps_this_device_and_ends_the_others(cesena, citizen):
    phone, laptop = _signed_in("cesena.localhost", citizen), _signed_in("localhost", citizen)
    wrong = laptop.post(
        "/account/accesso/password/",
        {"old_password": "sbagliata", "new_password1": "Nuova-password-9", "new_password2": "Nuova-password-9"},
    )
    assert wrong.status_code == 400
    response = laptop.post(
        "/account/accesso/password/",
        {
            "old_password": "una-password-lunga-1",
            "new_password1": "Nuova-password-9",
            "new_password2": "Nuova-password-9",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/account/").status_code == 200
    assert phone.get("/account/").status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password("Nuova-password-9")
