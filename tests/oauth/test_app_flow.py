"""The citizens' app signs in with the authorization code grant and PKCE, then books with its token."""

import json

from django.test import Client

from src.bookings.models import Booking
from tests.bookings.conftest import at
from tests.conftest import page_text
from tests.oauth.conftest import (
    PASSWORD,
    app_sign_in,
    authorize_url,
    bearer,
    code_for_token,
    consent,
    hidden_fields,
    pkce_pair,
    redirect_params,
)


def place(cowork, seat, day, start="10:00", end="11:00"):
    return json.dumps(
        {"space": cowork.pk, "seat": seat.pk, "start": at(day, start).isoformat(), "end": at(day, end).isoformat()}
    )


def test_sign_in_consent_token_then_book_in_cesena_and_see_it_on_the_union(app_client, person, cowork, seats, tomorrow):
    verifier, challenge = pkce_pair()
    browser = Client(HTTP_HOST="localhost")

    # Not signed in: the union's own sign-in page first, then back to the authorization.
    response = browser.get(authorize_url("read bookings", challenge))
    assert response.status_code == 302 and response["Location"].startswith("/account/accedi/?next=/o/authorize/")
    signed_in = browser.post(response["Location"], {"username": person.email, "password": PASSWORD})
    # Back to the authorization on the union (absolute: the sign-in passes through single sign-on).
    assert signed_in.status_code == 302
    assert signed_in["Location"].removeprefix("http://localhost").startswith("/o/authorize/?")

    # The consent page, in Italian, says who and what.
    page = browser.get(signed_in["Location"])
    assert page.status_code == 200
    text = page_text(page)
    assert "Autorizzi l'app «Hub Valle del Savio»?" in text and person.email in text
    assert "Vedere i tuoi dati" in text and "Prenotare e annullare a tuo nome" in text
    assert "Vedere il tuo profilo" not in text  # not asked for
    assert 'class="btn btn-primary"' in page.content.decode()  # Bootstrap Italia, our base page

    # Allowed: back to the app with a one-time code, its state and the issuer (RFC 9207).
    answer = hidden_fields(page.content.decode()) | {"allow": "1"}
    params = redirect_params(browser.post("/o/authorize/", answer))
    assert params["state"] == "stato-123" and params["iss"] == "http://localhost"

    response = code_for_token(params["code"], verifier)
    assert response.status_code == 200, response.content
    tokens = response.json()
    assert tokens["token_type"] == "Bearer" and tokens["scope"] == "read bookings"
    assert tokens["expires_in"] == 3600 and tokens["refresh_token"]
    # The code is good once.
    assert code_for_token(params["code"], verifier).json()["error"] == "invalid_grant"

    # The app books in Cesena with the token alone: no session, no CSRF token.
    app = bearer("cesena.localhost", tokens["access_token"])
    booked = app.post("/api/v1/bookings/", place(cowork, seats[0], tomorrow), content_type="application/json")
    assert booked.status_code == 201, booked.content
    code = booked.json()["code"]
    assert Booking.objects.get(code=code).person == person
    assert [b["code"] for b in app.get("/api/v1/bookings/").json()] == [code]

    # The union lists it, with the comune's API to cancel it there.
    items = bearer("localhost", tokens["access_token"]).get("/api/v1/me/bookings/")
    assert items.status_code == 200, items.content
    (item,) = items.json()
    assert item["kind"] == "booking" and item["reference"] == code and item["upcoming"] is True
    assert item["comune"]["slug"] == "cesena" and item["comune"]["api"] == "http://cesena.localhost/api/v1/"
    assert item["title"] == "Coworking · P1"


def test_a_wrong_code_verifier_is_refused(app_client, person):
    browser = Client(HTTP_HOST="localhost")
    browser.force_login(person)
    verifier, challenge = pkce_pair()
    code = consent(browser, "read", challenge)["code"]
    other_verifier, _ = pkce_pair()
    response = code_for_token(code, other_verifier)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
    assert "access_token" not in response.json()
    # Nor without any verifier.
    assert code_for_token(code, "").status_code == 400


def test_pkce_is_required_and_only_s256(app_client, person):
    browser = Client(HTTP_HOST="localhost")
    browser.force_login(person)
    missing = redirect_params(browser.get(authorize_url("read", None)))
    assert missing["error"] == "invalid_request" and "code" not in missing
    # "plain" (the challenge is the verifier itself) is refused when the code would be made.
    verifier, _ = pkce_pair()
    plain = consent(browser, "read", verifier, method="plain")
    assert plain["error"] == "invalid_request" and "code" not in plain


def test_saying_no_sends_the_app_away_without_a_code(app_client, person):
    browser = Client(HTTP_HOST="localhost")
    browser.force_login(person)
    _, challenge = pkce_pair()
    params = consent(browser, "read bookings", challenge, allow=False)
    assert params["error"] == "access_denied" and params["state"] == "stato-123" and "code" not in params


def test_an_unregistered_redirect_uri_gets_an_error_page_not_a_redirect(app_client, person):
    browser = Client(HTTP_HOST="localhost")
    browser.force_login(person)
    _, challenge = pkce_pair()
    url = authorize_url("read", challenge).replace("it.unionevallesavio.hub", "evil.example")
    page = browser.get(url)
    assert page.status_code == 400
    assert "Autorizzazione non riuscita" in page_text(page) and "evil.example" not in page.get("Location", "")


def test_consent_is_asked_once_per_set_of_scopes(app_client, person):
    app_sign_in(person, scope="read bookings")
    browser = Client(HTTP_HOST="localhost")
    browser.force_login(person)
    _, challenge = pkce_pair()
    # While a token for those scopes is valid, the app gets a new code without asking again...
    again = redirect_params(browser.get(authorize_url("read", challenge)))
    assert again["code"] and again["state"] == "stato-123"
    # ...but a scope not yet granted brings the page back.
    assert browser.get(authorize_url("read profile", challenge)).status_code == 200
