"""Staff sessions end after STAFF_IDLE_TIMEOUT_MINUTES without a request, and say why; citizens'
sessions last as before. A role granted or revoked gives every session of the person a new key
(the old one stops working) and asks staff for the second factor again."""

import time

from django.contrib.sessions.backends.cached_db import SessionStore
from django.test import Client
from django_tenants.utils import tenant_context

from tenants.identity.models import Role
from tenants.identity.second_factor import SESSION_SEEN
from tests.conftest import host_client, page_text
from tests.foundation.test_single_sign_on import Browser
from tests.hubs.factories import make_hub
from tests.signin import sign_in_staff


def _idle_for(client, minutes):
    session = client.session
    session[SESSION_SEEN] = int(time.time()) - minutes * 60
    session.save()


def _key(client):
    return client.cookies["sessionid"].value


def test_staff_are_signed_out_after_the_idle_timeout_and_told_why(cesena, cesena_admin):
    client = host_client("localhost", cesena_admin)
    _idle_for(client, 29)
    assert client.get("/account/").status_code == 200  # 29 minutes: still there
    _idle_for(client, 31)
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"] == "/account/accedi/?next=/account/&motivo=inattivita"
    assert client.get("/account/").status_code == 302 and client.get("/").wsgi_request.user.is_anonymous
    page = page_text(client.get(response["Location"]))
    assert "Per sicurezza ti abbiamo fatto uscire dall'account: non lo usavi da 30 minuti" in page


def test_on_a_comune_the_idle_sign_out_ends_on_the_unions_page_that_says_why(cesena, cesena_admin):
    browser = Browser()
    sign_in_staff(browser.client("localhost"), cesena_admin)
    assert browser.open("http://cesena.localhost/admin/").status_code == 200
    for host in ("localhost", "cesena.localhost"):  # nothing done anywhere for 31 minutes
        _idle_for(browser.client(host), 31)
    page = browser.open("http://cesena.localhost/admin/")
    assert browser.hosts()[-1] == "localhost" and "/account/accedi/" in browser.chain[-1]
    assert "non lo usavi da 30 minuti" in page_text(page)
    assert not browser.signed_in("cesena.localhost", cesena_admin)


def test_the_timeout_comes_from_the_environment_setting(union_staff, settings):
    settings.STAFF_IDLE_TIMEOUT_MINUTES = 5
    client = host_client("localhost", union_staff)
    _idle_for(client, 6)
    assert client.get("/admin/")["Location"].endswith("motivo=inattivita")


def test_citizens_sessions_have_no_idle_timeout(citizen):
    client = host_client("cesena.localhost", citizen)
    _idle_for(client, 24 * 60)
    assert client.get("/account/").status_code == 200
    assert client.get("/account/").wsgi_request.user == citizen


def test_a_role_granted_gives_old_sessions_a_new_key_and_asks_the_second_factor(cesena, citizen):
    client = host_client("localhost", citizen)
    assert client.get("/account/").status_code == 200
    old_key = _key(client)
    stolen = Client(HTTP_HOST="localhost")
    stolen.cookies["sessionid"] = old_key
    Role.objects.create(user=citizen, kind=Role.Kind.UNION_STAFF)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/account/secondo-fattore/attiva/")
    assert _key(client) != old_key and not SessionStore(session_key=old_key).exists(old_key)
    assert stolen.get("/").wsgi_request.user.is_anonymous


def test_a_role_change_asks_signed_in_staff_for_the_second_factor_again(cesena, sarsina, cesena_admin):
    client = host_client("cesena.localhost", cesena_admin)
    assert client.get("/admin/").status_code == 200
    old_key = _key(client)
    Role.objects.create(user=cesena_admin, kind=Role.Kind.OPERATOR, municipality=sarsina)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/account/sso/" in response["Location"]
    assert _key(client) != old_key


def test_a_revoked_role_leaves_the_session_with_a_new_key_and_no_power(union_staff):
    client = host_client("localhost", union_staff)
    assert client.get("/admin/").status_code == 200
    old_key = _key(client)
    Role.objects.filter(user=union_staff).delete()
    assert client.get("/admin/").status_code == 403
    assert _key(client) != old_key and not SessionStore(session_key=old_key).exists(old_key)


def test_the_request_that_changes_ones_own_roles_cycles_its_key(cesena, cesena_admin):
    with tenant_context(cesena):
        hub = make_hub()
    client = host_client("cesena.localhost", cesena_admin)
    assert client.get("/admin/").status_code == 200
    old_key = _key(client)
    response = client.post("/admin/hubs/huboperator/add/", {"hub": hub.pk, "email": cesena_admin.email})
    assert response.status_code == 302
    assert Role.objects.filter(user=cesena_admin, kind=Role.Kind.OPERATOR).exists()
    assert _key(client) != old_key and not SessionStore(session_key=old_key).exists(old_key)
    # Given in this very session, the second factor holds.
    assert client.get("/admin/").status_code == 200
