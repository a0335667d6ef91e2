"""Register, log in, log out, reset the password: one account for every comune."""

import re

from django.core import mail

from tenants.identity.models import User
from tests.conftest import host_client, page_text


def _register(client, **overrides):
    data = {
        "email": "Giulia.Verdi@Example.org",
        "first_name": "Giulia",
        "last_name": "Verdi",
        "fiscal_code": "",
        "home_municipality": "",
        "phone": "",
        "language": "it",
        "password1": "lungo-e-sicuro-2026",
        "password2": "lungo-e-sicuro-2026",
    }
    data.update(overrides)
    return client.post("/account/registrati/", data)


def test_register_on_a_comune_and_use_the_account_in_another(cesena, sarsina):
    response = _register(host_client("sarsina.localhost"), home_municipality=str(sarsina.pk))
    assert response.status_code == 302
    user = User.objects.get(email="giulia.verdi@example.org")
    assert user.home_municipality == sarsina

    cesena_client = host_client("cesena.localhost")
    response = cesena_client.post(
        "/account/accedi/", {"username": "giulia.verdi@example.org", "password": "lungo-e-sicuro-2026"}
    )
    assert response.status_code == 302
    assert "Giulia" in page_text(cesena_client.get("/"))


def test_registration_refuses_a_bad_fiscal_code_but_never_says_an_email_is_taken(citizen, db):
    # Whether an address has an account is told to its owner by e-mail, never to the visitor
    # (tests/identity/test_email_accounts.py).
    response = _register(host_client("localhost"), email=citizen.email.upper(), fiscal_code="RSSMRA85T10A562T")
    assert response.status_code == 400
    text = page_text(response)
    assert "Esiste già un account" not in text
    assert "il carattere di controllo non corrisponde" in text
    assert User.objects.count() == 1


def test_wrong_password_is_refused_with_a_message(citizen, cesena):
    response = host_client("cesena.localhost").post(
        "/account/accedi/", {"username": citizen.email, "password": "sbagliata"}
    )
    assert response.status_code == 200
    assert "Inserisci" in page_text(response) or "corrett" in page_text(response)
    assert "_auth_user_id" not in response.wsgi_request.session


def test_logout_ends_the_session(citizen, cesena):
    client = host_client("cesena.localhost", citizen)
    client.post("/account/esci/")
    assert "Accedi all'area personale" in page_text(client.get("/"))


def test_password_reset_by_email(citizen, cesena):
    client = host_client("cesena.localhost")
    response = client.post("/account/password/recupero/", {"email": citizen.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://cesena\.localhost(/account/password/nuova/\S+)", mail.outbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"new_password1": "nuova-password-2026", "new_password2": "nuova-password-2026"},
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password("nuova-password-2026")
