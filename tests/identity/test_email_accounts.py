"""E-mail accounts: sign-up without enumeration, the confirmation link, the single-use sign-in link,
and the gate that keeps an unconfirmed account from booking (pages and API)."""

import re
import time
from unittest import mock

import pytest
from django.core import mail

from tenants.identity import links
from tenants.identity.models import User
from tests.conftest import host_client, page_text
from tests.fixtures import UserFactory


def register(client, email):
    return client.post(
        "/account/registrati/",
        {
            "email": email,
            "first_name": "Giulia",
            "last_name": "Verdi",
            "fiscal_code": "",
            "home_municipality": "",
            "phone": "",
            "language": "it",
            "password1": "lungo-e-sicuro-2026",
            "password2": "lungo-e-sicuro-2026",
        },
        follow=True,
    )


def link_in(message, kind: str) -> str:
    return re.search(rf"http://cesena\.localhost(/account/{kind}/\S+)", message.body).group(1)


def unverified(**fields):
    return UserFactory(email_verified_address="", email_verified_at=None, **fields)


def issued_at(seconds_ago: int):
    """Sign as if it were `seconds_ago` earlier: Django's signer reads the clock through time.time()."""
    return mock.patch("django.core.signing.time.time", return_value=time.time() - seconds_ago)


# --- sign-up --------------------------------------------------------------------------------


def test_sign_up_answers_the_same_for_a_new_and_an_existing_address(cesena):
    UserFactory(email="gia.registrata@example.org")
    new = register(host_client("cesena.localhost"), "nuova@example.org")
    known = register(host_client("cesena.localhost"), "Gia.Registrata@example.org")

    assert new.redirect_chain == known.redirect_chain == [("/account/registrati/controlla-la-posta/", 302)]
    assert new.status_code == known.status_code == 200
    page_new = page_text(new).replace("nuova@example.org", "X")
    page_known = page_text(known).replace("gia.registrata@example.org", "X")
    assert page_new == page_known and "Controlla la posta" in page_new

    first, second = mail.outbox
    assert first.to == ["nuova@example.org"] and "/account/email/conferma/" in first.body
    assert second.to == ["gia.registrata@example.org"] and "già un account" in second.body
    assert "/account/accedi/link/" in second.body and "/account/password/recupero/" in second.body
    assert User.objects.filter(email="gia.registrata@example.org").count() == 1
    assert not User.objects.get(email="nuova@example.org").email_verified


def test_the_confirmation_link_confirms_the_address(cesena):
    register(host_client("cesena.localhost"), "nuova@example.org")
    person = User.objects.get(email="nuova@example.org")
    response = host_client("cesena.localhost").get(link_in(mail.outbox[0], "email/conferma"))
    assert response.status_code == 302 and response["Location"] == "/account/accedi/"
    person.refresh_from_db()
    assert person.email_verified and person.email_verified_at is not None


def test_an_expired_or_altered_confirmation_link_is_refused(cesena):
    person = unverified()
    with issued_at(4 * 24 * 3600):
        old = links.email_verification_token(person)
    client = host_client("cesena.localhost")
    response = client.get(f"/account/email/conferma/{old}/")
    assert response.status_code == 400 and "Il link di conferma è scaduto" in page_text(response)
    response = client.get(f"/account/email/conferma/{links.email_verification_token(person)}x/")
    assert response.status_code == 400 and "Il link di conferma non è valido" in page_text(response)
    person.refresh_from_db()
    assert not person.email_verified


def test_a_link_for_an_old_address_does_not_confirm_a_new_one(cesena):
    person = unverified(email="prima@example.org")
    token = links.email_verification_token(person)
    person.email = "dopo@example.org"
    person.save()
    assert host_client("cesena.localhost").get(f"/account/email/conferma/{token}/").status_code == 400
    person.refresh_from_db()
    assert not person.email_verified


def test_reinvia_il_link(cesena):
    person = unverified()
    client = host_client("cesena.localhost", person)
    assert "Reinvia il link" in page_text(client.get("/account/email/conferma/"))
    response = client.post("/account/email/conferma/", follow=True)
    assert "Ti abbiamo inviato un nuovo link" in page_text(response)
    assert mail.outbox[-1].to == [person.email]
    assert client.get(link_in(mail.outbox[-1], "email/conferma")).status_code == 302
    person.refresh_from_db()
    assert person.email_verified


# --- the sign-in link -----------------------------------------------------------------------


def test_the_sign_in_link_works_once(cesena):
    person = UserFactory(email="anna@example.org")
    client = host_client("cesena.localhost")
    response = client.post("/account/accedi/link/", {"email": "Anna@example.org"}, follow=True)
    assert "ti abbiamo inviato un link per accedere" in page_text(response)
    path = link_in(mail.outbox[0], "accedi/link")

    page = client.get(path)  # a mail scanner opening it does not use it up
    assert page.status_code == 200 and "anna@example.org" in page_text(page)
    assert "_auth_user_id" not in client.session
    response = client.post(path)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(person.pk)

    client.post("/account/esci/")
    again = client.post(path)
    assert again.status_code == 400
    assert "è già stato usato: vale una volta sola" in page_text(again)
    assert "_auth_user_id" not in client.session


def test_the_sign_in_link_expires(cesena, settings):
    person = UserFactory()
    with issued_at(settings.LOGIN_LINK_MAX_AGE + 60):
        token = links.login_link_token(person)
    response = host_client("cesena.localhost").post(f"/account/accedi/link/{token}/")
    assert response.status_code == 400 and "Il link per accedere è scaduto" in page_text(response)


def test_the_sign_in_link_answers_the_same_for_an_unknown_address(cesena):
    UserFactory(email="anna@example.org")
    known = host_client("cesena.localhost").post("/account/accedi/link/", {"email": "anna@example.org"}, follow=True)
    unknown = host_client("cesena.localhost").post(
        "/account/accedi/link/", {"email": "nessuno@example.org"}, follow=True
    )
    assert page_text(known).replace("anna@example.org", "X") == page_text(unknown).replace("nessuno@example.org", "X")
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]


def test_the_sign_in_link_confirms_the_address(cesena):
    person = unverified()
    links_token = links.login_link_token(person)
    host_client("cesena.localhost").post(f"/account/accedi/link/{links_token}/")
    person.refresh_from_db()
    assert person.email_verified


def test_the_login_page_offers_the_link_beside_the_password(cesena):
    # The union's sign-in page is the one form (a comune's /account/accedi/ sends people there).
    text = page_text(host_client("localhost").get("/account/accedi/"))
    assert "Ricevi un link per accedere, senza password" in text and "Password" in text


# --- an unconfirmed account cannot book ------------------------------------------------------


MESSAGE = "Prima di prenotare conferma il tuo indirizzo e-mail"


@pytest.mark.parametrize(
    "path",
    ["/api/v1/bookings/", "/api/v1/waitlist/", "/api/v1/appointments/"],
)
def test_the_api_refuses_an_unconfirmed_account_with_a_message(cesena, path):
    client = host_client("cesena.localhost", unverified())
    response = client.post(path, {}, content_type="application/json")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "email_unverified" and body["detail"].startswith(MESSAGE)
    assert "/account/email/conferma/" in body["detail"]


def test_the_api_lets_confirmed_and_spid_accounts_through_the_gate(cesena):
    for person in (UserFactory(), unverified(fiscal_code_verified="RSSMRA85T10A562S", fiscal_code_verified_by="spid")):
        response = host_client("cesena.localhost", person).post(
            "/api/v1/bookings/", {}, content_type="application/json"
        )
        assert response.status_code == 400  # past the gate: the empty body is what is wrong


def test_the_api_event_registration_refuses_an_unconfirmed_account(cesena):
    from tests.events.conftest import make_event

    event = make_event(cesena)
    response = host_client("cesena.localhost", unverified()).post(f"/api/v1/events/{event.pk}/registration/")
    assert response.status_code == 403 and response.json()["code"] == "email_unverified"


def test_an_anonymous_appointment_needs_no_account(cesena):
    response = host_client("cesena.localhost").post("/api/v1/appointments/", {}, content_type="application/json")
    assert response.status_code == 400  # the body is checked, not an account


def test_pages_show_the_refusal_and_the_way_to_a_new_link(cesena):
    from tests.events.conftest import make_event

    event = make_event(cesena)
    client = host_client("cesena.localhost", unverified())
    response = client.post(f"/eventi/{event.pk}/iscrizione/", follow=True)
    text = page_text(response)
    assert MESSAGE in text and "Reinvia il link" in text
    assert not event.registrations.exists()
