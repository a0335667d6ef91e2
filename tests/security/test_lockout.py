"""Sign-in lockout: five wrong passwords lock the account from that address, on every sign-in form
and across the union's hosts; the page (or the JSON) says until when; the cool-off opens it again."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.test import Client
from django.utils import timezone

from tests.conftest import host_client, page_text
from tests.fixtures import UserFactory

PASSWORD = "una-password-lunga-1"  # tests.fixtures.UserFactory's

FORMS = {
    "site": ("cesena.localhost", "/account/accedi/", "citizen"),
    "union admin": ("localhost", "/admin/login/", "union_staff"),
    "comune admin": ("cesena.localhost", "/admin/login/", "cesena_admin"),
}


def _sign_in(client, path, email, password, **extra):
    return client.post(path, {"username": email, "password": password}, **extra)


def _signed_in(response) -> bool:
    return "_auth_user_id" in response.wsgi_request.session


def _let_the_cool_off_pass() -> None:
    """Move every failure back by the cool-off, as if that much time had gone by."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME)


def _retry_time(which=max) -> str:
    """A cool-off after the last failure; `min`: after the first of them (when the oldest row's expiry is enough)."""
    last = which(AccessAttempt.objects.values_list("attempt_time", flat=True))
    return timezone.localtime(last + settings.AXES_COOLOFF_TIME).strftime("%H:%M")


def _assert_locked_page(response, which=max) -> None:
    assert response.status_code == 429
    text = page_text(response)
    assert "Troppi tentativi di accesso non riusciti" in text
    assert f"Riprova dalle {_retry_time(which)}" in text
    seconds = int(response["Retry-After"])
    assert settings.AXES_COOLOFF_TIME.total_seconds() - 60 <= seconds <= settings.AXES_COOLOFF_TIME.total_seconds()


@pytest.mark.parametrize("form", FORMS)
def test_five_failures_lock_the_sign_in_until_the_cool_off_ends(request, form):
    host, path, person = FORMS[form]
    user = request.getfixturevalue(person)
    if "admin" in path:
        # Django's admin sign-in form takes only staff accounts (the role policy opens the doors after).
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    client = host_client(host)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _sign_in(client, path, user.email, "sbagliata")
        assert response.status_code == 200 and not _signed_in(response)
    _assert_locked_page(_sign_in(client, path, user.email, "sbagliata"))

    # The right password does not get through a lockout, nor does it count as one more failure.
    response = _sign_in(client, path, user.email, PASSWORD)
    _assert_locked_page(response)
    assert not _signed_in(response)
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == settings.AXES_FAILURE_LIMIT

    _let_the_cool_off_pass()
    response = _sign_in(client, path, user.email, PASSWORD)
    assert response.status_code == 302 and _signed_in(response)
    assert not AccessAttempt.objects.exists()  # success clears the count


def test_the_lockout_is_the_unions_not_a_comunes(citizen, cesena, sarsina):
    cesena_client, sarsina_client = host_client("cesena.localhost"), host_client("sarsina.localhost")
    for _ in range(3):
        _sign_in(cesena_client, "/account/accedi/", citizen.email, "sbagliata")
    _sign_in(sarsina_client, "/admin/login/", citizen.email.upper(), "sbagliata")  # any case: one account
    _assert_locked_page(_sign_in(host_client("localhost"), "/account/accedi/", citizen.email, "sbagliata"))
    response = _sign_in(sarsina_client, "/account/accedi/", citizen.email, PASSWORD)
    _assert_locked_page(response)
    assert not _signed_in(response)


def test_under_the_api_the_lockout_is_json_in_italian(settings, citizen, cesena):
    settings.ROOT_URLCONF = "tests.security.urls"
    client = host_client("cesena.localhost")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, "/api/prova/accesso/", citizen.email, "sbagliata").status_code == 400
    response = _sign_in(client, "/api/prova/accesso/", citizen.email, PASSWORD.upper())
    assert response.status_code == 429 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "locked_out" and body["fields"] == {}
    assert body["detail"].startswith("Troppi tentativi di accesso non riusciti")
    assert f"Riprova dalle {_retry_time()}" in body["detail"]
    assert timezone.datetime.fromisoformat(body["retry_at"]).utcoffset() in (timedelta(hours=1), timedelta(hours=2))
    assert int(response["Retry-After"]) > 0
    assert _sign_in(client, "/api/prova/accesso/", citizen.email, PASSWORD).status_code == 429


def test_a_successful_sign_in_starts_the_count_again(citizen, cesena):
    client = host_client("cesena.localhost")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, "/account/accedi/", citizen.email, "sbagliata")
    assert _signed_in(_sign_in(client, "/account/accedi/", citizen.email, PASSWORD))
    other = host_client("cesena.localhost")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(other, "/account/accedi/", citizen.email, "sbagliata").status_code == 200


def test_an_account_guessed_from_many_addresses_is_locked_at_its_own_limit(settings, citizen, cesena):
    settings.LOCKOUT_ACCOUNT_FAILURE_LIMIT = 8
    client = host_client("cesena.localhost")
    for address in ("10.0.0.1", "10.0.0.2"):
        for _ in range(4):  # under the pair's limit from each address
            response = _sign_in(client, "/account/accedi/", citizen.email, "sbagliata", REMOTE_ADDR=address)
    # Open again once the first address's failures stop counting: 4 left, under both limits.
    _assert_locked_page(response, which=min)
    response = _sign_in(client, "/account/accedi/", citizen.email, PASSWORD, REMOTE_ADDR="10.0.0.3")
    assert response.status_code == 429 and not _signed_in(response)
    # Another account from those addresses is not locked: the account is.
    someone = UserFactory()
    assert _signed_in(_sign_in(client, "/account/accedi/", someone.email, PASSWORD, REMOTE_ADDR="10.0.0.1"))


def test_an_address_trying_many_accounts_is_locked_at_its_own_limit(settings, cesena):
    settings.LOCKOUT_ADDRESS_FAILURE_LIMIT = 6
    people = [UserFactory() for _ in range(4)]
    client = host_client("cesena.localhost")
    for person in people[:3]:
        for _ in range(2):
            response = _sign_in(client, "/account/accedi/", person.email, "sbagliata", REMOTE_ADDR="10.0.0.9")
    _assert_locked_page(response)
    response = _sign_in(client, "/account/accedi/", people[3].email, PASSWORD, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429 and not _signed_in(response)
    assert _signed_in(_sign_in(client, "/account/accedi/", people[3].email, PASSWORD, REMOTE_ADDR="10.0.0.10"))


def test_a_forwarded_for_header_is_believed_only_behind_our_proxy(settings, citizen, cesena):
    client = host_client("cesena.localhost")
    # Without the proxy (HTTPS off): a header the client writes itself changes nothing.
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = _sign_in(
            client, "/account/accedi/", citizen.email, "sbagliata", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
        )
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}

    # Behind the proxy (which writes the header itself): the client's address is the header's.
    AccessAttempt.objects.all().delete()
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_COUNT = 0
    _sign_in(client, "/account/accedi/", citizen.email, "sbagliata", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


def test_the_locked_page_speaks_the_requests_language(citizen, cesena):
    client = Client(HTTP_HOST="cesena.localhost", HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _sign_in(client, "/account/accedi/", citizen.email, "sbagliata")
    assert response.status_code == 429
    assert (
        f"Too many failed sign-in attempts: for your safety signing in is blocked. Try again from {_retry_time()}."
        in page_text(response)
    )
