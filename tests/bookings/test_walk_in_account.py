"""A walk-in at the front desk creates the person's account only once the booking passed every
rule: a refused one leaves no account, so the address can still sign up and reset a password."""

import re

import pytest
from django.core import mail
from django.db import connection

from src.bookings import services
from src.bookings.models import Booking
from src.common.errors import Conflict, DomainError
from tenants.identity.models import User
from tests.bookings.conftest import period
from tests.conftest import host_client

EMAIL = "passante@example.org"


def walk_in(operator, space, seat, when):
    return services.walk_in_book(operator=operator, email=EMAIL, space=space, seat=seat, period=when)


def sign_up_and_reset_password(cesena):
    connection.set_schema_to_public()
    client = host_client("cesena.localhost")
    response = client.post(
        "/account/registrati/",
        {
            "email": EMAIL,
            "first_name": "Paola",
            "last_name": "Passante",
            "fiscal_code": "",
            "home_municipality": "",
            "phone": "",
            "language": "it",
            "password1": "lungo-e-sicuro-2026",
            "password2": "lungo-e-sicuro-2026",
        },
    )
    assert response.status_code == 302
    (confirmation,) = mail.outbox
    # A new account's confirmation link, not the "you already have an account" note.
    assert "/account/email/conferma/" in confirmation.body and "già un account" not in confirmation.body
    assert User.objects.get(email=EMAIL).check_password("lungo-e-sicuro-2026")

    assert client.post("/account/password/recupero/", {"email": EMAIL}).status_code == 302
    reset = mail.outbox[-1]
    assert reset.to == [EMAIL]
    assert re.search(r"/account/password/nuova/\S+", reset.body)


def test_a_walk_in_refused_by_the_opening_hours_leaves_no_account(cesena, cesena_operator, cowork, seats, tomorrow):
    with pytest.raises(DomainError):
        walk_in(cesena_operator, cowork, seats[0], period(tomorrow, "20:00", "21:00"))  # the hub is closed
    assert not User.objects.filter(email=EMAIL).exists()
    assert not Booking.objects.filter(created_by=cesena_operator).exists()
    sign_up_and_reset_password(cesena)


def test_a_walk_in_for_a_taken_place_leaves_no_account(cesena, cesena_operator, citizen, cowork, seats, tomorrow):
    services.booking_create(
        person=citizen, space=cowork, seat=seats[0], period=period(tomorrow, "10:00", "11:00"), channel="web"
    )
    with pytest.raises(Conflict):
        walk_in(cesena_operator, cowork, seats[0], period(tomorrow, "10:00", "11:00"))
    assert not User.objects.filter(email=EMAIL).exists()
    sign_up_and_reset_password(cesena)


def test_an_accepted_walk_in_creates_the_account(cesena, cesena_operator, cowork, seats, tomorrow):
    booking = walk_in(cesena_operator, cowork, seats[1], period(tomorrow, "10:00", "11:00"))
    assert booking.person == User.objects.get(email=EMAIL)
    assert booking.channel == "front_desk" and booking.created_by == cesena_operator


NEW_PASSWORD = "una-password-nuova-2026"


def test_a_walk_in_sets_a_password_by_email_and_signs_in(cesena, cesena_operator, cowork, seats, tomorrow):
    """The account the front desk made has no usable password: "Password dimenticata" still
    writes to it, and the link lets the person choose one and sign in (Django's own form
    ignores such accounts)."""
    from tests.conftest import drain_outbox, page_text

    booking = walk_in(cesena_operator, cowork, seats[1], period(tomorrow, "10:00", "11:00"))
    assert not booking.person.has_usable_password()
    drain_outbox(cesena)  # the booking's confirmation leaves through the comune's outbox
    connection.set_schema_to_public()
    mail.outbox.clear()

    client = host_client("cesena.localhost")
    assert client.post("/account/password/recupero/", {"email": EMAIL.upper()}).status_code == 302
    drain_outbox(cesena)
    (reset,) = mail.outbox
    assert reset.to == [EMAIL]
    link = re.search(r"https?://cesena\.localhost(/account/password/nuova/\S+/)", reset.body).group(1)
    form_page = client.get(link, follow=True)  # Django moves the token into the session first
    assert "new_password1" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "password" in page_text(done).lower() and done.redirect_chain[-1][0].endswith(
        "/account/password/nuova/fatto/"
    )
    person = User.objects.get(email=EMAIL)
    assert person.check_password(NEW_PASSWORD)
    assert person.email_verified  # the link reached the mailbox: the person can book online now

    union = host_client("localhost")
    signed_in = union.post("/account/accedi/", {"username": EMAIL, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    assert union.get("/account/").status_code == 200
    assert union.session["_auth_user_id"] == str(person.pk)


def test_no_reset_email_for_an_inactive_account(db):
    User.objects.create_user(email=EMAIL, password=None, is_active=False)
    client = host_client("localhost")
    assert client.post("/account/password/recupero/", {"email": EMAIL}).status_code == 302
    assert mail.outbox == []
