"""Request rates: the API answers 429 with Retry-After and an Italian sentence past a client's rate,
counted across every comune's host; plain forms (sign-up, password reset) answer an Italian 429 page."""

import pytest

from tests.api_errors.contract import api_client, error_of
from tests.conftest import host_client, page_text


@pytest.fixture
def rates(settings):
    def set_rates(**rates):
        settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, **rates}

    return set_rates


def _assert_throttled(response, *, retry_after_at_most: int):
    body = error_of(response, 429, "throttled")
    assert body["detail"].startswith("Troppe richieste: riprova tra ")
    assert 0 < int(response["Retry-After"]) <= retry_after_at_most


def test_anonymous_api_requests_are_counted_per_address_across_comuni(rates, cesena, sarsina):
    rates(anon="3/min")
    cesena_api, sarsina_api = host_client("cesena.localhost"), host_client("sarsina.localhost")
    assert cesena_api.get("/api/v1/hubs/").status_code == 200
    assert cesena_api.get("/api/v1/hubs/").status_code == 200
    assert sarsina_api.get("/api/v1/hubs/").status_code == 200
    _assert_throttled(sarsina_api.get("/api/v1/hubs/"), retry_after_at_most=60)
    _assert_throttled(cesena_api.get("/api/v1/hubs/"), retry_after_at_most=60)
    # Another address has its own count.
    assert cesena_api.get("/api/v1/hubs/", REMOTE_ADDR="10.1.2.3").status_code == 200


def test_signed_in_api_requests_are_counted_per_account(rates, cesena, sarsina, citizen):
    rates(anon="1/min", user="2/min")
    api = host_client("cesena.localhost", citizen)
    assert api.get("/api/v1/hubs/").status_code == 200
    assert api.get("/api/v1/hubs/", REMOTE_ADDR="10.1.2.3").status_code == 200  # the account counts, not the address
    _assert_throttled(host_client("sarsina.localhost", citizen).get("/api/v1/hubs/"), retry_after_at_most=60)
    # The anonymous count of the same address is a different one.
    assert host_client("cesena.localhost").get("/api/v1/hubs/").status_code == 200


def test_the_english_api_says_it_in_english(rates, cesena):
    rates(anon="1/min")
    api = api_client("en")
    api.get("/api/v1/hubs/")
    body = error_of(api.get("/api/v1/hubs/"), 429, "throttled")
    assert body["detail"].startswith("Too many requests: try again in ")


def test_check_in_by_code_has_its_own_rate(rates, cesena, citizen):
    rates(check_in="2/min")
    api = host_client("cesena.localhost", citizen)
    for _ in range(2):
        assert api.post("/api/v1/bookings/ABCDEFGH/check-in/").status_code == 404
    _assert_throttled(api.post("/api/v1/bookings/ABCDEFGH/check-in/"), retry_after_at_most=60)
    # Reading is not checking in.
    assert api.get("/api/v1/hubs/").status_code == 200


def test_sign_up_past_its_rate_is_an_italian_page(rates, cesena, sarsina):
    rates(signup="2/h")
    assert host_client("cesena.localhost").post("/account/registrati/", {"email": "x"}).status_code == 400
    assert host_client("sarsina.localhost").post("/account/registrati/", {"email": "x"}).status_code == 400
    response = host_client("localhost").post("/account/registrati/", {"email": "x"})
    assert response.status_code == 429
    assert "Troppe richieste: riprova tra " in page_text(response)
    assert 0 < int(response["Retry-After"]) <= 3600
    assert host_client("localhost").get("/account/registrati/").status_code == 200  # only sending counts


def test_password_reset_is_limited_per_address_and_per_mailbox(rates, citizen, cesena):
    rates(password_reset="3/h", password_reset_email="2/h")
    client = host_client("cesena.localhost")
    for address in ("10.0.0.1", "10.0.0.2"):
        response = client.post("/account/password/recupero/", {"email": citizen.email}, REMOTE_ADDR=address)
        assert response.status_code == 302
    # A third e-mail to the same mailbox, from yet another address: refused.
    response = client.post("/account/password/recupero/", {"email": citizen.email.upper()}, REMOTE_ADDR="10.0.0.3")
    assert response.status_code == 429 and "Troppe richieste" in page_text(response)
    # Other mailboxes from one address, up to the address's rate.
    client.post("/account/password/recupero/", {"email": "a@example.org"}, REMOTE_ADDR="10.0.0.4")
    client.post("/account/password/recupero/", {"email": "b@example.org"}, REMOTE_ADDR="10.0.0.4")
    assert (
        client.post("/account/password/recupero/", {"email": "c@example.org"}, REMOTE_ADDR="10.0.0.4").status_code
        == 302
    )
    response = client.post("/account/password/recupero/", {"email": "d@example.org"}, REMOTE_ADDR="10.0.0.4")
    assert response.status_code == 429
